package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.io.Hashes;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Computes the paper's metrics for one model: FID, KID, precision/recall (against real-image
 * statistics), PPL in Z and W (full and end) and linear separability. Generation uses ψ = 1
 * (truncation off) and random noise, as the official metrics; everything is seeded, so the same
 * call gives the same numbers.
 */
public final class Metrics {

	/** Metric keys; "cls" is the classifier check of a conditional model ({@link ClassifierCheck}). */
	public static final List<String> ALL = Arrays.asList("fid", "kid", "pr", "ppl_zfull", "ppl_wfull", "ppl_zend", "ppl_wend", "ls", "cls");

	/** A comma-separated metric list as users type it ("FID, kid,pr") → keys; checked by {@link Options#validate}. */
	public static List<String> parseList(String text) {
		List<String> out = new ArrayList<>();
		for (String k : text.trim().toLowerCase(Locale.ROOT).split("\\s*,\\s*")) if (!k.isEmpty()) out.add(k);
		return out;
	}

	public static final class Options {
		public List<String> metrics = new ArrayList<>(Arrays.asList("fid"));
		/** Generated images for FID/KID/PR (50k in the official metrics). */
		public int numGenerated = 50_000;
		/** Pairs for PPL (50k in the official PyTorch code). */
		public int pplSamples = 50_000;
		public boolean pplCrop = false;
		/** Generated images for LS (200k officially; the most confident half is used per attribute). */
		public int lsSamples = 200_000;
		public long seed = 0;
		public int batchSize = 64;
		public int kidSubsets = 100, kidSubsetSize = 1000;
		public int prK = 3;
		/** Features kept per set for KID and precision/recall (official P&R: at most 200k real, 50k generated). */
		public int maxKept = 50_000;
		public Truncation truncation = Truncation.NONE;

		public Options validate() {
			if (metrics.isEmpty()) throw new IllegalArgumentException("no metric chosen; choose from " + ALL);
			for (String m : metrics)
				if (!ALL.contains(m)) throw new IllegalArgumentException("unknown metric '" + m + "'; choose from " + ALL);
			if (numGenerated < 2 || pplSamples < 1 || lsSamples < 4 || batchSize < 1)
				throw new IllegalArgumentException("sample counts must be positive (generated ≥ 2, LS ≥ 4)");
			return this;
		}

		public boolean needsReals() {
			return metrics.contains("fid") || metrics.contains("kid") || metrics.contains("pr");
		}

		boolean needsKeptFeatures() {
			return metrics.contains("kid") || metrics.contains("pr");
		}
	}

	/** Metric values by key (fid, kid, precision, recall, ppl_wend, ls_z, ls_w, …) and how they were made. */
	public static final class Result {
		public Map<String, Double> values = new LinkedHashMap<>();
		public Map<String, Object> details = new LinkedHashMap<>();
	}

	/** Rows of the distance matrix per batch in precision/recall: 512 × 50k float64 = 200 MB at the default counts. */
	static final int PR_ROW_BATCH = 512;

	private Metrics() {}

	public static Result compute(Sampler sampler, FeatureNetwork net, FeatureStats reals, Options o, Progress progress) {
		o.validate();
		if (o.needsReals() && reals == null) throw new IllegalArgumentException("FID, KID and P&R need real-image statistics");
		if (reals != null && !net.id().equals(reals.info.featureNetwork))
			throw new IllegalArgumentException("the real statistics were made with feature network " + reals.info.featureNetwork
				+ ", not " + net.id() + " (recompute them)");
		Result r = new Result();
		StyleGanModel model = sampler.model();
		r.details.put("model_kimg", model.progress.kimg);
		r.details.put("feature_network", net.id());
		r.details.put("device", sampler.describeDevice());
		r.details.put("seed", o.seed);
		r.details.put("truncation_psi", o.truncation.psi);
		if (o.needsReals()) {
			long t0 = System.nanoTime();
			FeatureStats gen = generatedStats(sampler, net, o.numGenerated, o.seed, o.needsKeptFeatures() ? o.maxKept : 0,
				o.truncation, o.batchSize, progress);
			r.details.put("generated_images", o.numGenerated);
			r.details.put("real_images", reals.info.count);
			r.details.put("real_source", reals.info.source);
			r.details.put("generation_seconds", (System.nanoTime() - t0) / 1e9);
			compareStats(gen, reals, o, net.manager(), r);
		}
		for (String m : o.metrics) {
			if (!m.startsWith("ppl_")) continue;
			if (needsClass(sampler, r, m)) continue;
			progress.checkCancelled();
			PerceptualPathLength.Options p = new PerceptualPathLength.Options();
			p.space = m.charAt(4) == 'z' ? PerceptualPathLength.Space.Z : PerceptualPathLength.Space.W;
			p.end = m.endsWith("end");
			p.crop = o.pplCrop;
			p.samples = o.pplSamples;
			p.seed = o.seed;
			p.batchPairs = Math.max(1, o.batchSize / 2);
			r.values.put(m, PerceptualPathLength.of(sampler, net, p, progress));
			r.details.put("ppl_pairs", o.pplSamples);
			r.details.put("ppl_crop", o.pplCrop);
		}
		if (o.metrics.contains("ls") && !needsClass(sampler, r, "ls")) {
			LinearSeparability.Options l = new LinearSeparability.Options();
			l.samples = o.lsSamples;
			l.seed = o.seed;
			l.batchSize = o.batchSize;
			LinearSeparability.Result ls = LinearSeparability.of(sampler, net, l, progress);
			r.values.put("ls_z", ls.lsZ);
			r.values.put("ls_w", ls.lsW);
			r.details.put("ls_conditional_entropy_bits_z_w", ls.conditionalEntropy);
			r.details.put("ls_samples", o.lsSamples);
		}
		if (o.metrics.contains("cls")) {
			int k = model.config.labelSize;
			ClassifierCheck.Result c = ClassifierCheck.of(sampler, net, Math.max(1, o.numGenerated / Math.max(1, k)), o.seed, o.batchSize, progress);
			r.values.put("classifier_accuracy", c.meanAccuracy);
			r.details.put("classifier_check", c);
		}
		if (sampler.classLabel() >= 0) r.details.put("class", model.config.className(sampler.classLabel()));
		return r;
	}

	/**
	 * PPL and LS walk or classify latents of one class: a conditional model without a chosen class
	 * skips them (said in the details), so that e.g. metrics during conditional training go on.
	 */
	private static boolean needsClass(Sampler sampler, Result r, String metric) {
		if (!sampler.model().config.isConditional() || sampler.classLabel() >= 0) return false;
		r.details.put(metric, "skipped: a conditional model needs a class for " + metric);
		return true;
	}

	/**
	 * FID, KID and precision/recall (those in {@code o.metrics}) between two sets of statistics,
	 * e.g. generated vs real, or one real set vs another (the floor a model can reach).
	 */
	public static void compareStats(FeatureStats a, FeatureStats reals, Options o, ai.djl.ndarray.NDManager manager, Result r) {
		if (!a.info.featureNetwork.equals(reals.info.featureNetwork))
			throw new IllegalArgumentException("the statistics come from different feature networks (" + a.info.featureNetwork
				+ " vs " + reals.info.featureNetwork + ")");
		if (o.metrics.contains("fid")) r.values.put("fid", FrechetDistance.of(a, reals));
		if (o.metrics.contains("kid")) {
			checkKept(reals, "KID");
			checkKept(a, "KID");
			r.values.put("kid", KernelDistance.of(reals.features, reals.keptCount(), a.features, a.keptCount(), a.dimension(),
				o.kidSubsets, o.kidSubsetSize, o.seed, manager));
		}
		if (o.metrics.contains("pr")) {
			checkKept(reals, "precision/recall");
			checkKept(a, "precision/recall");
			double[] pr = PrecisionRecall.of(reals.features, reals.keptCount(), a.features, a.keptCount(), a.dimension(),
				o.prK, PR_ROW_BATCH, manager);
			r.values.put("precision", pr[0]);
			r.values.put("recall", pr[1]);
		}
	}

	private static void checkKept(FeatureStats reals, String metric) {
		if (reals.keptCount() < 2)
			throw new IllegalArgumentException(metric + " needs the features themselves, but the statistics file keeps none"
				+ " (recompute it with features kept)");
	}

	/**
	 * Statistics of {@code n} generated images: z drawn in one NumPy-compatible stream from
	 * {@code seed}, libtorch noise seeded too; a conditional model's images are of the sampler's class,
	 * or without one of classes drawn uniformly from the same stream. 8-bit models' images are quantised to 8 bits first, as
	 * the official metrics convert to uint8 (reals from 8-bit files are quantised already).
	 */
	public static FeatureStats generatedStats(Sampler sampler, FeatureNetwork net, int n, long seed, int keep,
			Truncation truncation, int batchSize, Progress progress) {
		StyleGanModel model = sampler.model();
		int zDim = model.config.latentSize;
		boolean quantize = model.dataRange.pixelType == DataRange.PixelType.UINT8;
		NumpyRandom rng = new NumpyRandom(seed);
		JniUtils.setSeed(seed);
		try (FeatureAccumulator acc = new FeatureAccumulator(net.manager(), net.featureSize(), keep)) {
			for (int b0 = 0; b0 < n; b0 += batchSize) {
				progress.checkCancelled();
				int b = Math.min(batchSize, n - b0);
				float[] z = new float[b * zDim];
				rng.randnInto(z, 0, z.length);
				int[] classes = sampler.classesFor(b, rng);
				Images img = sampler.render(sampler.broadcast(sampler.mapZ(z, b, classes)), b,
					classes == null ? null : sampler.broadcastClasses(classes), truncation, NoiseSpec.random());
				if (quantize) quantize8(img.data);
				addFeatures(acc, net, img.data, b, img.channels, img.height);
				progress.update("generated images", b0 + b, n);
			}
			return acc.finish(net.id(), "generated by model (" + n + " images, seed " + seed + ")", "");
		}
	}

	/** Statistics of a dataset (all its images, no mirroring, as fid50k_full). */
	public static FeatureStats realStats(Dataset data, String source, FeatureNetwork net, int keep, int batchSize,
			Progress progress) {
		return realStats(data, source, net, keep, batchSize, progress, data.contentHash());
	}

	private static FeatureStats realStats(Dataset data, String source, FeatureNetwork net, int keep, int batchSize,
			Progress progress, String contentHash) {
		int size = data.imageSize();
		try (FeatureAccumulator acc = new FeatureAccumulator(net.manager(), net.featureSize(), keep)) {
			for (int b0 = 0; b0 < data.count; b0 += batchSize) {
				progress.checkCancelled();
				int b = Math.min(batchSize, data.count - b0);
				float[] x = new float[b * size];
				for (int i = 0; i < b; i++) data.copyImage(b0 + i, false, x, i * size);
				addFeatures(acc, net, x, b, data.channels, data.resolution);
				progress.update("real images", b0 + b, data.count);
			}
			return acc.finish(net.id(), source, contentHash);
		}
	}

	/**
	 * Real statistics from the cache folder when an earlier run made them from the same pixels with
	 * the same feature network (and kept at least as many features); otherwise computed and cached.
	 */
	public static FeatureStats cachedRealStats(Dataset data, String source, FeatureNetwork net, int keep, int batchSize,
			Path cacheDir, Progress progress) throws IOException {
		String hash = data.contentHash();
		String key = Hashes.sha256((hash + "|" + net.id()).getBytes(StandardCharsets.UTF_8)).substring(0, 24);
		Path file = cacheDir.resolve("real-" + key + ".stats.zip");
		if (Files.exists(file)) {
			try {
				FeatureStats s = FeatureStats.load(file);
				if (hash.equals(s.info.contentHash) && net.id().equals(s.info.featureNetwork)
						&& s.keptCount() >= Math.min(keep, data.count)) {
					progress.log("Real statistics from cache " + file);
					return s;
				}
			} catch (IOException e) {
				progress.log("Ignoring unreadable cached statistics " + file + ": " + e.getMessage());
			}
		}
		FeatureStats s = realStats(data, source, net, keep, batchSize, progress, hash);
		try {
			s.save(file);
			progress.log("Real statistics cached in " + file);
		} catch (IOException e) {
			progress.log("Could not cache real statistics in " + file + ": " + e.getMessage());
		}
		return s;
	}

	private static void addFeatures(FeatureAccumulator acc, FeatureNetwork net, float[] pixels, int n, int channels, int res) {
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray x = HostArrays.upload(net.manager(), pixels, new Shape(n, channels, res, res));
			acc.add(net.features(x));
		}
	}

	/** [−1, 1] → 256 levels, as (x·127.5 + 128) clamped and truncated to uint8 in the official code. */
	static void quantize8(float[] data) {
		for (int i = 0; i < data.length; i++) {
			double v = Math.floor(Math.max(0, Math.min(255, data[i] * 127.5 + 128)));
			data[i] = (float) (v / 127.5 - 1);
		}
	}

	/** One line per value, for logs. */
	public static String format(Result r) {
		StringBuilder sb = new StringBuilder();
		r.values.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s = %.6g%n", k, v)));
		Object cls = r.details.get("classifier_check");
		if (cls instanceof ClassifierCheck.Result) sb.append(ClassifierCheck.format((ClassifierCheck.Result) cls));
		return sb.toString();
	}
}

package io.github.stylegan4fiji.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.ProcessMemory;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.FashionMnist;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.metrics.CnnFeatureNetwork;
import io.github.stylegan4fiji.metrics.FeatureStats;
import io.github.stylegan4fiji.metrics.FrechetDistance;
import io.github.stylegan4fiji.metrics.Metrics;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Metrics speed on the shipped default model and feature network: feature extraction images/s
 * (median over batches of 64 random 32² images), and the wall time of FID with 10k generated
 * images at res 32 against the Fashion-MNIST test set (generation + features, real statistics,
 * Fréchet distance, each timed), with resident memory before and after (bounded: statistics
 * stream, features are not kept for FID).
 * <p>
 * Usage: {@code bin/benchmark metrics [device] [repeats] [generated images]}; with 0 generated
 * images, instead of FID, the loop a FID run does per batch of 64 generated images (generation,
 * 8-bit quantization, features, statistics) is timed over {@code repeats} batches after 10 — the two
 * figures {@code bin/benchmark compare} sets beside the same networks in PyTorch from Python.
 * <p>
 * Warm-up: the feature network runs {@value #FEATURE_WARM_UP} batches before it is timed. In a fresh
 * JVM the first batches run up to 2× slower than the settled loop (the JIT compiling the per-op Java
 * code; the same as for generation, docs/benchmarks.md), and a metric over 10k images runs settled:
 * after 3 batches the median of a few was 20–22 ms per batch where the settled pass takes ≈ 16.
 */
public final class MetricsBenchmark {

	private static final int FEATURE_WARM_UP = 30;
	private static final int FID_LOOP_WARM_UP = 10;

	public static void main(String[] args) throws IOException {
		Device device = Devices.parse(args.length > 0 ? args[0] : "cpu");
		int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
		int n = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
		Path root = Paths.get(System.getProperty("stylegan.root", "."));
		Path modelFile = root.resolve("models/fashion-mnist-32.zip");
		try (CnnFeatureNetwork net = CnnFeatureNetwork.load(root.resolve("models/fashion-mnist-classifier.zip"), device);
				StyleGanModel model = ModelFile.load(modelFile, device);
				Sampler sampler = new Sampler(model, device).batchSize(64)) {
			// feature extraction
			float[] px = new float[64 * 32 * 32];
			new NumpyRandom(1).randnInto(px, 0, px.length);
			double[] ms = new double[repeats];
			for (int i = 0; i < repeats + FEATURE_WARM_UP; i++) {
				try (ArrayScope scope = new ArrayScope()) {
					scope.suppressNotUsedWarning();
					NDArray x = net.manager().create(px, new Shape(64, 1, 32, 32));
					long t0 = System.nanoTime();
					net.features(x).toFloatArray();
					if (i >= FEATURE_WARM_UP) ms[i - FEATURE_WARM_UP] = (System.nanoTime() - t0) / 1e6;
				}
			}
			double perBatch = BenchUtil.median(ms);
			JsonObject f = new JsonObject();
			f.addProperty("benchmark", "feature_extraction");
			f.addProperty("network", net.id());
			f.addProperty("batch", 64);
			f.addProperty("median_ms_per_batch", BenchUtil.round(perBatch, 2));
			f.addProperty("images_per_s", BenchUtil.round(64 * 1000 / perBatch, 1));
			f.addProperty("device", Devices.describe(device));
			System.out.println(f);

			if (n <= 0) {
				Metrics.generatedStats(sampler, net, FID_LOOP_WARM_UP * 64, 0, 0, Truncation.NONE, 64, Progress.NONE); // warm-up
				long l0 = System.nanoTime();
				Metrics.generatedStats(sampler, net, repeats * 64, 1, 0, Truncation.NONE, 64, Progress.NONE);
				JsonObject l = new JsonObject();
				l.addProperty("benchmark", "fid_loop");
				l.addProperty("model", modelFile.getFileName().toString());
				l.addProperty("batch", 64);
				l.addProperty("ms_per_batch", BenchUtil.round((System.nanoTime() - l0) / 1e6 / repeats, 2));
				l.addProperty("device", sampler.describeDevice());
				System.out.println(l);
				return;
			}
			// FID 10k
			double rss0 = ProcessMemory.residentMiB();
			long t0 = System.nanoTime();
			FeatureStats reals = Metrics.realStats(FashionMnist.labelled(FashionMnist.DEFAULT_DIR, "t10k", 0).images, "Fashion-MNIST t10k",
				net, 0, 64, Progress.NONE);
			double realSeconds = (System.nanoTime() - t0) / 1e9;
			t0 = System.nanoTime();
			FeatureStats gen = Metrics.generatedStats(sampler, net, n, 0, 0, Truncation.NONE, 64, Progress.NONE);
			double genSeconds = (System.nanoTime() - t0) / 1e9;
			t0 = System.nanoTime();
			double fid = FrechetDistance.of(gen, reals);
			double frechetSeconds = (System.nanoTime() - t0) / 1e9;
			JsonObject o = new JsonObject();
			o.addProperty("benchmark", "fid");
			o.addProperty("generated_images", n);
			o.addProperty("resolution", model.config.resolution);
			o.addProperty("fid", BenchUtil.round(fid, 3));
			o.addProperty("generation_and_features_s", BenchUtil.round(genSeconds, 1));
			o.addProperty("generated_images_per_s", BenchUtil.round(n / genSeconds, 1));
			o.addProperty("real_statistics_s", BenchUtil.round(realSeconds, 1));
			o.addProperty("frechet_s", BenchUtil.round(frechetSeconds, 3));
			o.addProperty("total_s_with_cached_real_statistics", BenchUtil.round(genSeconds + frechetSeconds, 1));
			o.addProperty("rss_mib_before", BenchUtil.round(rss0, 0));
			o.addProperty("rss_mib_after", BenchUtil.round(ProcessMemory.residentMiB(), 0));
			o.addProperty("peak_rss_mib", BenchUtil.round(ProcessMemory.peakMiB(), 0));
			o.addProperty("device", sampler.describeDevice());
			System.out.println(o);
		}
	}
}

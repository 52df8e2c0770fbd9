package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Does a conditional model make what it is asked for? Images of each class (ψ = 1, random noise)
 * go through a classifier (the built-in feature network's head, or a TorchScript one with class
 * names); the result is the fraction classified as the class they were made of, per class, and the
 * confusion matrix (rows: the model's class, columns: the classifier's answer). Model and
 * classifier classes are matched by name (case and punctuation ignored), else by position when both
 * have the same number of classes.
 */
public final class ClassifierCheck {

	public static final class Result {
		public List<String> classes;
		public List<String> classifierClasses;
		/** Per model class: fraction of its images the classifier put in the matching class. */
		public double[] accuracy;
		public double meanAccuracy;
		/** [model class][classifier class] image counts. */
		public long[][] confusion;
		public int imagesPerClass;
		/** How the classes were matched: "name" or "position". */
		public String matchedBy;
	}

	private ClassifierCheck() {}

	public static Result of(Sampler sampler, FeatureNetwork net, int perClass, long seed, int batchSize, Progress progress) {
		StyleGanConfig c = sampler.model().config;
		if (!c.isConditional()) throw new IllegalArgumentException("the classifier check needs a conditional model (trained with class labels)");
		List<String> cls = net.classNames();
		if (cls == null || cls.isEmpty())
			throw new IllegalArgumentException("the feature network has no classifier head with class names; the check needs one");
		if (perClass < 1) throw new IllegalArgumentException("the classifier check needs at least 1 image per class");
		Result r = new Result();
		r.classes = new ArrayList<>();
		for (int k = 0; k < c.labelSize; k++) r.classes.add(c.className(k));
		r.classifierClasses = new ArrayList<>(cls);
		int[] target = match(r.classes, cls);
		r.matchedBy = target != null ? "name" : "position";
		if (target == null) {
			if (cls.size() != c.labelSize)
				throw new IllegalArgumentException("the model's classes " + r.classes + " match neither the names nor the number of the classifier's "
					+ cls);
			target = new int[c.labelSize];
			for (int k = 0; k < target.length; k++) target[k] = k;
		}
		r.imagesPerClass = perClass;
		r.confusion = new long[c.labelSize][cls.size()];
		r.accuracy = new double[c.labelSize];
		boolean quantize = sampler.model().dataRange.pixelType == DataRange.PixelType.UINT8;
		NumpyRandom rng = new NumpyRandom(seed);
		JniUtils.setSeed(seed);
		int zDim = c.latentSize, total = perClass * c.labelSize, done = 0;
		for (int k = 0; k < c.labelSize; k++) {
			for (int b0 = 0; b0 < perClass; b0 += batchSize) {
				progress.checkCancelled();
				int b = Math.min(batchSize, perClass - b0);
				float[] z = new float[b * zDim];
				rng.randnInto(z, 0, z.length);
				int[] labels = new int[b];
				Arrays.fill(labels, k);
				Images img = sampler.render(sampler.broadcast(sampler.mapZ(z, b, labels)), b, sampler.broadcastClasses(labels),
					Truncation.NONE, NoiseSpec.random());
				if (quantize) Metrics.quantize8(img.data);
				for (int answer : classify(net, img)) r.confusion[k][answer]++;
				done += b;
				progress.update("classifier check", done, total);
			}
			r.accuracy[k] = r.confusion[k][target[k]] / (double) perClass;
		}
		r.meanAccuracy = Arrays.stream(r.accuracy).average().orElse(Double.NaN);
		return r;
	}

	private static int[] classify(FeatureNetwork net, Images img) {
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray x = HostArrays.upload(net.manager(), img.data, new Shape(img.n, img.channels, img.height, img.width));
			long[] arg = net.logits(x).argMax(1).toLongArray();
			int[] out = new int[arg.length];
			for (int i = 0; i < arg.length; i++) out[i] = (int) arg[i];
			return out;
		}
	}

	/** Classifier index of each model class by name, or null if some name has no match. */
	static int[] match(List<String> model, List<String> classifier) {
		int[] out = new int[model.size()];
		for (int k = 0; k < model.size(); k++) {
			out[k] = -1;
			for (int j = 0; j < classifier.size(); j++)
				if (key(model.get(k)).equals(key(classifier.get(j)))) out[k] = j;
			if (out[k] < 0) return null;
		}
		return out;
	}

	private static String key(String name) {
		return name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "");
	}

	/** The per-class table and confusion matrix as text. */
	public static String format(Result r) {
		StringBuilder b = new StringBuilder();
		b.append(String.format(Locale.ROOT, "classifier check: %d images per class, classes matched by %s; mean accuracy %.3f%n",
			r.imagesPerClass, r.matchedBy, r.meanAccuracy));
		b.append(String.format(Locale.ROOT, "%-16s %8s   confusion (columns: %s)%n", "class", "accuracy", String.join(", ", r.classifierClasses)));
		for (int k = 0; k < r.classes.size(); k++) {
			b.append(String.format(Locale.ROOT, "%-16s %8.3f  ", r.classes.get(k), r.accuracy[k]));
			for (long n : r.confusion[k]) b.append(String.format(Locale.ROOT, " %5d", n));
			b.append('\n');
		}
		return b.toString();
	}
}

package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linear separability (paper §4.2; official SG1 {@code linear_separability.py}). Generated images
 * are labelled by a classifier; for each attribute the most confident half is kept, a linear SVM
 * predicts the label from z and from w, and H(Y|X) (bits) of label Y given SVM prediction X is
 * measured; the score is 2^Σ H as in the official code (the paper writes exp). Attributes here are
 * the classifier's classes, one against the rest: p = softmax probability of the class, and the
 * confident half is taken per label (see {@link #mostConfident}).
 */
public final class LinearSeparability {

	public static final class Result {
		public double lsZ, lsW;
		/** Per attribute: H(Y|X) in Z and in W, bits. */
		public Map<String, double[]> conditionalEntropy = new LinkedHashMap<>();
	}

	public static final class Options {
		public int samples = 10_000;
		public long seed = 0;
		public int batchSize = 64;
	}

	private LinearSeparability() {}

	public static Result of(Sampler sampler, FeatureNetwork classifier, Options o, Progress progress) {
		List<String> classes = classifier.classNames();
		if (classes.size() < 2) throw new IllegalArgumentException("linear separability needs a classifier (the feature network has no classes)");
		int zDim = sampler.model().config.latentSize, wDim = sampler.model().config.dlatentSize, n = o.samples;
		NumpyRandom rng = new NumpyRandom(o.seed);
		float[] z = new float[n * zDim];
		rng.randnInto(z, 0, z.length);
		float[] w = sampler.mapZ(z, n);
		float[][] probs = new float[n][];
		JniUtils.setSeed(o.seed); // random noise, reproducible
		for (int b0 = 0; b0 < n; b0 += o.batchSize) {
			progress.checkCancelled();
			int b = Math.min(o.batchSize, n - b0);
			Images img = sampler.render(sampler.broadcast(Arrays.copyOfRange(w, b0 * wDim, (b0 + b) * wDim)), b, Truncation.NONE, NoiseSpec.random());
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray x = HostArrays.upload(classifier.manager(), img.data, new Shape(b, img.channels, img.height, img.width));
				float[] p = classifier.logits(x).softmax(1).toFloatArray();
				for (int i = 0; i < b; i++) probs[b0 + i] = Arrays.copyOfRange(p, i * classes.size(), (i + 1) * classes.size());
			}
			progress.update("LS: generating and classifying", b0 + b, n);
		}
		Result r = new Result();
		double sumZ = 0, sumW = 0;
		for (int k = 0; k < classes.size(); k++) {
			progress.checkCancelled();
			int[] keep = mostConfident(probs, k);
			boolean[] y = new boolean[keep.length];
			for (int i = 0; i < keep.length; i++) y[i] = probs[keep[i]][k] > 0.5;
			double hz = entropyOfFit(rows(z, keep, zDim), keep.length, zDim, y, o.seed + k);
			double hw = entropyOfFit(rows(w, keep, wDim), keep.length, wDim, y, o.seed + k);
			r.conditionalEntropy.put(classes.get(k), new double[] {hz, hw});
			sumZ += hz;
			sumW += hw;
			progress.update("LS: fitting SVMs", k + 1, classes.size());
		}
		r.lsZ = Math.pow(2, sumZ);
		r.lsW = Math.pow(2, sumW);
		return r;
	}

	/** H(Y|X) of the labels given a linear SVM's predictions on the same points (0 if one class only). */
	static double entropyOfFit(float[] x, int n, int d, boolean[] y, long seed) {
		boolean any = false, all = true;
		for (boolean v : y) {
			any |= v;
			all &= v;
		}
		if (!any || all) return 0; // a single class is predicted perfectly by a constant
		LinearSvm svm = LinearSvm.fit(x, n, d, y, 1.0, 1e-4, 1000, seed);
		boolean[] pred = new boolean[n];
		for (int i = 0; i < n; i++) pred[i] = svm.predict(x, i);
		return conditionalEntropy(pred, y);
	}

	/** H(Y|X) in bits from paired binary observations. */
	public static double conditionalEntropy(boolean[] x, boolean[] y) {
		double[][] count = new double[2][2];
		for (int i = 0; i < x.length; i++) count[x[i] ? 1 : 0][y[i] ? 1 : 0]++;
		double h = 0;
		for (double[] row : count) {
			double nx = row[0] + row[1];
			for (double c : row) if (c > 0) h -= c / x.length * Math.log(c / nx) / Math.log(2);
		}
		return Math.max(h, 0);
	}

	/**
	 * The most confident half of each label's samples. The official code keeps the most confident
	 * half overall, which suits its roughly balanced CelebA attributes; for one class of many
	 * against the rest, that half would hold (almost) only "not this class" and say nothing.
	 */
	static int[] mostConfident(float[][] probs, int k) {
		List<Integer> pos = new ArrayList<>(), neg = new ArrayList<>();
		for (int i = 0; i < probs.length; i++) (probs[i][k] > 0.5 ? pos : neg).add(i);
		List<Integer> keep = new ArrayList<>();
		for (List<Integer> group : Arrays.asList(pos, neg)) {
			group.sort((a, b) -> Double.compare(confidence(probs[b][k]), confidence(probs[a][k])));
			keep.addAll(group.subList(0, (group.size() + 1) / 2));
		}
		return keep.stream().mapToInt(Integer::intValue).toArray();
	}

	private static double confidence(double p) {
		return Math.max(p, 1 - p);
	}

	private static float[] rows(float[] a, int[] idx, int d) {
		float[] out = new float[idx.length * d];
		for (int i = 0; i < idx.length; i++) System.arraycopy(a, idx[i] * d, out, i * d, d);
		return out;
	}
}

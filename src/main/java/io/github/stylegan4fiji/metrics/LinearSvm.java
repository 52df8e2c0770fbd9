package io.github.stylegan4fiji.metrics;

import io.github.stylegan4fiji.core.NumpyRandom;

/**
 * A linear support vector machine with squared hinge loss and L2 penalty, bias included as a
 * constant feature — the problem scikit-learn's {@code LinearSVC()} solves with its defaults
 * (C = 1, tol 1e-4, at most 1000 passes) — by dual coordinate descent (Hsieh et al., ICML 2008).
 */
public final class LinearSvm {

	public final double[] weights;
	public final double bias;
	public final int passes;

	private LinearSvm(double[] weights, double bias, int passes) {
		this.weights = weights;
		this.bias = bias;
		this.passes = passes;
	}

	/** x row-major [n, d]; labels true/false. */
	public static LinearSvm fit(float[] x, int n, int d, boolean[] labels, double c, double tol, int maxPasses, long seed) {
		double[] w = new double[d + 1]; // last = bias (feature value 1)
		double[] alpha = new double[n];
		double diag = 1 / (2 * c);
		double[] q = new double[n];
		for (int i = 0; i < n; i++) {
			double s = 1;
			for (int j = 0; j < d; j++) s += (double) x[i * d + j] * x[i * d + j];
			q[i] = s + diag;
		}
		NumpyRandom rng = new NumpyRandom(seed);
		int[] order = new int[n];
		for (int i = 0; i < n; i++) order[i] = i;
		int pass = 0;
		for (; pass < maxPasses; pass++) {
			for (int i = n - 1; i > 0; i--) {
				int j = rng.nextInt(i + 1), t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
			double maxPg = Double.NEGATIVE_INFINITY, minPg = Double.POSITIVE_INFINITY;
			for (int i : order) {
				double y = labels[i] ? 1 : -1;
				double g = y * dot(w, x, i, d) - 1 + diag * alpha[i];
				double pg = alpha[i] == 0 ? Math.min(g, 0) : g;
				maxPg = Math.max(maxPg, pg);
				minPg = Math.min(minPg, pg);
				if (pg != 0) {
					double old = alpha[i];
					alpha[i] = Math.max(alpha[i] - g / q[i], 0);
					double delta = (alpha[i] - old) * y;
					for (int j = 0; j < d; j++) w[j] += delta * x[i * d + j];
					w[d] += delta;
				}
			}
			if (maxPg - minPg <= tol) break;
		}
		return new LinearSvm(java.util.Arrays.copyOf(w, d), w[d], pass);
	}

	private static double dot(double[] w, float[] x, int i, int d) {
		double s = w[d];
		for (int j = 0; j < d; j++) s += w[j] * x[i * d + j];
		return s;
	}

	public boolean predict(float[] x, int i) {
		double s = bias;
		for (int j = 0; j < weights.length; j++) s += weights[j] * x[i * weights.length + j];
		return s > 0;
	}
}

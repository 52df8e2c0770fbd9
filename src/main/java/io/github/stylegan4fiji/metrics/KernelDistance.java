package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;

/**
 * Kernel Inception Distance as the official {@code kernel_inception_distance.py}: the unbiased
 * MMD² estimate with the polynomial kernel k(x, y) = (xᵀy/d + 1)³, averaged over random subsets
 * of m = min(n_real, n_gen, subsetSize) features each, drawn without replacement.
 */
public final class KernelDistance {

	private KernelDistance() {}

	/** Features are row-major [n, d] host arrays; the kernel sums run as matrix products. */
	public static double of(float[] real, int nReal, float[] gen, int nGen, int d, int subsets, int subsetSize, long seed,
			NDManager manager) {
		if (nReal < 2 || nGen < 2) throw new IllegalArgumentException("KID needs at least 2 real and 2 generated features");
		int m = Math.min(Math.min(nReal, nGen), subsetSize);
		NumpyRandom rng = new NumpyRandom(seed);
		double t = 0;
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray r = HostArrays.upload(manager, real, new Shape(nReal, d)).toType(DataType.FLOAT64, false);
			NDArray g = HostArrays.upload(manager, gen, new Shape(nGen, d)).toType(DataType.FLOAT64, false);
			for (int s = 0; s < subsets; s++) {
				try (ArrayScope inner = new ArrayScope()) {
					inner.suppressNotUsedWarning();
					NDArray x = g.get(manager.create(sample(nGen, m, rng)));
					NDArray y = r.get(manager.create(sample(nReal, m, rng)));
					NDArray kxx = kernel(x, x, d), kyy = kernel(y, y, d), kxy = kernel(x, y, d);
					double a = kxx.sum().getDouble() - selfKernelSum(x, d) + kyy.sum().getDouble() - selfKernelSum(y, d);
					t += a / (m - 1) - 2 * kxy.sum().getDouble() / m;
				}
			}
		}
		return t / subsets / m;
	}

	private static NDArray kernel(NDArray x, NDArray y, int d) {
		return x.matMul(y.transpose()).div(d).add(1).pow(3);
	}

	/** Σᵢ k(xᵢ, xᵢ): the diagonal of the kernel matrix, which the unbiased estimate leaves out. */
	private static double selfKernelSum(NDArray x, int d) {
		return x.square().sum(new int[] {1}).div(d).add(1).pow(3).sum().getDouble();
	}

	/** m distinct indices of 0…n−1 (partial Fisher–Yates). */
	static long[] sample(int n, int m, NumpyRandom rng) {
		int[] p = new int[n];
		for (int i = 0; i < n; i++) p[i] = i;
		long[] out = new long[m];
		for (int i = 0; i < m; i++) {
			int j = i + rng.nextInt(n - i);
			int tmp = p[i];
			p[i] = p[j];
			p[j] = tmp;
			out[i] = p[i];
		}
		return out;
	}
}

package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.HostArrays;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019) as the official {@code precision_recall.py}:
 * each manifold point gets the radius of its k-th nearest neighbour (the (k+1)-th smallest distance
 * counting itself); precision is the share of generated features inside at least one real ball,
 * recall the share of real features inside at least one generated ball.
 */
public final class PrecisionRecall {

	private PrecisionRecall() {}

	/** {precision, recall} of host features [n, d]; distances in row batches of {@code rowBatch}. */
	public static double[] of(float[] real, int nReal, float[] gen, int nGen, int d, int k, int rowBatch, NDManager manager) {
		if (nReal <= k || nGen <= k) throw new IllegalArgumentException("precision/recall with k = " + k + " needs more than " + k + " features per set");
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray r = HostArrays.upload(manager, real, new Shape(nReal, d)).toType(DataType.FLOAT64, false);
			NDArray g = HostArrays.upload(manager, gen, new Shape(nGen, d)).toType(DataType.FLOAT64, false);
			double precision = coverage(r, g, k, rowBatch);
			double recall = coverage(g, r, k, rowBatch);
			return new double[] {precision, recall};
		}
	}

	/** Share of probe points inside at least one manifold ball. */
	static double coverage(NDArray manifold, NDArray probes, int k, int rowBatch) {
		NDArray radii = kthNeighbourRadii(manifold, k, rowBatch);
		long n = probes.getShape().get(0), inside = 0;
		for (long b0 = 0; b0 < n; b0 += rowBatch) {
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray dist = distances(probes.get(b0 + ":" + Math.min(n, b0 + rowBatch)), manifold);
				inside += Math.round(dist.lte(radii.reshape(1, -1)).toType(DataType.FLOAT64, false).max(new int[] {1}).sum().getDouble());
			}
		}
		return inside / (double) n;
	}

	/** Distance of each point to its k-th nearest other point. */
	static NDArray kthNeighbourRadii(NDArray points, int k, int rowBatch) {
		long n = points.getShape().get(0);
		double[] radii = new double[(int) n];
		for (long b0 = 0; b0 < n; b0 += rowBatch) {
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray dist = distances(points.get(b0 + ":" + Math.min(n, b0 + rowBatch)), points);
				// the k+1 smallest distances (self included, as the official kthvalue(k+1)); O(n) per row, unlike a sort
				double[] kth = dist.topK(k + 1, 1, false, true).get(0).get(":, " + k).toDoubleArray();
				System.arraycopy(kth, 0, radii, (int) b0, kth.length);
			}
		}
		NDManager m = points.getManager();
		return m.create(radii);
	}

	/** Euclidean distances [a, b] (via ‖x‖² + ‖y‖² − 2xᵀy, clamped at 0). */
	static NDArray distances(NDArray x, NDArray y) {
		NDArray xx = x.square().sum(new int[] {1}, true);
		NDArray yy = y.square().sum(new int[] {1}, true).transpose();
		return xx.add(yy).sub(x.matMul(y.transpose()).mul(2)).maximum(0).sqrt();
	}
}

package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import io.github.stylegan4fiji.core.ArrayScope;

/**
 * Streams features into running sums (float64, on the features' device: the d×d outer-product
 * sum is one matrix product per batch), keeping at most {@code keep} feature vectors on the host.
 * Memory is bounded by d² + keep·d whatever the number of images.
 */
public final class FeatureAccumulator implements AutoCloseable {

	private final NDManager manager;
	private final int dimension;
	private final float[] kept;
	private final int keep;
	private NDArray sum, outer;
	private long count;
	private int keptCount;

	public FeatureAccumulator(NDManager parent, int dimension, int keep) {
		this.manager = parent.newSubManager();
		this.dimension = dimension;
		this.keep = keep;
		this.kept = new float[Math.multiplyExact(keep, dimension)];
	}

	/** Adds features [n, dimension]. */
	public void add(NDArray features) {
		if (features.getShape().dimension() != 2 || features.getShape().get(1) != dimension)
			throw new IllegalArgumentException("features must be [n, " + dimension + "], got " + features.getShape());
		int n = (int) features.getShape().get(0);
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray f = features.toType(DataType.FLOAT64, false);
			NDArray s = f.sum(new int[] {0});
			NDArray o = f.transpose().matMul(f);
			if (sum == null) {
				sum = persistent(s);
				outer = persistent(o);
			} else {
				sum.addi(s);
				outer.addi(o);
			}
			int take = Math.min(n, keep - keptCount);
			if (take > 0) {
				float[] host = features.get("0:" + take).toType(DataType.FLOAT32, false).toFloatArray();
				System.arraycopy(host, 0, kept, keptCount * dimension, host.length);
				keptCount += take;
			}
		}
		count += n;
	}

	private NDArray persistent(NDArray a) {
		NDScope.unregister(a);
		a.attach(manager);
		return a;
	}

	public long count() {
		return count;
	}

	/** Mean and covariance (divided by N) of everything added. */
	public FeatureStats finish(String featureNetwork, String source, String contentHash) {
		if (count == 0) throw new IllegalStateException("no features were added");
		double[] s = sum.toDoubleArray(), o = outer.toDoubleArray();
		int d = dimension;
		double[] mean = new double[d];
		for (int i = 0; i < d; i++) mean[i] = s[i] / count;
		double[] cov = new double[d * d];
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++) cov[i * d + j] = o[i * d + j] / count - mean[i] * mean[j];
		FeatureStats.Info info = new FeatureStats.Info();
		info.featureNetwork = featureNetwork;
		info.source = source;
		info.contentHash = contentHash;
		info.count = count;
		info.dimension = d;
		info.keptFeatures = keptCount;
		return new FeatureStats(info, mean, cov, java.util.Arrays.copyOf(kept, keptCount * d));
	}

	@Override
	public void close() {
		manager.close();
	}
}

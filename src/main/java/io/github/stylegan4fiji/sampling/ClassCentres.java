package io.github.stylegan4fiji.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.Labels;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;

/**
 * The average w of each class of a conditional model — the centre that truncation toward a class
 * pulls to, and the class centroids of class translation. The official code tracks one average w
 * over all classes during training; a per-class one is computed here by sampling instead: the mean
 * of w(z, class) over {@link #SAMPLES} z drawn from a fixed seed (the same z for every class, so
 * centroid differences carry no sampling noise from different z). Stored in the model as the buffer
 * {@link GeneratorNetwork#CLASS_DLATENT_AVG}.
 */
public final class ClassCentres {

	public static final int SAMPLES = 10_000;
	private static final long SEED = 0x5EED;
	private static final int BATCH = 1000;

	private ClassCentres() {}

	/** Computes the centres with G_ema's mapping and stores them in G_ema (and in G, whose buffers G_ema copies). */
	public static void update(StyleGanModel model) {
		if (!model.config.isConditional()) return;
		float[] c = compute(model.generator, model.gEma(), model.config, SAMPLES);
		store(model.gEma(), c, model.config);
		store(model.g(), c, model.config);
	}

	/** [labelSize × dlatentSize], row-major (use G_ema's weights, which track no gradients). */
	public static float[] compute(GeneratorNetwork g, Params p, StyleGanConfig c, int samples) {
		int k = c.labelSize, zDim = c.latentSize, d = c.dlatentSize;
		double[] sum = new double[k * d];
		NumpyRandom rng = new NumpyRandom(SEED);
		for (int b0 = 0; b0 < samples; b0 += BATCH) {
			int b = Math.min(BATCH, samples - b0);
			float[] z = new float[b * zDim];
			rng.randnInto(z, 0, z.length);
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray zb = HostArrays.upload(p.manager(), z, new Shape(b, zDim));
				for (int label = 0; label < k; label++) {
					int[] labels = new int[b];
					java.util.Arrays.fill(labels, label);
					float[] rowSum = g.map(p, zb, Labels.oneHot(p.manager(), labels, k)).sum(new int[] {0}).toFloatArray();
					for (int j = 0; j < d; j++) sum[label * d + j] += rowSum[j];
				}
			}
		}
		float[] out = new float[k * d];
		for (int i = 0; i < out.length; i++) out[i] = (float) (sum[i] / samples);
		return out;
	}

	private static void store(Params p, float[] centres, StyleGanConfig c) {
		p.get(GeneratorNetwork.CLASS_DLATENT_AVG).set(centres);
	}
}

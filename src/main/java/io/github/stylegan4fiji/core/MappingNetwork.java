package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * z → w: for a conditional model the label embedding concatenated with z (official {@code LabelConcat}:
 * one-hot label × a [classes, latent] matrix, N(0, 1) initialised, no equalised learning rate), then
 * optional pixel norm (of the concatenation), then {@code mappingLayers} dense layers with leaky ReLU at
 * lr × 0.01.
 */
public final class MappingNetwork {

	public static final String PREFIX = "G_mapping/";
	public static final String LABEL_EMBEDDING = PREFIX + "LabelConcat/weight";

	private final StyleGanConfig config;

	public MappingNetwork(StyleGanConfig config) {
		this.config = config;
	}

	public void declare(List<ParamSpec> specs) {
		int in = config.latentSize;
		if (config.isConditional()) {
			// the official layout [label_size, latent_size] (labels @ weight), unlike dense weights
			specs.add(new ParamSpec(LABEL_EMBEDDING, new long[] {config.labelSize, config.latentSize}, ParamSpec.Init.NORMAL, 1.0, true));
			in += config.latentSize;
		}
		for (int i = 0; i < config.mappingLayers; i++) {
			int out = i == config.mappingLayers - 1 ? config.dlatentSize : config.mappingFmaps;
			Layers.declareDense(specs, PREFIX + "Dense" + i, in, out, config.mappingLrMul);
			in = out;
		}
	}

	/** z [N, latentSize] and one-hot labels [N, labelSize] (null when unconditional) → w [N, dlatentSize]. */
	public NDArray forward(Params p, NDArray z, NDArray labels) {
		NDArray x = z;
		if (config.isConditional()) {
			if (labels == null) throw new IllegalArgumentException("this model is conditional: a class is needed (" + config.classList() + ")");
			x = z.concat(labels.toType(z.getDataType(), false).matMul(p.get(LABEL_EMBEDDING)), 1);
		}
		if (config.normalizeLatents) x = Layers.pixelNorm(x);
		for (int i = 0; i < config.mappingLayers; i++) {
			x = Layers.lrelu(Layers.dense(x, p, PREFIX + "Dense" + i, Layers.SQRT2, config.mappingLrMul));
		}
		return x;
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** z → w: optional pixel norm, then {@code mappingLayers} dense layers with leaky ReLU at lr × 0.01. */
public final class MappingNetwork {

	public static final String PREFIX = "G_mapping/";

	private final StyleGanConfig config;

	public MappingNetwork(StyleGanConfig config) {
		this.config = config;
	}

	public void declare(List<ParamSpec> specs) {
		int in = config.latentSize;
		for (int i = 0; i < config.mappingLayers; i++) {
			int out = i == config.mappingLayers - 1 ? config.dlatentSize : config.mappingFmaps;
			Layers.declareDense(specs, PREFIX + "Dense" + i, in, out, config.mappingLrMul);
			in = out;
		}
	}

	/** z [N, latentSize] → w [N, dlatentSize]. */
	public NDArray forward(Params p, NDArray z) {
		NDArray x = config.normalizeLatents ? Layers.pixelNorm(z) : z;
		for (int i = 0; i < config.mappingLayers; i++) {
			x = Layers.lrelu(Layers.dense(x, p, PREFIX + "Dense" + i, Layers.SQRT2, config.mappingLrMul));
		}
		return x;
	}
}

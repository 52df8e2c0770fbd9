package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Supplies the per-pixel noise of each style layer: [N, 1, res, res], or null for no noise. */
@FunctionalInterface
public interface NoiseSource {

	NDArray noise(int layer, int resolution, int batch, NDManager manager);

	/** No noise at all (noise mode 'none'). */
	NoiseSource NONE = (layer, res, batch, m) -> null;

	/** Fresh noise from libtorch's generator on the manager's device (training; mode 'random'). */
	NoiseSource RANDOM = (layer, res, batch, m) ->
		m.randomNormal(0f, 1f, new Shape(batch, 1, res, res), DataType.FLOAT32);

	/** The fixed noise maps stored with the generator ({@code G_synthesis/noiseN}; mode 'const'). */
	static NoiseSource constant(Params generator) {
		return (layer, res, batch, m) -> {
			NDArray n = generator.get(SynthesisNetwork.noiseName(layer));
			return Layers.expandBatch(n, batch);
		};
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The seam between a generator family and everything that uses one (sampler, trainer, metrics,
 * engine check, model files): stateless functions of named weights. StyleGAN's {@link Generator}
 * is the one family today; a StyleGAN2 generator or a conditional one (labels as an extra input of
 * {@link #map}) implement the same interface, are chosen by {@link NetworkFamily} from the
 * architecture, and keep the model file's outer structure (manifest + one safetensors file per
 * weight set). See docs/design.md, "Networks".
 */
public interface GeneratorNetwork {

	/** The tracked average w (truncation's centre), a buffer of every StyleGAN family. */
	String DLATENT_AVG = "dlatent_avg";

	StyleGanConfig config();

	/** Every weight and buffer, with the names and shapes the model file stores. */
	List<ParamSpec> parameters();

	/** z [N, latentSize] → w [N, dlatentSize]. */
	NDArray map(Params p, NDArray z);

	/** The same w for every style input. */
	NDArray[] broadcast(NDArray w);

	/** Truncation towards the tracked average w on the first {@code cutoff} style inputs (≤ 0: all). */
	NDArray[] truncate(Params p, NDArray[] ws, double psi, int cutoff);

	/** Images [N, channels, res, res] from per-layer styles, at a level of detail. */
	NDArray synthesize(Params p, NDArray[] ws, NoiseSource noise, double lod, LayerObserver observer);

	/** z → image with one w on all layers, truncation and the given noise; lod 0. */
	default NDArray generate(Params p, NDArray z, double psi, int cutoff, NoiseSource noise) {
		return synthesize(p, truncate(p, broadcast(map(p, z)), psi, cutoff), noise, 0, LayerObserver.NONE);
	}
}

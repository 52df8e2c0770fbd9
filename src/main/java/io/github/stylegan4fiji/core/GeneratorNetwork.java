package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * The seam between a generator family and everything that uses one (sampler, trainer, metrics,
 * engine check, model files): stateless functions of named weights. StyleGAN's {@link Generator}
 * is the one family today, unconditional or conditional (labels as an extra input of {@link #map});
 * a StyleGAN2 generator would implement the same interface, are chosen by {@link NetworkFamily} from the
 * architecture, and keep the model file's outer structure (manifest + one safetensors file per
 * weight set). See docs/design.md, "Networks".
 */
public interface GeneratorNetwork {

	/** The tracked average w (truncation's centre), a buffer of every StyleGAN family. */
	String DLATENT_AVG = "dlatent_avg";

	StyleGanConfig config();

	/** Every weight and buffer, with the names and shapes the model file stores. */
	List<ParamSpec> parameters();

	/**
	 * Per-class average w [labelSize, dlatentSize] of a conditional model: the centre of truncation
	 * toward a class, computed by sampling (see {@code sampling.ClassCentres}) and stored with the weights.
	 */
	String CLASS_DLATENT_AVG = "dlatent_avg_per_class";

	/** z [N, latentSize] and one-hot labels [N, labelSize] (null for an unconditional model) → w [N, dlatentSize]. */
	NDArray map(Params p, NDArray z, NDArray labels);

	/** z → w of an unconditional model. */
	default NDArray map(Params p, NDArray z) {
		return map(p, z, null);
	}

	/** The same w for every style input. */
	NDArray[] broadcast(NDArray w);

	/**
	 * Truncation on the first {@code cutoff} style inputs (≤ 0: all) toward a centre per style input
	 * ({@code centres[layer]}: [N or 1, dlatentSize], e.g. the average w of each image's class), or
	 * toward the tracked average w when {@code centres} is null.
	 */
	NDArray[] truncate(Params p, NDArray[] ws, NDArray[] centres, double psi, int cutoff);

	/** Truncation toward the tracked average w. */
	default NDArray[] truncate(Params p, NDArray[] ws, double psi, int cutoff) {
		return truncate(p, ws, null, psi, cutoff);
	}

	/** Images [N, channels, res, res] from per-layer styles, at a level of detail. */
	NDArray synthesize(Params p, NDArray[] ws, NoiseSource noise, double lod, LayerObserver observer);

	/** z → image with one w on all layers, truncation and the given noise; lod 0. */
	default NDArray generate(Params p, NDArray z, double psi, int cutoff, NoiseSource noise) {
		return synthesize(p, truncate(p, broadcast(map(p, z)), psi, cutoff), noise, 0, LayerObserver.NONE);
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The style-based generator ({@code G_style}): mapping network, synthesis network and the tracked
 * average dlatent used by the truncation trick. Stateless: weights come in as {@link Params}, so
 * the same object drives G, G_ema or a copy on another device.
 */
public final class Generator implements GeneratorNetwork {

	private final StyleGanConfig config;
	private final MappingNetwork mapping;
	private final SynthesisNetwork synthesis;

	public Generator(StyleGanConfig config) {
		this.config = config.validate();
		this.mapping = new MappingNetwork(config);
		this.synthesis = new SynthesisNetwork(config);
	}

	@Override
	public StyleGanConfig config() {
		return config;
	}

	@Override
	public List<ParamSpec> parameters() {
		List<ParamSpec> specs = new ArrayList<>();
		specs.add(new ParamSpec(DLATENT_AVG, new long[] {config.dlatentSize}, ParamSpec.Init.ZEROS, 0, false));
		mapping.declare(specs);
		synthesis.declare(specs);
		return Collections.unmodifiableList(specs);
	}

	/** z [N, latentSize] → w [N, dlatentSize]. */
	@Override
	public NDArray map(Params p, NDArray z) {
		return mapping.forward(p, z);
	}

	/** The same w for every style layer. */
	@Override
	public NDArray[] broadcast(NDArray w) {
		NDArray[] ws = new NDArray[config.numLayers()];
		Arrays.fill(ws, w);
		return ws;
	}

	/**
	 * Truncation trick: w' = w_avg + ψ(w − w_avg) on layers below {@code cutoff} (all layers when
	 * cutoff ≤ 0 or ≥ numLayers); ψ = 1 returns the input arrays untouched.
	 */
	@Override
	public NDArray[] truncate(Params p, NDArray[] ws, double psi, int cutoff) {
		if (psi == 1.0) return ws;
		NDArray avg = p.get(DLATENT_AVG).reshape(1, -1);
		int limit = cutoff <= 0 ? ws.length : Math.min(cutoff, ws.length);
		NDArray[] out = ws.clone();
		NDArray lastIn = null, lastOut = null;
		for (int i = 0; i < limit; i++) {
			if (ws[i] != lastIn) { // broadcast dlatents share one array: truncate it once
				lastIn = ws[i];
				lastOut = avg.add(Scalars.mul(ws[i].sub(avg), (float) psi));
			}
			out[i] = lastOut;
		}
		return out;
	}

	/** Synthesises images from per-layer dlatents. */
	@Override
	public NDArray synthesize(Params p, NDArray[] ws, NoiseSource noise, double lod, LayerObserver observer) {
		return synthesis.forward(p, ws, noise, lod, observer);
	}

}

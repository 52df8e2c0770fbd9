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
		if (config.isConditional())
			specs.add(new ParamSpec(CLASS_DLATENT_AVG, new long[] {config.labelSize, config.dlatentSize}, ParamSpec.Init.ZEROS, 0, false));
		mapping.declare(specs);
		synthesis.declare(specs);
		return Collections.unmodifiableList(specs);
	}

	@Override
	public NDArray map(Params p, NDArray z, NDArray labels) {
		return mapping.forward(p, z, labels);
	}

	/** The same w for every style layer. */
	@Override
	public NDArray[] broadcast(NDArray w) {
		NDArray[] ws = new NDArray[config.numLayers()];
		Arrays.fill(ws, w);
		return ws;
	}

	/**
	 * Truncation trick: w' = c + ψ(w − c) on layers below {@code cutoff} (all layers when cutoff ≤ 0
	 * or ≥ numLayers), c = the layer's centre or the tracked w_avg; ψ = 1 returns the input arrays
	 * untouched.
	 */
	@Override
	public NDArray[] truncate(Params p, NDArray[] ws, NDArray[] centres, double psi, int cutoff) {
		if (psi == 1.0) return ws;
		NDArray avg = p.get(DLATENT_AVG).reshape(1, -1);
		int limit = cutoff <= 0 ? ws.length : Math.min(cutoff, ws.length);
		NDArray[] out = ws.clone();
		NDArray lastIn = null, lastCentre = null, lastOut = null;
		for (int i = 0; i < limit; i++) {
			NDArray c = centres == null ? avg : centres[i];
			if (ws[i] != lastIn || c != lastCentre) { // broadcast dlatents share one array: truncate it once
				lastIn = ws[i];
				lastCentre = c;
				lastOut = c.add(Scalars.mul(ws[i].sub(c), (float) psi));
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

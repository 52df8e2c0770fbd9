package io.github.stylegan4fiji.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the per-pixel noise of a render is chosen.
 * <ul>
 * <li>{@code random}: fresh noise from libtorch every call (not reproducible);</li>
 * <li>{@code const}: the fixed maps stored with the model;</li>
 * <li>{@code none}: no noise;</li>
 * <li>{@code seeded}: reproducible noise from a noise seed. For seed s the maps of layers
 * 0, 1, 2, … are consecutive chunks of {@code RandomState(s).randn(...)}, one res² chunk per
 * layer. {@link #withLayers} re-seeds chosen layers only, so the same w can be re-rendered with
 * resampled noise in, say, the fine layers while the others keep theirs.</li>
 * <li>{@code given}: explicit maps per image and layer (e.g. the noise of projected images).</li>
 * </ul>
 */
public final class NoiseSpec {

	public enum Mode { RANDOM, CONST, NONE, SEEDED, GIVEN }

	public final Mode mode;
	private final long[] sampleSeeds; // SEEDED: one per sample, or a single seed for all samples
	private final List<LayerSeeds> overrides; // SEEDED: later entries win
	private final LayerRange enabled;         // noise only in these layers (null = all)
	private final float[][] given;                 // GIVEN: per layer, [n, res, res] row-major

	/** Layers in {@code range} take their maps from {@code seeds} (one per sample, or one for all). */
	private static final class LayerSeeds {
		final LayerRange range;
		final long[] seeds;

		LayerSeeds(LayerRange range, long[] seeds) {
			this.range = range;
			this.seeds = seeds;
		}
	}

	private NoiseSpec(Mode mode, long[] sampleSeeds, List<LayerSeeds> overrides, LayerRange enabled, float[][] given) {
		this.mode = mode;
		this.given = given;
		this.sampleSeeds = sampleSeeds;
		this.overrides = overrides;
		this.enabled = enabled;
	}

	/** Explicit maps: {@code maps[layer]} holds the [n, res, res] maps of that layer for images 0 … n−1. */
	public static NoiseSpec given(float[][] maps) {
		return new NoiseSpec(Mode.GIVEN, null, null, null, maps.clone());
	}

	public static NoiseSpec random() {
		return new NoiseSpec(Mode.RANDOM, null, null, null, null);
	}

	public static NoiseSpec constant() {
		return new NoiseSpec(Mode.CONST, null, null, null, null);
	}

	public static NoiseSpec none() {
		return new NoiseSpec(Mode.NONE, null, null, null, null);
	}

	/** The same seeded maps for every image of a batch. */
	public static NoiseSpec seeded(long seed) {
		return perSample(new long[] {seed});
	}

	/** Image i of a batch takes its maps from noise seed {@code seeds[i]}. */
	public static NoiseSpec perSample(long[] seeds) {
		validate(seeds);
		return new NoiseSpec(Mode.SEEDED, seeds.clone(), Collections.emptyList(), null, null);
	}

	/** Parses the mode names of the commands: random, const, none. */
	public static NoiseSpec parseMode(String name) {
		switch (name == null ? "" : name.trim().toLowerCase(Locale.ROOT)) {
			case "random": return random();
			case "const": case "constant": return constant();
			case "none": return none();
			default: throw new IllegalArgumentException("noise mode '" + name + "' is not random, const or none");
		}
	}

	/** Seeded noise whose layers in {@code range} come from {@code seed} instead (all samples). */
	public NoiseSpec withLayers(LayerRange range, long seed) {
		return withLayers(range, new long[] {seed});
	}

	/** Seeded noise whose layers in {@code range} come from {@code seeds[i]} for sample i. */
	public NoiseSpec withLayers(LayerRange range, long[] seeds) {
		if (mode != Mode.SEEDED) throw new IllegalStateException("only seeded noise can be re-seeded per layer");
		validate(seeds);
		List<LayerSeeds> o = new ArrayList<>(overrides);
		o.add(new LayerSeeds(range, seeds.clone()));
		return new NoiseSpec(mode, sampleSeeds, o, enabled, null);
	}

	/** The same noise, but only in {@code range}: no noise elsewhere (the paper's Figure 5). */
	public NoiseSpec onlyIn(LayerRange range) {
		return new NoiseSpec(mode, sampleSeeds, overrides, range, given);
	}

	private static void validate(long[] seeds) {
		if (seeds.length == 0) throw new IllegalArgumentException("no noise seeds given");
		for (long s : seeds) new NumpyRandom(s); // checks the range
	}

	private static long pick(long[] seeds, int sample) {
		if (seeds.length == 1) return seeds[0];
		if (sample >= seeds.length)
			throw new IllegalArgumentException("noise seeds given for " + seeds.length + " images, asked for image " + sample);
		return seeds[sample];
	}

	/** Noise seed of sample {@code i} at {@code layer}. */
	long seedFor(int sample, int layer) {
		for (int i = overrides.size() - 1; i >= 0; i--) {
			if (overrides.get(i).range.contains(layer)) return pick(overrides.get(i).seeds, sample);
		}
		return pick(sampleSeeds, sample);
	}

	/** Builds the source for a batch; {@code sampleOffset} is the batch's first index in the spec. */
	public NoiseSource source(StyleGanConfig config, Params generator, int sampleOffset) {
		NoiseSource s;
		switch (mode) {
			case RANDOM: s = NoiseSource.RANDOM; break;
			case NONE: return NoiseSource.NONE;
			case CONST: s = NoiseSource.constant(generator); break;
			case GIVEN: s = givenSource(sampleOffset); break;
			default: s = new Seeded(config, sampleOffset);
		}
		if (enabled == null) return s;
		NoiseSource all = s;
		return (layer, res, batch, m) -> enabled.contains(layer) ? all.noise(layer, res, batch, m) : null;
	}

	private NoiseSource givenSource(int offset) {
		return (layer, res, batch, m) -> {
			float[] all = given[layer];
			int per = res * res;
			if ((offset + batch) * per > all.length)
				throw new IllegalArgumentException("noise maps given for " + all.length / per + " images, asked for image " + (offset + batch - 1));
			return HostArrays.upload(m, java.util.Arrays.copyOfRange(all, offset * per, (offset + batch) * per), new Shape(batch, 1, res, res));
		};
	}

	/** The maps of one noise seed, layer by layer (float32, row-major res×res). */
	public static float[][] seededMaps(StyleGanConfig config, long seed) {
		NumpyRandom rng = new NumpyRandom(seed);
		float[][] maps = new float[config.numLayers()][];
		for (int l = 0; l < maps.length; l++) {
			int res = config.layerResolution(l);
			maps[l] = new float[res * res];
			rng.randnInto(maps[l], 0, res * res);
		}
		return maps;
	}

	private final class Seeded implements NoiseSource {
		private final StyleGanConfig config;
		private final int offset;
		private final Map<Long, float[][]> cache = new HashMap<>();

		Seeded(StyleGanConfig config, int offset) {
			this.config = config;
			this.offset = offset;
		}

		@Override
		public NDArray noise(int layer, int res, int batch, NDManager m) {
			float[] data = new float[batch * res * res];
			for (int i = 0; i < batch; i++) {
				long seed = seedFor(offset + i, layer);
				float[] map = cache.computeIfAbsent(seed, s -> seededMaps(config, s))[layer];
				System.arraycopy(map, 0, data, i * res * res, res * res);
			}
			return HostArrays.upload(m, data, new Shape(batch, 1, res, res));
		}
	}

	@Override
	public String toString() {
		return mode.name().toLowerCase(Locale.ROOT);
	}
}

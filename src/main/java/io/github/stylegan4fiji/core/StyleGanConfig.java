package io.github.stylegan4fiji.core;

/**
 * Architecture of a StyleGAN generator/discriminator pair, with the defaults of the official code
 * ({@code G_style}/{@code G_mapping}/{@code G_synthesis}/{@code D_basic} in NVlabs/stylegan).
 * <p>
 * Plain mutable fields so that the object serialises to the model file's JSON as is (snake_case
 * keys); call {@link #validate()} after changing it. The paper's Table 1 ablations are expressible
 * here: {@link #constInput} (traditional input vs. learned constant), {@link #mappingLayers} (0…8),
 * {@link #useNoise} and the mixing probability (a training option).
 */
public final class StyleGanConfig {

	/** When the up/down-sampling convolutions use the fused (strided) form. */
	public enum FusedScale {
		/** Always fused: mathematically identical to resample+conv and 2.25× fewer FLOPs (our default). */
		ALWAYS,
		/** As the official code: fused from 128² on, separate resample + conv below. */
		AUTO,
		/** Never fused: nearest upsample + 3×3 conv, 3×3 conv + 2×2 average pooling. */
		NEVER
	}

	/** Output resolution (power of two, 8…1024). */
	public int resolution = 32;
	/** Image channels: 1 grayscale, 3 RGB, N for multi-channel data. */
	public int channels = 1;
	/** Dimensionality of z. */
	public int latentSize = 512;
	/** Dimensionality of w. */
	public int dlatentSize = 512;
	/** Depth of the mapping network; 0 means w = normalised z (needs latentSize == dlatentSize). */
	public int mappingLayers = 8;
	/** Width of the hidden mapping layers. */
	public int mappingFmaps = 512;
	/** Learning-rate multiplier of the mapping network (equalized learning rate). */
	public double mappingLrMul = 0.01;
	/** Pixel-normalise z before mapping. */
	public boolean normalizeLatents = true;
	/** Feature maps: nf(stage) = min(fmapBase / 2^(stage·fmapDecay), fmapMax). */
	public int fmapBase = 8192;
	public double fmapDecay = 1.0;
	public int fmapMax = 512;
	/** Learned 4×4 constant input (true) or the traditional input: a dense layer from w (false). */
	public boolean constInput = true;
	/** Per-pixel noise inputs. */
	public boolean useNoise = true;
	/** [1,2,1] low-pass filter after upsampling / before downsampling. */
	public boolean blur = true;
	public FusedScale fusedScale = FusedScale.ALWAYS;
	/** Minibatch standard deviation layer of D (group size, 0 disables; new feature maps). */
	public int mbstdGroupSize = 4;
	public int mbstdNumFeatures = 1;
	/** Decay of the tracked average w (dlatent_avg). */
	public double dlatentAvgBeta = 0.995;
	/**
	 * Which generator graph the weights belong to. 2 (current): the official one — in every Conv0_up
	 * the bias is added after the blur, and from 128² on the upsampling convolution is the official
	 * transposed convolution (the kernel flipped relative to upsample + conv). 1: model files written
	 * before 2026-12-02 (format version 1), whose Conv0_up added the bias before the blur and never
	 * flipped; they keep rendering exactly as they were trained. See docs/model-format.md.
	 */
	public int graphVersion = CURRENT_GRAPH;
	/**
	 * Number of classes of a conditional model (the official {@code label_size}; 0 = unconditional).
	 * As the official code: G embeds the one-hot label and concatenates it with z before the mapping
	 * network; D has one output per class and keeps the one of the image's class.
	 */
	public int labelSize = 0;
	/** The classes' names, in label order (e.g. the training data's subfolders); null when unconditional. */
	public java.util.List<String> classNames;

	public static final int CURRENT_GRAPH = 2;

	public int resolutionLog2() {
		return Integer.numberOfTrailingZeros(resolution);
	}

	/** Number of style inputs (two per resolution from 4² on): 2·log2(res) − 2. */
	public int numLayers() {
		return 2 * resolutionLog2() - 2;
	}

	/** Resolution that style layer {@code layer} works at. */
	public int layerResolution(int layer) {
		return 4 << (layer / 2);
	}

	/** Feature maps at a stage, as {@code nf()} in the official code. */
	public int nf(int stage) {
		return (int) Math.min((int) (fmapBase / Math.pow(2.0, stage * fmapDecay)), fmapMax);
	}

	/**
	 * Whether the official graph (fused_scale 'auto') computes G's upsampling convolution into this
	 * resolution as a transposed convolution, i.e. upsample + conv with the kernel flipped: from 128²
	 * on, in graph version 2. Independent of {@link #fused}, which only picks how it is computed.
	 */
	public boolean flipsUpsamplingKernel(int res) {
		return graphVersion >= 2 && res >= 128;
	}

	/** Whether the resampling convolution at this resolution (the larger side) is fused. */
	public boolean fused(int res) {
		switch (fusedScale) {
			case ALWAYS: return true;
			case NEVER: return false;
			default: return res >= 128;
		}
	}

	public boolean isConditional() {
		return labelSize > 0;
	}

	/** Name of class {@code label}: its stored name, else its number. */
	public String className(int label) {
		return classNames != null && label < classNames.size() ? classNames.get(label) : Integer.toString(label);
	}

	/**
	 * A class given by name or by number (0-based), as users type it; a name wins over a number.
	 * Throws with the list of classes when there is no such class or the model has none.
	 */
	public int classIndex(String nameOrNumber) {
		String s = nameOrNumber.trim();
		if (!isConditional()) throw new IllegalArgumentException("this model has no classes (it was trained without labels); leave the class empty");
		if (classNames != null && classNames.contains(s)) return classNames.indexOf(s);
		try {
			int k = Integer.parseInt(s);
			if (k >= 0 && k < labelSize) return k;
		} catch (NumberFormatException e) {
			// fall through to the message
		}
		throw new IllegalArgumentException("no class '" + s + "' in this model; its classes are " + classList());
	}

	/** "0 = a, 1 = b, …" for messages and dialogs. */
	public String classList() {
		StringBuilder b = new StringBuilder();
		for (int k = 0; k < labelSize; k++) b.append(k == 0 ? "" : ", ").append(k).append(" = ").append(className(k));
		return b.toString();
	}

	/** Throws {@link IllegalArgumentException} naming the first bad field. */
	public StyleGanConfig validate() {
		if (resolution < 8 || resolution > 1024 || Integer.bitCount(resolution) != 1)
			throw new IllegalArgumentException("resolution must be a power of two in 8…1024, got " + resolution);
		check(channels >= 1, "channels must be ≥ 1, got " + channels);
		check(latentSize >= 1, "latent_size must be ≥ 1, got " + latentSize);
		check(dlatentSize >= 1, "dlatent_size must be ≥ 1, got " + dlatentSize);
		check(mappingLayers >= 0, "mapping_layers must be ≥ 0, got " + mappingLayers);
		check(mappingLayers > 0 || latentSize == dlatentSize,
			"mapping_layers = 0 needs latent_size == dlatent_size");
		check(mappingFmaps >= 1, "mapping_fmaps must be ≥ 1, got " + mappingFmaps);
		check(mappingLrMul > 0, "mapping_lr_mul must be > 0, got " + mappingLrMul);
		check(fmapBase >= 1 && fmapMax >= 1, "fmap_base and fmap_max must be ≥ 1");
		check(nf(resolutionLog2() - 1) >= 1, "fmap_base/fmap_decay give no feature maps at " + resolution + "²");
		check(mbstdGroupSize >= 0 && mbstdNumFeatures >= 1, "mbstd_group_size ≥ 0 and mbstd_num_features ≥ 1");
		check(nf(1) % mbstdNumFeatures == 0, "nf(1) must be divisible by mbstd_num_features");
		check(dlatentAvgBeta >= 0 && dlatentAvgBeta <= 1, "dlatent_avg_beta must be in [0, 1]");
		check(fusedScale != null, "fused_scale must be set");
		check(labelSize >= 0, "label_size must be ≥ 0, got " + labelSize);
		check(labelSize == 0 || mappingLayers > 0, "a conditional model (label_size > 0) needs mapping layers");
		check(classNames == null || classNames.size() == labelSize,
			"class_names lists " + (classNames == null ? 0 : classNames.size()) + " names for label_size " + labelSize);
		check(classNames == null || classNames.stream().distinct().count() == classNames.size(), "class_names must differ from each other");
		check(graphVersion == 1 || graphVersion == CURRENT_GRAPH, "graph_version must be 1 or " + CURRENT_GRAPH + ", got " + graphVersion);
		return this;
	}

	private static void check(boolean ok, String message) {
		if (!ok) throw new IllegalArgumentException(message);
	}

	public StyleGanConfig copy() {
		return Json.GSON.fromJson(Json.GSON.toJson(this), StyleGanConfig.class);
	}

	@Override
	public String toString() {
		return Json.GSON.toJson(this);
	}

	/** A tiny architecture for tests and quick experiments. */
	/** Official defaults except these; z, w and the mapping width all {@code latent}. */
	public static StyleGanConfig of(int resolution, int channels, int fmapBase, int fmapMax, int latent) {
		StyleGanConfig c = new StyleGanConfig();
		c.resolution = resolution;
		c.channels = channels;
		c.fmapBase = fmapBase;
		c.fmapMax = fmapMax;
		c.latentSize = latent;
		c.dlatentSize = latent;
		c.mappingFmaps = latent;
		return c.validate();
	}

	/** The reference config of the benchmarks and the engine check: 32², 1 channel, fmap 1024/128, z = w = 128. */
	public static StyleGanConfig reference() {
		return of(32, 1, 1024, 128, 128);
	}

	public static StyleGanConfig tiny(int resolution, int channels) {
		StyleGanConfig c = new StyleGanConfig();
		c.resolution = resolution;
		c.channels = channels;
		c.latentSize = 16;
		c.dlatentSize = 16;
		c.mappingLayers = 2;
		c.mappingFmaps = 16;
		c.fmapBase = 64;
		c.fmapMax = 16;
		return c.validate();
	}
}

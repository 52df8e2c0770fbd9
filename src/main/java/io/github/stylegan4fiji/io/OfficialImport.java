package io.github.stylegan4fiji.io;

import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.NetworkFamily;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.TrainingProgress;
import io.github.stylegan4fiji.io.OfficialPickle.Network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.github.stylegan4fiji.core.ParamSpec;

/**
 * Converts an official StyleGAN network pickle (NVlabs/stylegan: {@code G_style} with its
 * {@code G_mapping}/{@code G_synthesis} components, {@code D_basic}; e.g.
 * {@code karras2019stylegan-ffhq-1024x1024.pkl} or a training snapshot {@code network-snapshot-*.pkl})
 * into this project's model file.
 * <p>
 * The architecture comes from each network's build arguments with the official defaults for those
 * not given, and every tensor must then have the shape that architecture needs. Weights are moved
 * from TensorFlow to PyTorch layout (dense [in, out] → [out, in], convolution [kh, kw, in, out] →
 * [out, in, kh, kw]); names map one to one. The model is graph version 2 (the official graph); where
 * the pickle's {@code fused_scale} differs from the official default 'auto', the upsampling kernels
 * are flipped so that the same function results (see docs/model-format.md).
 */
public final class OfficialImport {

	/** What was imported. */
	public static final class Result {
		public final Path output;
		public final StyleGanConfig config;
		/** Weight sets written: G_ema always, G and D when the pickle has them. */
		public final List<String> networks;
		public final TrainingProgress progress;
		/** Settings of the pickle worth knowing (truncation defaults, ignored options). */
		public final List<String> notes;

		Result(Path output, StyleGanConfig config, List<String> networks, TrainingProgress progress, List<String> notes) {
			this.output = output;
			this.config = config;
			this.networks = Collections.unmodifiableList(networks);
			this.progress = progress;
			this.notes = Collections.unmodifiableList(notes);
		}

		public String summary() {
			StringBuilder b = new StringBuilder();
			b.append(String.format(Locale.ROOT, "Imported %d×%d, %d channel(s), z %d, w %d, %d mapping layers, fmap base %d / max %d, lod %.3g"
					+ "%s → %s (%s)", config.resolution, config.resolution, config.channels, config.latentSize, config.dlatentSize,
				config.mappingLayers, config.fmapBase, config.fmapMax, progress.lod,
				progress.kimg > 0 ? String.format(Locale.ROOT, ", %.0f kimg", progress.kimg) : "", output,
				String.join(", ", networks)));
			for (String n : notes) b.append("\n  ").append(n);
			return b.toString();
		}
	}

	private static final Pattern SNAPSHOT_KIMG = Pattern.compile("network-snapshot-(\\d+)");

	private OfficialImport() {}

	/**
	 * Reads {@code pickle} and writes the model to {@code out} (atomically). Refuses to replace an
	 * existing file unless {@code overwrite}. Nothing is written when anything is wrong.
	 */
	public static Result run(Path pickle, Path out, boolean overwrite) throws IOException {
		if (Files.isDirectory(out)) throw new ModelFormatException("Output " + out + " is a folder; give a file name ending in .zip");
		if (Files.exists(out) && !overwrite)
			throw new ModelFormatException("Output " + out + " exists; choose another name, or overwrite it (--overwrite; in Fiji: Overwrite an existing file)");
		String where = pickle.toString();
		List<Network> nets = OfficialPickle.read(pickle);
		Roles roles = Roles.of(nets, where);
		List<String> notes = new ArrayList<>();
		Plan plan = plan(roles, where, notes);
		StyleGanConfig config = plan.config;

		TrainingProgress progress = new TrainingProgress();
		progress.lod = lodOf(roles.gs);
		Matcher km = SNAPSHOT_KIMG.matcher(pickle.getFileName().toString());
		if (km.find()) progress.kimg = Integer.parseInt(km.group(1));

		// convert and check everything before the first byte is written
		List<ParamSpec> gSpecs = NetworkFamily.generator(config).parameters();
		Map<String, Map<String, SafeTensors.Tensor>> checked = new LinkedHashMap<>();
		List<String> written = new ArrayList<>();
		if (roles.g != null) written.add("G");
		written.add("G_ema");
		if (roles.d != null) written.add("D");
		for (String n : written) {
			Map<String, SafeTensors.Tensor> t = n.equals("D") ? discriminatorTensors(roles.d) : generatorTensors(n.equals("G") ? roles.g : roles.gs, plan.flipAt);
			ModelFile.checkTensors(t, n.equals("D") ? NetworkFamily.discriminator(config).parameters() : gSpecs,
				where + " (" + (n.equals("G_ema") ? "Gs" : n) + ")");
			checked.put(n, t);
		}
		Map<String, Supplier<Map<String, SafeTensors.Tensor>>> sets = new LinkedHashMap<>();
		for (String n : written) sets.put(n, () -> checked.get(n));
		DataRange range = DataRange.ofType(DataRange.PixelType.UINT8); // the official datasets are 8-bit, drange [0, 255] ↦ [-1, 1]
		ModelFile.write(out, "StyleGAN for Fiji: imported from the official StyleGAN pickle " + pickle.getFileName(),
			config, range, progress, sets, Collections.emptyMap());
		if (roles.d == null) notes.add("The pickle has no D (and no training G): the model samples but cannot be trained further.");
		return new Result(out, config, written, progress, notes);
	}

	/** Which pickled network is G, D and Gs (official order: (G, D, Gs)). */
	private static final class Roles {
		Network g, d, gs;

		static Roles of(List<Network> nets, String where) throws ModelFormatException {
			List<Network> gens = new ArrayList<>(), discs = new ArrayList<>();
			for (Network n : nets) {
				switch (n.buildFunc) {
					case "G_style": gens.add(n); break;
					case "D_basic": discs.add(n); break;
					case "G_main": case "G_synthesis_stylegan2": case "G_synthesis_stylegan_revised": case "D_stylegan2":
						throw new ModelFormatException(where + " is a StyleGAN2 network (" + n.buildFunc + "); this importer reads"
							+ " StyleGAN (1) networks (G_style, D_basic) only");
					case "G_paper": case "D_paper":
						throw new ModelFormatException(where + " is a Progressive GAN network (" + n.buildFunc + "), not StyleGAN");
					default:
						throw new ModelFormatException(where + ": network '" + n.name + "' is built by " + n.buildFunc
							+ "; expected the official G_style / D_basic");
				}
			}
			if (gens.isEmpty()) throw new ModelFormatException(where + " holds no generator (G_style)");
			if (gens.size() > 2 || discs.size() > 1)
				throw new ModelFormatException(where + " holds " + gens.size() + " generators and " + discs.size()
					+ " discriminators; expected (G, D, Gs)");
			Roles r = new Roles();
			r.d = discs.isEmpty() ? null : discs.get(0);
			if (gens.size() == 1) {
				r.gs = gens.get(0);
			} else { // (G, D, Gs): Gs is named so, else the later one
				boolean firstIsGs = "Gs".equals(gens.get(0).name) && !"Gs".equals(gens.get(1).name);
				r.gs = gens.get(firstIsGs ? 0 : 1);
				r.g = gens.get(firstIsGs ? 1 : 0);
			}
			return r;
		}
	}

	// ---- architecture ------------------------------------------------------------------------------

	/** A network's build arguments with the official defaults; unsupported values are refused by name. */
	private static final class Kwargs {
		final Map<String, Object> map;
		final String where;

		Kwargs(Network n, String where) {
			this.map = n.kwargs;
			this.where = where + " (" + n.name + ")";
		}

		Object get(String key, Object def) {
			return map.containsKey(key) ? map.get(key) : def;
		}

		int integer(String key, int def) throws ModelFormatException {
			Object v = get(key, def);
			if (!(v instanceof Number) || ((Number) v).doubleValue() != Math.rint(((Number) v).doubleValue()))
				throw new ModelFormatException(where + ": " + key + " = " + v + " is not a whole number");
			return ((Number) v).intValue();
		}

		double number(String key, double def) throws ModelFormatException {
			Object v = get(key, def);
			if (!(v instanceof Number)) throw new ModelFormatException(where + ": " + key + " = " + v + " is not a number");
			return ((Number) v).doubleValue();
		}

		boolean bool(String key, boolean def) throws ModelFormatException {
			Object v = get(key, def);
			if (v instanceof Boolean) return (Boolean) v;
			if (v instanceof Number) return ((Number) v).doubleValue() != 0;
			throw new ModelFormatException(where + ": " + key + " = " + v + " is not true/false");
		}

		void require(String key, Object def, Object needed, String what) throws ModelFormatException {
			Object v = get(key, def);
			boolean same = v instanceof Number && needed instanceof Number
				? ((Number) v).doubleValue() == ((Number) needed).doubleValue() : String.valueOf(v).equals(String.valueOf(needed));
			if (!same)
				throw new ModelFormatException(where + ": " + key + " = " + pythonRepr(v) + " is not supported (" + what + ")");
		}

		/** The blur filter: [1, 2, 1] (the default) → true, None or empty → false. */
		boolean blur() throws ModelFormatException {
			Object v = get("blur_filter", Arrays.asList(1, 2, 1));
			if (v == null) return false;
			List<?> l = v instanceof Object[] ? Arrays.asList((Object[]) v) : v instanceof List ? (List<?>) v : null;
			if (l != null && l.isEmpty()) return false;
			if (l != null && l.size() == 3 && l.get(0) instanceof Number && l.get(1) instanceof Number && l.get(2) instanceof Number
				&& ((Number) l.get(0)).doubleValue() == 1 && ((Number) l.get(1)).doubleValue() == 2 && ((Number) l.get(2)).doubleValue() == 1)
				return true;
			throw new ModelFormatException(where + ": blur_filter = " + pythonRepr(v) + " is not supported ([1, 2, 1] or None)");
		}

		/** fused_scale: 'auto' (default), True or False. */
		Object fusedScale() throws ModelFormatException {
			Object v = get("fused_scale", "auto");
			if ("auto".equals(v) || v instanceof Boolean) return v;
			throw new ModelFormatException(where + ": fused_scale = " + pythonRepr(v) + " is not supported ('auto', True, False)");
		}
	}

	/** The architecture, and per log2 resolution whether that Conv0_up kernel is flipped on import. */
	private static final class Plan {
		StyleGanConfig config;
		boolean[] flipAt;
	}

	private static Plan plan(Roles roles, String where, List<String> notes) throws ModelFormatException {
		Network gs = roles.gs;
		Network syn = gs.components.get("synthesis"), map = gs.components.get("mapping");
		if (syn == null || map == null || !"G_synthesis".equals(syn.buildFunc) || !"G_mapping".equals(map.buildFunc))
			throw new ModelFormatException(where + ": the generator lacks its official components (mapping: G_mapping,"
				+ " synthesis: G_synthesis)");
		Kwargs s = new Kwargs(syn, where), m = new Kwargs(map, where), top = new Kwargs(gs, where);
		StyleGanConfig c = new StyleGanConfig();
		c.resolution = s.integer("resolution", 1024);
		c.channels = s.integer("num_channels", 3);
		c.fmapBase = s.integer("fmap_base", 8192);
		c.fmapDecay = s.number("fmap_decay", 1.0);
		c.fmapMax = s.integer("fmap_max", 512);
		c.constInput = s.bool("const_input_layer", true);
		c.useNoise = s.bool("use_noise", true);
		c.blur = s.blur();
		s.require("use_styles", true, true, "the networks here always use styles");
		s.require("nonlinearity", "lrelu", "lrelu", "leaky ReLU only");
		s.require("use_wscale", true, true, "equalized learning rate only");
		s.require("use_pixel_norm", false, false, "instance norm only");
		s.require("use_instance_norm", true, true, "instance norm only");
		Object fused = s.fusedScale();
		c.latentSize = m.integer("latent_size", 512);
		c.dlatentSize = m.integer("dlatent_size", 512);
		if (s.integer("dlatent_size", 512) != c.dlatentSize)
			throw new ModelFormatException(where + ": mapping and synthesis disagree on dlatent_size");
		c.mappingLayers = m.integer("mapping_layers", 8);
		c.mappingFmaps = m.integer("mapping_fmaps", 512);
		c.mappingLrMul = m.number("mapping_lrmul", 0.01);
		c.normalizeLatents = m.bool("normalize_latents", true);
		m.require("mapping_nonlinearity", "lrelu", "lrelu", "leaky ReLU only");
		m.require("use_wscale", true, true, "equalized learning rate only");
		m.require("label_size", 0, 0, "conditional (labelled) networks are not imported yet");
		Object beta = top.get("dlatent_avg_beta", 0.995);
		c.dlatentAvgBeta = beta == null ? 1.0 : top.number("dlatent_avg_beta", 0.995);
		notes.add(String.format(Locale.ROOT, "The pickle's own sampling defaults: truncation_psi %s, truncation_cutoff %s"
			+ " (StyleGAN for Fiji's defaults: psi 0.7, cutoff 8).", pythonRepr(top.get("truncation_psi", 0.7)),
			pythonRepr(top.get("truncation_cutoff", 8))));
		if (roles.d != null) {
			Kwargs d = new Kwargs(roles.d, where);
			for (String k : new String[] {"resolution", "num_channels", "fmap_base", "fmap_max"}) {
				int def = k.equals("resolution") ? 1024 : k.equals("num_channels") ? 3 : k.equals("fmap_base") ? 8192 : 512;
				if (d.integer(k, def) != s.integer(k, def))
					throw new ModelFormatException(where + ": G and D differ in " + k + " (" + s.integer(k, def) + " vs "
						+ d.integer(k, def) + "); this project's models share one architecture");
			}
			if (d.number("fmap_decay", 1.0) != c.fmapDecay) throw new ModelFormatException(where + ": G and D differ in fmap_decay");
			if (d.blur() != c.blur) throw new ModelFormatException(where + ": G and D differ in blur_filter");
			d.require("nonlinearity", "lrelu", "lrelu", "leaky ReLU only");
			d.require("use_wscale", true, true, "equalized learning rate only");
			d.require("label_size", 0, 0, "conditional (labelled) networks are not imported yet");
			c.mbstdGroupSize = d.integer("mbstd_group_size", 4);
			c.mbstdNumFeatures = d.integer("mbstd_num_features", 1);
		}
		c.graphVersion = StyleGanConfig.CURRENT_GRAPH;
		try {
			c.validate();
		} catch (IllegalArgumentException e) {
			throw new ModelFormatException(where + ": architecture not supported: " + e.getMessage(), e);
		}
		// the official G computes Conv0_up as a transposed convolution (= upsample + conv with the kernel
		// flipped) wherever it is fused; graph version 2 flips at run time from 128² on ('auto'), so a
		// pickle built with another fused_scale gets its kernels flipped where the two differ
		Plan plan = new Plan();
		plan.config = c;
		plan.flipAt = new boolean[c.resolutionLog2() + 1];
		for (int r = 3; r <= c.resolutionLog2(); r++) {
			int res = 1 << r;
			boolean officialFused = fused instanceof Boolean ? (Boolean) fused : res >= 128;
			plan.flipAt[r] = officialFused != c.flipsUpsamplingKernel(res);
		}
		if (!"auto".equals(fused)) notes.add("fused_scale = " + pythonRepr(fused) + ": Conv0_up kernels flipped where it differs from 'auto'.");
		return plan;
	}

	private static double lodOf(Network gs) {
		Network syn = gs.components.get("synthesis");
		OfficialPickle.Array lod = syn != null && syn.variables.containsKey("lod") ? syn.variables.get("lod") : gs.variables.get("lod");
		return lod == null ? 0 : lod.floats()[0];
	}

	// ---- tensors -----------------------------------------------------------------------------------

	private static final Pattern CONV0_UP = Pattern.compile("G_synthesis/(\\d+)x\\d+/Conv0_up/weight");

	private static Map<String, SafeTensors.Tensor> generatorTensors(Network g, boolean[] flipAt) throws ModelFormatException {
		Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
		put(out, "", g, "lod");
		put(out, "G_mapping/", g.components.get("mapping"), "lod");
		put(out, "G_synthesis/", g.components.get("synthesis"), "lod");
		for (Map.Entry<String, SafeTensors.Tensor> e : out.entrySet()) {
			Matcher mt = CONV0_UP.matcher(e.getKey());
			if (mt.matches() && flipAt[Integer.numberOfTrailingZeros(Integer.parseInt(mt.group(1)))])
				e.setValue(flipSpatially(e.getValue()));
		}
		return out;
	}

	private static Map<String, SafeTensors.Tensor> discriminatorTensors(Network d) throws ModelFormatException {
		Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
		put(out, "D/", d, "lod");
		return out;
	}

	/** The network's own variables under {@code prefix}, in PyTorch layout; {@code skip} (the lod counter) left out. */
	private static void put(Map<String, SafeTensors.Tensor> out, String prefix, Network n, String skip) throws ModelFormatException {
		if (n == null) return;
		for (Map.Entry<String, OfficialPickle.Array> e : n.variables.entrySet()) {
			if (e.getKey().equals(skip)) continue;
			out.put(prefix + e.getKey(), toPyTorchLayout(e.getKey(), e.getValue()));
		}
	}

	/** Dense [in, out] → [out, in]; convolution [kh, kw, in, out] → [out, in, kh, kw]; others as they are. */
	static SafeTensors.Tensor toPyTorchLayout(String name, OfficialPickle.Array a) {
		float[] v = a.floats();
		long[] s = a.shape;
		if (s.length == 2) {
			int in = (int) s[0], o = (int) s[1];
			float[] t = new float[v.length];
			for (int i = 0; i < in; i++)
				for (int j = 0; j < o; j++) t[j * in + i] = v[i * o + j];
			return new SafeTensors.Tensor(new long[] {o, in}, t);
		}
		if (s.length == 4 && name.endsWith("/weight")) {
			int kh = (int) s[0], kw = (int) s[1], in = (int) s[2], o = (int) s[3];
			float[] t = new float[v.length];
			for (int y = 0; y < kh; y++)
				for (int x = 0; x < kw; x++)
					for (int i = 0; i < in; i++)
						for (int j = 0; j < o; j++) t[((j * in + i) * kh + y) * kw + x] = v[((y * kw + x) * in + i) * o + j];
			return new SafeTensors.Tensor(new long[] {o, in, kh, kw}, t);
		}
		return new SafeTensors.Tensor(s, v);
	}

	/** [out, in, kh, kw] with both spatial axes reversed. */
	static SafeTensors.Tensor flipSpatially(SafeTensors.Tensor w) {
		int kh = (int) w.shape[2], kw = (int) w.shape[3], planes = (int) (w.shape[0] * w.shape[1]);
		float[] t = new float[w.data.length];
		for (int p = 0; p < planes; p++)
			for (int y = 0; y < kh; y++)
				for (int x = 0; x < kw; x++) t[(p * kh + y) * kw + x] = w.data[(p * kh + (kh - 1 - y)) * kw + (kw - 1 - x)];
		return new SafeTensors.Tensor(w.shape, t);
	}

	/** How Python would print a kwarg value, for messages. */
	static String pythonRepr(Object v) {
		if (v == null) return "None";
		if (v instanceof Boolean) return (Boolean) v ? "True" : "False";
		if (v instanceof String) return "'" + v + "'";
		if (v instanceof Object[]) return Arrays.toString((Object[]) v);
		return String.valueOf(v);
	}
}

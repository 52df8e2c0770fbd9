package io.github.stylegan4fiji.io;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonParseException;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.DiscriminatorNetwork;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.NetworkFamily;
import io.github.stylegan4fiji.core.ParamSpec;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.core.TrainingProgress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import io.github.stylegan4fiji.core.HostArrays;

/**
 * One model = one zip file: {@code stylegan.json} (format, architecture, data range, training
 * progress) and one safetensors file per weight set (G, G_ema, D) with the official StyleGAN variable
 * names. The layout is documented in {@code docs/model-format.md}.
 */
public final class ModelFile {

	public static final String FORMAT = "stylegan-fiji-model";
	/** 2: graph version in the config (files of version 1 are read as graph 1, see StyleGanConfig.graphVersion). */
	public static final int FORMAT_VERSION = 2;
	public static final String MANIFEST = "stylegan.json";
	public static final String[] NETWORKS = {"G", "G_ema", "D"};

	/** The JSON manifest. */
	public static final class Manifest {
		public String format;
		public int formatVersion;
		public String createdBy;
		public StyleGanConfig config;
		public DataRange dataRange;
		public TrainingProgress progress;
		public Map<String, String> networks;
	}

	private ModelFile() {}

	/** Writes atomically: a temporary file in the same folder, then a rename. */
	public static void save(StyleGanModel model, Path file) throws IOException {
		save(model, file, new LinkedHashMap<>(), NETWORKS);
	}

	/**
	 * A sampling-only file: G_ema alone (a third of the size), enough for every sampling command and
	 * metric, not for training or resuming.
	 */
	public static void saveForSampling(StyleGanModel model, Path file) throws IOException {
		save(model, file, new LinkedHashMap<>(), new String[] {"G_ema"});
	}

	/** As {@link #save(StyleGanModel, Path)}, with extra entries (e.g. training state) in the zip. */
	public static void save(StyleGanModel model, Path file, Map<String, byte[]> extraEntries) throws IOException {
		save(model, file, extraEntries, NETWORKS);
	}

	private static void save(StyleGanModel model, Path file, Map<String, byte[]> extraEntries, String[] networks)
			throws IOException {
		Map<String, Supplier<Map<String, SafeTensors.Tensor>>> sets = new LinkedHashMap<>();
		for (String n : networks) {
			switch (n) {
				case "G": sets.put(n, () -> hostTensors(model.g(), model.generator.parameters())); break;
				case "G_ema": sets.put(n, () -> hostTensors(model.gEma(), model.generator.parameters())); break;
				default: sets.put(n, () -> hostTensors(model.d(), model.discriminator.parameters()));
			}
		}
		write(file, "StyleGAN for Fiji", model.config, model.dataRange, model.progress, sets, extraEntries);
	}

	private static Map<String, SafeTensors.Tensor> hostTensors(Params p, List<ParamSpec> specs) {
		Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
		for (ParamSpec s : specs) tensors.put(s.name, new SafeTensors.Tensor(s.shape, p.hostValues(s.name)));
		return tensors;
	}

	/**
	 * Writes a model file from host tensors, atomically; each weight set is produced only when it is
	 * written (one set in memory at a time). The tensors must already match the architecture
	 * ({@link #checkTensors}).
	 */
	public static void write(Path file, String createdBy, StyleGanConfig config, DataRange dataRange, TrainingProgress progress,
			Map<String, Supplier<Map<String, SafeTensors.Tensor>>> sets, Map<String, byte[]> extraEntries) throws IOException {
		ZipFiles.writeAtomically(file, zip -> {
			Manifest m = new Manifest();
			m.format = FORMAT;
			m.formatVersion = FORMAT_VERSION;
			m.createdBy = createdBy;
			m.config = config;
			m.dataRange = dataRange;
			m.progress = progress;
			m.networks = new LinkedHashMap<>();
			for (String n : sets.keySet()) m.networks.put(n, n + ".safetensors");
			ZipFiles.put(zip, MANIFEST, Json.GSON.toJson(m).getBytes(StandardCharsets.UTF_8));
			for (Map.Entry<String, Supplier<Map<String, SafeTensors.Tensor>>> e : sets.entrySet()) {
				Map<String, String> meta = new LinkedHashMap<>();
				meta.put("network", e.getKey());
				meta.put("layout", "pytorch");
				zip.putNextEntry(new ZipEntry(e.getKey() + ".safetensors"));
				SafeTensors.write(zip, e.getValue().get(), meta);
				zip.closeEntry();
			}
			for (Map.Entry<String, byte[]> e : extraEntries.entrySet()) ZipFiles.put(zip, e.getKey(), e.getValue());
		});
	}

	/** Reads a model onto a device. Every problem is a {@link ModelFormatException} naming the file. */
	public static StyleGanModel load(Path file, Device device) throws IOException {
		String where = file.toString();
		if (!Files.exists(file)) throw new ModelFormatException("Model file not found: " + where);
		if (Files.isDirectory(file)) throw new ModelFormatException("Model file " + where + " is a folder, not a model file");
		try (ZipFile zip = new ZipFile(file.toFile())) {
			Manifest m = readManifest(zip, where);
			Map<String, Map<String, SafeTensors.Tensor>> sets = new LinkedHashMap<>();
			for (String n : NETWORKS) {
				String entry = m.networks == null ? null : m.networks.get(n);
				if (entry == null) {
					if (n.equals("G_ema")) throw new ModelFormatException(where + ": the manifest names no 'G_ema' weights");
					continue; // sampling-only file
				}
				sets.put(n, SafeTensors.read(readEntry(zip, entry, where), where + "!" + entry));
			}
			GeneratorNetwork gen = NetworkFamily.generator(m.config);
			DiscriminatorNetwork dis = NetworkFamily.discriminator(m.config);
			NDManager manager = Engine.getInstance().newBaseManager(device);
			try {
				Params gEma = toParams(sets.get("G_ema"), gen.parameters(), manager, where + "!G_ema");
				Params g = sets.containsKey("G") ? toParams(sets.get("G"), gen.parameters(), manager, where + "!G") : gEma;
				Params d = sets.containsKey("D") ? toParams(sets.get("D"), dis.parameters(), manager, where + "!D") : null;
				return new StyleGanModel(m.config, m.dataRange, m.progress == null ? new TrainingProgress() : m.progress,
					manager, g, gEma, d);
			} catch (IOException | RuntimeException e) {
				manager.close();
				throw e;
			}
		} catch (java.util.zip.ZipException e) {
			throw new ModelFormatException(where + " is not a StyleGAN model: not a zip archive, or truncated/corrupted ("
				+ e.getMessage() + ")", e);
		} catch (NoSuchFileException e) {
			throw new ModelFormatException("Model file not found: " + where, e);
		}
	}

	/** An extra entry of a model file (e.g. training state), or null if it has none. */
	public static byte[] readExtraEntry(Path file, String name) throws IOException {
		try (ZipFile zip = new ZipFile(file.toFile())) {
			return zip.getEntry(name) == null ? null : readEntry(zip, name, file.toString());
		} catch (java.util.zip.ZipException e) {
			throw new ModelFormatException(file + " is not a StyleGAN model: not a zip archive, or truncated/corrupted", e);
		}
	}

	/** Reads only the manifest (architecture, data range, progress) without loading weights. */
	public static Manifest readManifest(Path file) throws IOException {
		if (!Files.exists(file)) throw new ModelFormatException("Model file not found: " + file);
		try (ZipFile zip = new ZipFile(file.toFile())) {
			return readManifest(zip, file.toString());
		} catch (java.util.zip.ZipException e) {
			throw new ModelFormatException(file + " is not a StyleGAN model: not a zip archive, or truncated/corrupted", e);
		}
	}

	private static Manifest readManifest(ZipFile zip, String where) throws IOException {
		if (zip.getEntry(MANIFEST) == null)
			throw new ModelFormatException(where + " is a zip archive but not a StyleGAN-for-Fiji model (no " + MANIFEST + ")");
		Manifest m;
		try {
			m = Json.GSON.fromJson(new String(readEntry(zip, MANIFEST, where), StandardCharsets.UTF_8), Manifest.class);
		} catch (JsonParseException e) {
			throw new ModelFormatException(where + ": " + MANIFEST + " is not valid JSON (" + e.getMessage() + ")", e);
		}
		if (m == null || !FORMAT.equals(m.format))
			throw new ModelFormatException(where + ": " + MANIFEST + " does not describe a '" + FORMAT + "' file");
		if (m.formatVersion > FORMAT_VERSION)
			throw new ModelFormatException(where + " has format version " + m.formatVersion
				+ "; this version reads up to " + FORMAT_VERSION + " (update the plugin)");
		if (m.config == null) throw new ModelFormatException(where + ": " + MANIFEST + " has no architecture (config)");
		if (m.formatVersion < 2) m.config.graphVersion = 1; // written before the graph fix: render as trained
		if (m.dataRange == null) m.dataRange = new DataRange();
		try {
			m.config.validate();
			m.dataRange.validate();
		} catch (IllegalArgumentException e) {
			throw new ModelFormatException(where + ": invalid architecture in " + MANIFEST + ": " + e.getMessage(), e);
		}
		return m;
	}

	static byte[] readEntry(ZipFile zip, String name, String where) throws IOException {
		return ZipFiles.readEntry(zip, name, where);
	}

	private static Params toParams(Map<String, SafeTensors.Tensor> tensors, List<ParamSpec> specs, NDManager manager,
			String where) throws ModelFormatException {
		checkTensors(tensors, specs, where);
		Params p = new Params(manager);
		for (ParamSpec s : specs)
			p.put(s.name, HostArrays.upload(manager, tensors.get(s.name).data, new Shape(s.shape)), s.trainable);
		return p;
	}

	/**
	 * Checks that the tensors are exactly those the architecture declares (names and shapes) and that
	 * every value is finite; a {@link ModelFormatException} names the first offending tensor.
	 */
	public static void checkTensors(Map<String, SafeTensors.Tensor> tensors, List<ParamSpec> specs, String where)
			throws ModelFormatException {
		for (String name : tensors.keySet()) {
			if (specs.stream().noneMatch(s -> s.name.equals(name)))
				throw new ModelFormatException(where + ": unexpected tensor '" + name + "' for this architecture");
		}
		for (ParamSpec s : specs) {
			SafeTensors.Tensor t = tensors.get(s.name);
			if (t == null) throw new ModelFormatException(where + ": tensor '" + s.name + "' is missing");
			if (!java.util.Arrays.equals(t.shape, s.shape))
				throw new ModelFormatException(where + ": tensor '" + s.name + "' has shape "
					+ java.util.Arrays.toString(t.shape) + ", the architecture needs " + java.util.Arrays.toString(s.shape));
			int bad = 0;
			for (float v : t.data) if (!Float.isFinite(v)) bad++;
			if (bad > 0) // e.g. saved from a diverged run: it would render black images or train into NaN
				throw new ModelFormatException(where + ": tensor '" + s.name + "' has " + bad + " NaN/infinite value(s); the weights are"
					+ " damaged (a diverged run?) — use an earlier snapshot or checkpoint");
		}
	}
}

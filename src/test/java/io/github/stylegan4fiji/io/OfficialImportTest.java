package io.github.stylegan4fiji.io;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stylegan4fiji.PythonReference;
import io.github.stylegan4fiji.core.LayerObserver;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Importing official StyleGAN network pickles. {@code src/test/python/official_pickle.py} writes
 * pickles with the official structure ((G, D, Gs) of {@code dnnlib.tflib.network.Network}, TensorFlow
 * layouts, official names and build arguments) and computes the official graph on the same weights
 * ({@code official_stylegan.py}); the imported model must render the same images and D scores.
 */
public class OfficialImportTest {

	@TempDir
	Path dir;

	@Test
	void res32OneChannelFullSnapshot() throws Exception {
		Map<String, Object> kw = arch(32, 1, 256, 32);
		Result r = importAndCompare("32-1", kw, Arrays.asList("G", "D", "Gs"), 4, 0.0);
		assertEquals(Arrays.asList("G", "G_ema", "D"), r.imported.networks);
		assertEquals(0.01, r.imported.config.mappingLrMul);
		assertTrue(r.imported.config.blur);
	}

	@Test
	void res128ThreeChannelsFusedProtocol2MidTraining() throws Exception {
		Map<String, Object> kw = arch(128, 3, 128, 16);
		Result r = importAndCompare("128-3", kw, Arrays.asList("G", "D", "Gs"), 2, 0.25);
		assertEquals(0.25, r.imported.progress.lod, 1e-7, "the pickled lod is the model's level of detail");
	}

	@Test
	void gsOnlyWithNonDefaultBuildArguments() throws Exception {
		Map<String, Object> kw = arch(32, 3, 256, 32);
		kw.put("fused_scale", true); // official transposed convolution (kernel flipped) at every resolution
		kw.put("mapping_lrmul", 0.05);
		kw.put("blur_filter", null);
		Result r = importAndCompare("32-3-gs", kw, Collections.singletonList("Gs"), 4, 0.0);
		assertEquals(Collections.singletonList("G_ema"), r.imported.networks);
		assertEquals(0.05, r.imported.config.mappingLrMul, 1e-12);
		assertFalse(r.imported.config.blur);
		assertEquals(Collections.singletonList("G_ema"), new ArrayList<>(ModelFile.readManifest(r.model).networks.keySet()));
	}

	@Test
	void refusesWhatItCannotImportAndWritesNothing() throws Exception {
		Map<String, Object> kw = arch(32, 1, 256, 32);
		Path good = dir.resolve("good.pkl");
		writePickle(good, kw, Arrays.asList("G", "D", "Gs"), 4, 0.0, "G_style", null);

		byte[] all = Files.readAllBytes(good);
		Path truncated = dir.resolve("truncated.pkl");
		Files.write(truncated, Arrays.copyOf(all, all.length / 2));
		assertRefused(truncated, "truncated");

		Path stylegan2 = dir.resolve("stylegan2.pkl");
		writePickle(stylegan2, kw, Arrays.asList("G", "D", "Gs"), 4, 0.0, "G_main", null);
		assertRefused(stylegan2, "StyleGAN2");

		Path zip = dir.resolve("model.pkl");
		OfficialImport.run(good, zip, false); // a model file (zip) given where a pickle belongs
		assertRefused(zip, "zip archive");

		Path text = dir.resolve("notes.pkl");
		Files.write(text, "hello".getBytes());
		assertRefused(text, "not a Python pickle");

		Path existing = dir.resolve("existing.zip");
		Files.write(existing, new byte[] {1, 2, 3});
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> OfficialImport.run(good, existing, false));
		assertTrue(e.getMessage().contains("exists"), e.getMessage());
		assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(existing), "an existing file is left alone");
		OfficialImport.run(good, existing, true);
		assertNotNull(ModelFile.readManifest(existing));
	}

	private void assertRefused(Path pickle, String expected) {
		Path out = dir.resolve("out-" + pickle.getFileName() + ".zip");
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> OfficialImport.run(pickle, out, false));
		assertTrue(e.getMessage().contains(expected), "message should say '" + expected + "': " + e.getMessage());
		assertTrue(e.getMessage().contains(pickle.toString()), "message should name the file: " + e.getMessage());
		assertFalse(Files.exists(out), "nothing written for a refused pickle");
	}

	// ---- helpers -----------------------------------------------------------------------------------

	/** Official build arguments of a small architecture (z = w = 32, 3 mapping layers). */
	public static Map<String, Object> arch(int res, int channels, int fmapBase, int fmapMax) {
		Map<String, Object> kw = new LinkedHashMap<>();
		kw.put("resolution", res);
		kw.put("num_channels", channels);
		kw.put("fmap_base", fmapBase);
		kw.put("fmap_max", fmapMax);
		kw.put("latent_size", 32);
		kw.put("dlatent_size", 32);
		kw.put("mapping_layers", 3);
		kw.put("mapping_fmaps", 32);
		return kw;
	}

	private static final class Result {
		Path model;
		OfficialImport.Result imported;
	}

	private Result importAndCompare(String tag, Map<String, Object> kw, List<String> networks, int protocol, double lod)
			throws Exception {
		int res = (Integer) kw.get("resolution"), channels = (Integer) kw.get("num_channels"), n = 3;
		NumpyRandom rng = new NumpyRandom(tag.hashCode() & 0xFFFF);
		Map<String, io.github.stylegan4fiji.io.SafeTensors.Tensor> inputs = new LinkedHashMap<>();
		inputs.put("z", PythonReference.gauss(rng, n, 32));
		inputs.put("reals", PythonReference.uniform(rng, n, channels, res, res));
		int layers = 2 * Integer.numberOfTrailingZeros(res) - 2;
		List<Map<String, Object>> cases = new ArrayList<>();
		cases.add(gCase("psi1_const", 1.0, layers, 0.0, "const"));
		cases.add(gCase("psi07_cut8_const", 0.7, 8, 0.0, "const"));
		cases.add(gCase("lod_none", 1.0, layers, lod > 0 ? lod : 0.5, "none"));
		Path pickle = dir.resolve(tag + ".pkl"), refOut = dir.resolve(tag + "-ref.safetensors");
		Path in = dir.resolve(tag + "-in.safetensors");
		PythonReference.writeTensors(in, inputs);
		Map<String, Object> extra = new LinkedHashMap<>();
		extra.put("inputs", in.toString());
		extra.put("output", refOut.toString());
		extra.put("cases", cases);
		extra.put("d_lods", networks.contains("D") ? Arrays.asList(0.0, 0.5) : Collections.emptyList());
		writePickle(pickle, kw, networks, protocol, lod, "G_style", extra);
		Map<String, io.github.stylegan4fiji.io.SafeTensors.Tensor> ref = PythonReference.readTensors(refOut);

		Result r = new Result();
		r.model = dir.resolve(tag + ".zip");
		r.imported = OfficialImport.run(pickle, r.model, false);
		System.out.println(r.imported.summary());
		List<String> failures = new ArrayList<>();
		try (StyleGanModel m = ModelFile.load(r.model, Device.cpu()); NDManager nm = NDManager.newBaseManager(Device.cpu())) {
			Params g = m.gEma();
			for (Map<String, Object> k : cases) {
				NDArray[] ws = m.generator.truncate(g, m.generator.broadcast(m.generator.map(g, PythonReference.upload(nm, inputs.get("z")))),
					(Double) k.get("psi"), (Integer) k.get("cutoff"));
				NoiseSource noise = k.get("noise").equals("none") ? NoiseSource.NONE : NoiseSource.constant(g);
				NDArray img = m.generator.synthesize(g, ws, noise, (Double) k.get("lod"), LayerObserver.NONE);
				PythonReference.compare(k.get("name") + "/images", img, ref, 1e-4, failures);
			}
			if (networks.contains("D")) {
				for (double dl : new double[] {0.0, 0.5}) {
					NDArray scores = m.discriminator.forward(m.d(), PythonReference.upload(nm, inputs.get("reals")), dl);
					PythonReference.compare("d_lod" + (dl == 0 ? "0" : "0.5") + "/scores", scores, ref, 1e-4, failures);
				}
			}
		}
		assertEquals(Collections.emptyList(), failures, tag + ": the imported model differs from the official graph on the pickled weights");
		return r;
	}

	private static Map<String, Object> gCase(String name, double psi, int cutoff, double lod, String noise) {
		Map<String, Object> k = new LinkedHashMap<>();
		k.put("name", name);
		k.put("psi", psi);
		k.put("cutoff", cutoff);
		k.put("lod", lod);
		k.put("noise", noise);
		return k;
	}

	private void writePickle(Path pickle, Map<String, Object> kw, List<String> networks, int protocol, double lod, String buildFunc,
			Map<String, Object> extra) throws Exception {
		writePickle(dir, pickle, kw, networks, protocol, lod, buildFunc, extra);
	}

	/** A pickle with the official structure and random weights (src/test/python/official_pickle.py). */
	public static void writePickle(Path dir, Path pickle, Map<String, Object> kw, List<String> networks, int protocol, double lod,
			String buildFunc, Map<String, Object> extra) throws Exception {
		Map<String, Object> spec = new LinkedHashMap<>();
		spec.put("pickle", pickle.toString());
		spec.put("protocol", protocol);
		spec.put("networks", networks);
		spec.put("seed", 5);
		spec.put("g_build_func", buildFunc);
		spec.put("kwargs", kw);
		spec.put("lod", lod);
		if (extra != null) spec.putAll(extra);
		else {
			spec.put("cases", Collections.emptyList());
			spec.put("inputs", null);
		}
		PythonReference.run("official_pickle.py", spec, dir);
	}
}

package io.github.stylegan4fiji.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.PythonReference;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.LayerObserver;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.github.stylegan4fiji.PythonReference.gauss;
import static io.github.stylegan4fiji.PythonReference.uniform;
import static io.github.stylegan4fiji.PythonReference.upload;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The project's G and D against an independent implementation of the official graph
 * ({@code src/test/python/official_stylegan.py}: PyTorch, float64, written from NVlabs/stylegan's
 * TensorFlow code) on the same weights: images (ψ, cutoff, style mixing, const/given/no noise, integer
 * and fractional lod), D scores, the G and D losses, R1 and D's weight gradients of the full D loss;
 * also for a conditional model (label embedding in G_mapping, label switch in D_basic).
 * Needs python3 with torch and numpy (Debian: python3-torch python3-numpy; .ci/run installs them).
 */
class OfficialReferenceTest {

	static final double TOLERANCE = 1e-4;

	@TempDir
	Path dir;

	static StyleGanConfig config(int res, int channels, int fmapBase, int fmapMax) {
		StyleGanConfig c = StyleGanConfig.of(res, channels, fmapBase, fmapMax, 32);
		c.mappingLayers = 3;
		return c.validate();
	}

	@Test
	void res32OneChannel() throws Exception {
		compare(config(32, 1, 256, 32), "32-1");
	}

	@Test
	void res64ThreeChannels() throws Exception {
		compare(config(64, 3, 256, 32), "64-3");
	}

	@Test
	void res128ThreeChannelsFusedResampling() throws Exception {
		compare(config(128, 3, 128, 16), "128-3");
	}

	@Test
	void res16FiveChannels() throws Exception {
		compare(config(16, 5, 256, 32), "16-5");
	}

	/** A conditional model: G_mapping's LabelConcat and D_basic's LabelSwitch in every G and D case. */
	@Test
	void res32ThreeClasses() throws Exception {
		StyleGanConfig c = config(32, 1, 256, 32);
		c.labelSize = 3;
		c.classNames = java.util.Arrays.asList("control", "treated", "mutant");
		compare(c.validate(), "32-1-classes");
	}

	private void compare(StyleGanConfig c, String tag) throws Exception {
		int n = 4, layers = c.numLayers(), res = c.resolution;
		Path modelFile = dir.resolve(tag + ".zip");
		NumpyRandom rng = new NumpyRandom(tag.hashCode() & 0xFFFF);
		Map<String, SafeTensors.Tensor> inputs = new LinkedHashMap<>();
		inputs.put("z", gauss(rng, n, c.latentSize));
		inputs.put("z2", gauss(rng, n, c.latentSize));
		inputs.put("reals", uniform(rng, n, c.channels, res, res));
		inputs.put("fakes", uniform(rng, n, c.channels, res, res));
		List<Map<String, Object>> cases = new ArrayList<>();
		cases.add(gCase("psi1_const", 0, 1.0, layers, "const"));
		cases.add(gCase("psi07_cut8_const", 0, 0.7, Math.min(8, layers), "const"));
		cases.add(gCase("lod_half_none", 0.5, 1.0, layers, "none"));
		Map<String, Object> given = gCase("lod1_given", 1.0, 0.5, layers, "given");
		for (int l = 0; l < layers; l++) inputs.put("lod1_given/noise" + l, gauss(rng, n, 1, c.layerResolution(l), c.layerResolution(l)));
		cases.add(given);
		Map<String, Object> mix = gCase("mixing", 0, 0.7, layers, "const");
		mix.put("z_mix", "z2");
		mix.put("mix_from", 3);
		cases.add(mix);
		for (double lod : new double[] {0, 0.5}) {
			Map<String, Object> d = new LinkedHashMap<>();
			d.put("name", "d_lod" + lod);
			d.put("reals", "reals");
			d.put("fakes", "fakes");
			d.put("lod", lod);
			d.put("r1_gamma", 10.0);
			cases.add(d);
		}
		if (c.isConditional()) {
			int[] classes = new int[n];
			for (int i = 0; i < n; i++) classes[i] = (i * 2 + 1) % c.labelSize; // every class, in mixed order
			inputs.put("labels", new SafeTensors.Tensor(new long[] {n, c.labelSize}, io.github.stylegan4fiji.core.Labels.oneHot(classes, c.labelSize)));
			for (Map<String, Object> k : cases) k.put("labels", "labels");
		}

		try (StyleGanModel m = TestModels.tiny(c)) {
			TestModels.perturb(m.d(), 7);
			ModelFile.save(m, modelFile);
			Map<String, SafeTensors.Tensor> ref = runReference(modelFile, inputs, cases);
			try (NDManager nm = NDManager.newBaseManager(Device.cpu())) {
				List<String> failures = new ArrayList<>();
				for (Map<String, Object> k : cases) {
					String name = (String) k.get("name");
					if (k.containsKey("z")) checkGenerator(m, nm, inputs, k, ref, failures);
					else checkDiscriminator(m, nm, inputs, k, ref, failures);
					System.out.println(tag + " " + name + " done");
				}
				assertEquals(Collections.emptyList(), failures, tag + ": differences from the official graph");
			}
		}
	}

	private static Map<String, Object> gCase(String name, double lod, double psi, int cutoff, String noise) {
		Map<String, Object> k = new LinkedHashMap<>();
		k.put("name", name);
		k.put("network", "G_ema");
		k.put("z", "z");
		k.put("psi", psi);
		k.put("cutoff", cutoff);
		k.put("lod", lod);
		k.put("noise", noise);
		return k;
	}

	private void checkGenerator(StyleGanModel m, NDManager nm, Map<String, SafeTensors.Tensor> in, Map<String, Object> k,
			Map<String, SafeTensors.Tensor> ref, List<String> failures) {
		String name = (String) k.get("name");
		Params g = m.gEma();
		int layers = m.config.numLayers();
		NDArray labels = k.containsKey("labels") ? upload(nm, in.get("labels")) : null;
		NDArray w = m.generator.map(g, upload(nm, in.get("z")), labels);
		NDArray[] ws = m.generator.broadcast(w);
		if (k.containsKey("z_mix")) {
			NDArray w2 = m.generator.map(g, upload(nm, in.get("z2")), labels);
			for (int l = (Integer) k.get("mix_from"); l < layers; l++) ws[l] = w2;
		}
		ws = m.generator.truncate(g, ws, (Double) k.get("psi"), (Integer) k.get("cutoff"));
		String noise = (String) k.get("noise");
		NoiseSource src = noise.equals("none") ? NoiseSource.NONE : noise.equals("const") ? NoiseSource.constant(g)
			: (layer, r, batch, mgr) -> upload(mgr, in.get(name + "/noise" + layer));
		NDArray img = m.generator.synthesize(g, ws, src, (Double) k.get("lod"), LayerObserver.NONE);
		compare(name + "/w", w, ref, failures);
		compare(name + "/images", img, ref, failures);
	}

	private void checkDiscriminator(StyleGanModel m, NDManager nm, Map<String, SafeTensors.Tensor> in, Map<String, Object> k,
			Map<String, SafeTensors.Tensor> ref, List<String> failures) {
		String name = (String) k.get("name");
		double lod = (Double) k.get("lod"), gamma = (Double) k.get("r1_gamma");
		Params d = m.d();
		NDArray reals = upload(nm, in.get("reals")), fakes = upload(nm, in.get("fakes"));
		NDArray labels = k.containsKey("labels") ? upload(nm, in.get("labels")) : null;
		for (String p : d.names()) d.get(p).setRequiresGradient(true);
		double[] r1 = new double[1];
		Autograd.gradMode(true);
		NDArray lossD;
		try {
			lossD = Losses.discriminator(m.discriminator, d, reals, fakes, labels, lod, gamma * 0.5, r1);
			Autograd.backward(lossD);
		} finally {
			Autograd.gradMode(false);
		}
		NDArray fakeScores = m.discriminator.forward(d, fakes, labels, lod);
		compare(name + "/real_scores", m.discriminator.forward(d, reals, labels, lod), ref, failures);
		compare(name + "/fake_scores", fakeScores, ref, failures);
		compare(name + "/loss_d", lossD.reshape(1), ref, failures);
		compare(name + "/loss_g", ai.djl.nn.Activation.softPlus(fakeScores.neg()).mean().reshape(1), ref, failures);
		compare(name + "/r1", nm.create(new float[] {(float) r1[0]}), ref, failures);
		for (String p : d.names()) {
			compare(name + "/grad/" + p, d.get(p).getGradient(), ref, failures);
			Autograd.zeroGrad(d.get(p));
		}
	}

	private static void compare(String key, NDArray ours, Map<String, SafeTensors.Tensor> ref, List<String> failures) {
		PythonReference.compare(key, ours, ref, TOLERANCE, failures);
	}

	private Map<String, SafeTensors.Tensor> runReference(Path model, Map<String, SafeTensors.Tensor> inputs,
			List<Map<String, Object>> cases) throws IOException, InterruptedException {
		Path in = dir.resolve("inputs.safetensors"), out = dir.resolve("reference.safetensors");
		PythonReference.writeTensors(in, inputs);
		Map<String, Object> s = new LinkedHashMap<>();
		s.put("model", model.toString());
		s.put("inputs", in.toString());
		s.put("output", out.toString());
		s.put("cases", cases);
		PythonReference.run("official_stylegan.py", s, dir);
		return PythonReference.readTensors(out);
	}
}

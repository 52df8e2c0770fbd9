package io.github.stylegan4fiji.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import io.github.stylegan4fiji.PythonReference;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.io.SafeTensors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SsimTest {

	@TempDir
	Path tmp;

	/** Pairs of images of several sizes and channel counts, from identical to unrelated, vs scikit-image. */
	@Test
	void agreesWithScikitImage() throws Exception {
		int n = 4, c = 3, h = 16, w = 13;
		int size = c * h * w;
		float[] a = new float[n * size], b = new float[n * size];
		NumpyRandom r = new NumpyRandom(3);
		for (int i = 0; i < a.length; i++) a[i] = (float) Math.tanh(r.gauss());
		for (int k = 0; k < n; k++) // image k: a mixed with (k / 3) of independent noise, and a brightness shift
			for (int i = k * size; i < (k + 1) * size; i++)
				b[i] = (float) (a[i] * (1 - k / 3.0) + (k / 3.0) * Math.tanh(r.gauss()) + 0.1 * k);
		Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
		t.put("a", new SafeTensors.Tensor(new long[] {n, c, h, w}, a));
		t.put("b", new SafeTensors.Tensor(new long[] {n, c, h, w}, b));
		Path in = tmp.resolve("ssim-in.safetensors"), out = tmp.resolve("ssim-out.json");
		PythonReference.writeTensors(in, t);
		Map<String, Object> spec = new HashMap<>();
		spec.put("inputs", in.toString());
		spec.put("output", out.toString());
		spec.put("data_range", 2.0);
		PythonReference.run("ssim_reference.py", spec, tmp);
		double[] ref = new Gson().fromJson(new String(Files.readAllBytes(out), StandardCharsets.UTF_8), double[].class);
		for (int k = 0; k < n; k++) {
			double ours = Ssim.ssim(a, k * size, b, k * size, c, h, w, 2.0);
			assertEquals(ref[k], ours, 1e-6, "image " + k);
		}
		assertEquals(1.0, ref[0], 1e-12); // image 0 is a itself
		assertTrue(ref[3] < 0.5, "unrelated images score low: " + ref[3]);
	}

	/** Constant images: only the luminance term is left, (2 μx μy + C1) / (μx² + μy² + C1). */
	@Test
	void constantImagesByHand() {
		float[] a = new float[12 * 12], b = new float[12 * 12];
		Arrays.fill(a, 0.5f);
		Arrays.fill(b, -0.25f);
		double c1 = Math.pow(0.01 * 2, 2);
		assertEquals((2 * 0.5 * -0.25 + c1) / (0.25 + 0.0625 + c1), Ssim.ssim(a, 0, b, 0, 1, 12, 12, 2.0), 1e-9);
		assertTrue(Double.isNaN(Ssim.ssim(a, 0, b, 0, 1, 10, 10, 2.0)), "smaller than the 11-pixel window: undefined");
	}
}

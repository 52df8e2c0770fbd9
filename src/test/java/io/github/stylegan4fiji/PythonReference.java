package io.github.stylegan4fiji;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.io.SafeTensors;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the independent Python references in {@code src/test/python} (Debian's python3-torch and
 * python3-numpy) and compares their outputs with ours.
 */
public final class PythonReference {

	private PythonReference() {}

	/** Runs {@code src/test/python/<script>} on a JSON spec; fails the test with its output if it fails. */
	public static void run(String script, Map<String, Object> spec, Path dir) throws IOException, InterruptedException {
		Path specFile = dir.resolve(script.replace(".py", "") + "-spec.json");
		// nulls kept: a spec may set an official argument to None
		Files.write(specFile, new com.google.gson.GsonBuilder().serializeNulls().create().toJson(spec).getBytes(StandardCharsets.UTF_8));
		Path path = Paths.get("src", "test", "python", script).toAbsolutePath();
		// Debian's interpreter (python3-torch lives in its dist-packages), not one earlier on the PATH
		String python = Files.isExecutable(Paths.get("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
		Process p = new ProcessBuilder(python, path.toString(), specFile.toString()).redirectErrorStream(true).start();
		String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertTrue(p.waitFor(600, TimeUnit.SECONDS), script + " timed out");
		assertEquals(0, p.exitValue(), script + " failed (needs python3-torch and python3-numpy: "
			+ "apt-get install python3-torch python3-numpy):\n" + log);
	}

	public static void writeTensors(Path file, Map<String, SafeTensors.Tensor> tensors) throws IOException {
		try (OutputStream os = Files.newOutputStream(file)) {
			SafeTensors.write(os, tensors, Collections.emptyMap());
		}
	}

	public static Map<String, SafeTensors.Tensor> readTensors(Path file) throws IOException {
		return SafeTensors.read(Files.readAllBytes(file), file.toString());
	}

	/**
	 * Adds a failure to {@code failures} when {@code ours} differs from the reference's {@code key} by
	 * more than {@code tolerance} × max(1, max |reference|) anywhere (NaN counts as a difference).
	 */
	public static void compare(String key, NDArray ours, Map<String, SafeTensors.Tensor> ref, double tolerance, List<String> failures) {
		SafeTensors.Tensor r = ref.get(key);
		if (r == null) {
			failures.add(key + ": missing in the reference output");
			return;
		}
		float[] a = ours.toFloatArray();
		if (a.length != r.data.length) {
			failures.add(key + ": " + a.length + " values vs " + r.data.length);
			return;
		}
		double scale = 1, diff = 0;
		for (int i = 0; i < a.length; i++) {
			scale = Math.max(scale, Math.abs(r.data[i]));
			double d = Math.abs(a[i] - r.data[i]);
			diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
		}
		if (diff > tolerance * scale) failures.add(String.format(Locale.ROOT, "%s: max abs diff %.3g (scale %.3g)", key, diff, scale));
	}

	public static NDArray upload(NDManager m, SafeTensors.Tensor t) {
		return HostArrays.upload(m, t.data, new Shape(t.shape));
	}

	public static SafeTensors.Tensor gauss(NumpyRandom rng, long... shape) {
		float[] v = new float[(int) new Shape(shape).size()];
		for (int i = 0; i < v.length; i++) v[i] = (float) rng.gauss();
		return new SafeTensors.Tensor(shape, v);
	}

	public static SafeTensors.Tensor uniform(NumpyRandom rng, long... shape) {
		float[] v = new float[(int) new Shape(shape).size()];
		for (int i = 0; i < v.length; i++) v[i] = (float) (rng.nextDouble() * 2 - 1);
		return new SafeTensors.Tensor(shape, v);
	}
}

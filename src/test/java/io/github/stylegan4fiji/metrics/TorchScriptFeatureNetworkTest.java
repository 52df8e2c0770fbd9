package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A TorchScript detector with the official calling convention (made by
 * src/test/resources/torchscript/make_tiny_detector.py with PyTorch 1.13) gives, through DJL, the
 * features PyTorch computed for the same uint8 images.
 */
class TorchScriptFeatureNetworkTest {

	static final Path DIR = Paths.get("src/test/resources/torchscript");

	/** The script's test images, in the model range so that the official uint8 conversion restores them. */
	static float[] images(int n, int c, int size) {
		float[] x = new float[n * c * size * size];
		int k = 0;
		for (int i = 0; i < n; i++)
			for (int ch = 0; ch < c; ch++)
				for (int y = 0; y < size; y++)
					for (int xx = 0; xx < size; xx++) {
						int v = (7 * i + 13 * ch + 3 * y + 5 * xx) % 256;
						x[k++] = (float) ((v - 127.5) / 127.5);
					}
		return x;
	}

	@Test
	void featuresMatchPyTorch() throws IOException {
		JsonObject expected = JsonParser.parseString(new String(Files.readAllBytes(DIR.resolve("tiny-detector-expected.json")),
			StandardCharsets.UTF_8)).getAsJsonObject();
		try (FeatureNetwork net = FeatureNetworks.load(DIR.resolve("tiny-detector.pt"), Device.cpu())) {
			assertTrue(net instanceof TorchScriptFeatureNetwork);
			assertTrue(net.id().startsWith("torchscript-"));
			assertEquals(8, net.featureSize());
			check(expected.getAsJsonArray("gray_16"), net.features(net.manager().create(images(3, 1, 16), new Shape(3, 1, 16, 16))));
			check(expected.getAsJsonArray("rgb_8"), net.features(net.manager().create(images(2, 3, 8), new Shape(2, 3, 8, 8))));
			assertFalse(net.hasPerceptualDistance());
			assertThrows(IllegalArgumentException.class, () -> net.checkCompatible(2, 16));
		}
	}

	@Test
	void fidRunsOnATorchScriptDetector() throws IOException {
		try (FeatureNetwork net = FeatureNetworks.load(DIR.resolve("tiny-detector.pt"), Device.cpu());
				StyleGanModel m = TestModels.tiny(8, 1); Sampler sampler = new Sampler(m, Device.cpu())) {
			Dataset reals = new Dataset(images(40, 1, 8), 40, 1, 8, DataRange.ofType(DataRange.PixelType.UINT8), null);
			Metrics.Options o = new Metrics.Options();
			o.numGenerated = 40;
			Metrics.Result r = Metrics.compute(sampler, net, Metrics.realStats(reals, "t", net, 0, 16, Progress.NONE), o,
				Progress.NONE);
			assertTrue(r.values.get("fid") > 0 && Double.isFinite(r.values.get("fid")));
		}
	}

	private static void check(JsonArray rows, NDArray actual) {
		float[] a = actual.toFloatArray();
		int f = rows.get(0).getAsJsonArray().size();
		assertEquals(rows.size() * f, a.length);
		for (int i = 0; i < rows.size(); i++)
			for (int j = 0; j < f; j++) {
				double e = rows.get(i).getAsJsonArray().get(j).getAsDouble();
				assertEquals(e, a[i * f + j], 1e-5 * Math.max(1, Math.abs(e)), "feature " + j + " of image " + i + " in " + Arrays.toString(a));
			}
	}
}

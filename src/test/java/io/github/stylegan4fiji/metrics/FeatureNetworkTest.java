package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.LabelledImages;
import io.github.stylegan4fiji.io.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class FeatureNetworkTest {

	@TempDir
	Path dir;

	/** Class 0: the top half brighter; class 1: the bottom half; plus noise (x-flips keep the class). */
	static LabelledImages halves(int n, int res, long seed) {
		NumpyRandom r = new NumpyRandom(seed);
		float[] px = new float[n * res * res];
		int[] labels = new int[n];
		for (int i = 0; i < n; i++) {
			labels[i] = r.nextInt(2);
			for (int y = 0; y < res; y++)
				for (int x = 0; x < res; x++) {
					boolean bright = (y < res / 2) == (labels[i] == 0);
					px[(i * res + y) * res + x] = (float) Math.max(-1, Math.min(1, (bright ? 0.3 : -0.3) + 0.5 * r.gauss()));
				}
		}
		return new LabelledImages(new Dataset(px, n, 1, res, DataRange.ofType(DataRange.PixelType.UINT8), null), labels, Arrays.asList("top", "bottom"));
	}

	@Test
	void learnsASimpleTaskAndSurvivesSaveLoad() throws IOException {
		LabelledImages train = halves(512, 8, 1), test = halves(256, 8, 2);
		CnnFeatureNetwork.Config c = PathLengthAndSeparabilityTest.tinyNetConfig(8, 1, 2);
		c.classNames = train.classNames;
		Path file = dir.resolve("net.zip");
		float[] before;
		try (CnnFeatureNetwork net = CnnFeatureNetwork.create(c, 3, Device.cpu())) {
			double chance = FeatureNetworkTrainer.accuracy(net, test, 64);
			FeatureNetworkTrainer.Options o = new FeatureNetworkTrainer.Options();
			o.epochs = 8;
			o.learningRate = 5e-3;
			o.batchSize = 32;
			double[] losses = FeatureNetworkTrainer.train(net, train, o, io.github.stylegan4fiji.core.Progress.NONE);
			assertTrue(losses[7] < losses[0] * 0.5, "loss falls: " + Arrays.toString(losses));
			double acc = FeatureNetworkTrainer.accuracy(net, test, 64);
			assertTrue(acc > 0.95 && acc > chance + 0.2, "held-out accuracy " + acc + " (untrained " + chance + "), losses " + Arrays.toString(losses));
			net.save(file);
			before = net.features(images(net.manager(), test, 16)).toFloatArray();
		}
		try (CnnFeatureNetwork net = CnnFeatureNetwork.load(file, Device.cpu())) {
			assertArrayEquals(before, net.features(images(net.manager(), test, 16)).toFloatArray());
			assertTrue(net.id().startsWith("cnn-"));
			assertEquals(Arrays.asList("top", "bottom"), net.classNames());
		}
	}

	/** The first n images as an array on the manager. */
	static NDArray images(NDManager m, LabelledImages data, int n) {
		int size = data.images.imageSize();
		float[] x = new float[n * size];
		for (int i = 0; i < n; i++) data.images.copyImage(i, false, x, i * size);
		return m.create(x, new Shape(n, data.images.channels, data.images.resolution, data.images.resolution));
	}

	@Test
	void adaptsSizeAndChannelsAsDocumented() {
		CnnFeatureNetwork.Config c = PathLengthAndSeparabilityTest.tinyNetConfig(8, 3, 2);
		try (CnnFeatureNetwork net = CnnFeatureNetwork.create(c, 4, Device.cpu())) {
			NDManager m = net.manager();
			float[] small = new float[2 * 8 * 8];
			new NumpyRandom(5).randnInto(small, 0, small.length);
			NDArray x8 = m.create(small, new Shape(2, 1, 8, 8));
			// 2× nearest-neighbour enlargement: box averaging brings back exactly the 8×8 image
			NDArray x16 = x8.reshape(2, 1, 8, 1, 8, 1).repeat(3, 2).repeat(5, 2).reshape(2, 1, 16, 16);
			float[] f8 = net.features(x8).toFloatArray();
			assertArrayEquals(f8, net.features(x16).toFloatArray(), 1e-5f);
			// one channel is repeated to the network's three
			assertArrayEquals(f8, net.features(x8.repeat(1, 3)).toFloatArray(), 1e-6f);
			NDArray d = net.perceptualDistance(x8, x8);
			assertArrayEquals(new float[] {0, 0}, d.toFloatArray(), 1e-7f);
			NDArray other = x8.get("1:2").repeat(0, 2);
			float[] ab = net.perceptualDistance(x8, other).toFloatArray(), ba = net.perceptualDistance(other, x8).toFloatArray();
			assertTrue(ab[0] > 0);
			assertEquals(ab[0], ba[0], 1e-6f);
			assertThrows(IllegalArgumentException.class, () -> net.features(m.zeros(new Shape(1, 2, 8, 8))));
			assertThrows(IllegalArgumentException.class, () -> net.features(m.zeros(new Shape(1, 1, 12, 12))));
		}
	}

	@Test
	void rejectsFilesThatAreNotFeatureNetworks() throws IOException {
		Path junk = dir.resolve("junk.zip");
		Files.write(junk, new byte[] {1, 2, 3});
		assertThrows(ModelFormatException.class, () -> CnnFeatureNetwork.load(junk, Device.cpu()));
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> CnnFeatureNetwork.load(dir.resolve("missing.zip"), Device.cpu()));
		assertTrue(e.getMessage().contains("missing.zip"));
	}
}

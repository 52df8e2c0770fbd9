package io.github.stylegan4fiji.project;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.io.ProjectionFile;
import io.github.stylegan4fiji.metrics.FeatureNetwork;
import io.github.stylegan4fiji.metrics.FeatureNetworks;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.ProjectedLatents;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Projection (issue 16): the schedule and the noise regulariser against their formulas, an image
 * made from a known w is recovered (pixel and perceptual distance), the result is deterministic and
 * renders again from its file, and bad inputs give clear errors.
 */
class ProjectorTest {

	@TempDir
	Path dir;

	@Test
	void scheduleFollowsTheStyleGan2Projector() {
		Projector.Options o = new Projector.Options();
		// lr: ramp up over 5 %, cosine down over the last 25 %; w noise: 0.05·(1 − t/0.75)²
		assertEquals(0.1 * 0.5, Projector.learningRate(o, 0.025), 1e-12);
		assertEquals(0.1, Projector.learningRate(o, 0.5), 1e-12);
		assertEquals(0.1 * (0.5 - 0.5 * Math.cos(0.5 * Math.PI)), Projector.learningRate(o, 0.875), 1e-12);
		assertEquals(0.0, Projector.learningRate(o, 1.0), 1e-12);
		assertEquals(0.05, Projector.wNoiseFactor(o, 0), 1e-12);
		assertEquals(0.05 * 0.25, Projector.wNoiseFactor(o, 0.375), 1e-12);
		assertEquals(0.0, Projector.wNoiseFactor(o, 0.8), 1e-12);
	}

	@Test
	void noiseRegularizerAndItsGradientMatchAHandComputation() {
		try (NDManager m = NDManager.newBaseManager(Device.cpu()); Params vars = new Params(m)) {
			int res = 16;
			NumpyRandom r = new NumpyRandom(3);
			float[] v = new float[2 * res * res];
			r.randnInto(v, 0, v.length);
			vars.put("noise0", m.create(v, new Shape(2, 1, res, res)), true);
			NDArray noise = vars.get("noise0");
			noise.setRequiresGradient(true);
			io.github.stylegan4fiji.core.Autograd.gradMode(true);
			NDArray reg;
			try {
				reg = Projector.noiseRegularizer(vars, 1);
				io.github.stylegan4fiji.core.Autograd.backward(reg.sum());
			} finally {
				io.github.stylegan4fiji.core.Autograd.gradMode(false);
			}
			double[] got = toDoubles(reg.toFloatArray());
			float[] grad = noise.getGradient().toFloatArray();
			for (int i = 0; i < 2; i++) {
				double[][] map = new double[res][res];
				for (int y = 0; y < res; y++) for (int x = 0; x < res; x++) map[y][x] = v[i * res * res + y * res + x];
				double expected = handRegularizer(map);
				assertEquals(expected, got[i], 1e-6 * Math.max(1, expected), "image " + i);
				// the gradient autograd gives, against central differences of the float64 formula
				for (int[] at : new int[][] {{0, 0}, {3, 7}, {15, 15}, {8, 1}}) {
					double h = 1e-4, keep = map[at[0]][at[1]];
					map[at[0]][at[1]] = keep + h;
					double up = handRegularizer(map);
					map[at[0]][at[1]] = keep - h;
					double down = handRegularizer(map);
					map[at[0]][at[1]] = keep;
					double fd = (up - down) / (2 * h);
					assertEquals(fd, grad[i * res * res + at[0] * res + at[1]], 1e-4 * Math.max(1e-3, Math.abs(fd)) + 1e-7,
						"gradient of image " + i + " at " + at[0] + "," + at[1]);
				}
			}
		}
	}

	/** StyleGAN2's noise regulariser of one map, in float64 loops: Σ over scales of (mean v·roll_x v)² + (mean v·roll_y v)². */
	private static double handRegularizer(double[][] map) {
		double total = 0;
		for (int size = map.length; ; size /= 2) {
			double sx = 0, sy = 0;
			for (int y = 0; y < size; y++)
				for (int x = 0; x < size; x++) {
					sx += map[y][x] * map[y][(x + size - 1) % size]; // roll by 1 along x
					sy += map[y][x] * map[(y + size - 1) % size][x];
				}
			total += Math.pow(sx / (size * size), 2) + Math.pow(sy / (size * size), 2);
			if (size <= 8) break;
			double[][] half = new double[size / 2][size / 2];
			for (int y = 0; y < size / 2; y++)
				for (int x = 0; x < size / 2; x++)
					half[y][x] = (map[2 * y][2 * x] + map[2 * y][2 * x + 1] + map[2 * y + 1][2 * x] + map[2 * y + 1][2 * x + 1]) / 4;
			map = half;
		}
		return total;
	}

	private static double[] toDoubles(float[] f) {
		double[] d = new double[f.length];
		for (int i = 0; i < f.length; i++) d[i] = f[i];
		return d;
	}

	/** Targets rendered from seeds 7 and 8 with the model's constant noise. */
	private static float[] targets(StyleGanModel m) {
		try (Sampler s = new Sampler(m, Device.cpu())) {
			return s.generate(new long[] {7, 8}, Truncation.NONE, NoiseSpec.constant()).data;
		}
	}

	@Test
	void anImageFromAKnownWIsRecoveredWithPixelDistance() {
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			float[] t = targets(m);
			Projector.Options o = new Projector.Options();
			o.steps = 300;
			o.distance = Projector.Distance.PIXEL;
			o.optimizeNoise = false; // the targets used the constant maps: w alone must explain them
			Projector.Result r = Projector.project(m, null, t, 2, new String[] {"a", "b"}, o, Progress.NONE);
			int per = 16 * 16;
			for (int i = 0; i < 2; i++) {
				double first = r.curve[0][i], last = r.finalDistance[i];
				double psnr = Projector.psnr(t, i * per, r.images, i * per, per);
				System.out.printf("pixel projection, image %d: distance %.5f → %.6f, PSNR %.1f dB%n", i, first, last, psnr);
				assertTrue(last < 0.02 * first, "distance " + first + " → " + last);
				assertTrue(psnr > 25, "PSNR " + psnr); // 25 dB: RMS error 0.11 of the range 2
			}
			// deterministic: the same call gives the same latents
			o.steps = 20;
			float[] a = Projector.project(m, null, t, 2, null, o, Progress.NONE).latents.w;
			float[] b = Projector.project(m, null, t, 2, null, o, Progress.NONE).latents.w;
			assertArrayEquals(a, b);
		}
	}

	@Test
	void theDefaultDistanceIsPerceptualPlusPixel() throws IOException {
		assertEquals(Projector.Distance.PERCEPTUAL_PIXEL, new Projector.Options().distance);
		try (StyleGanModel m = TestModels.tiny(32, 1);
				FeatureNetwork net = FeatureNetworks.load(Paths.get("models/fashion-mnist-classifier.zip"), Device.cpu());
				ai.djl.ndarray.NDManager nd = ai.djl.ndarray.NDManager.newBaseManager(Device.cpu())) {
			float[] t = targets(m);
			int per = t.length / 2;
			float[] other = new float[t.length];
			for (int i = 0; i < t.length; i++) other[i] = -1f; // an all-dark image against each target
			ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(2, 1, 32, 32);
			ai.djl.ndarray.NDArray a = nd.create(other, shape), b = nd.create(t, shape);
			float[] both = Projector.distance(net, Projector.Distance.PERCEPTUAL_PIXEL, a, b).toFloatArray();
			float[] perceptual = Projector.distance(net, Projector.Distance.PERCEPTUAL, a, b).toFloatArray();
			float[] pixel = Projector.distance(net, Projector.Distance.PIXEL, a, b).toFloatArray();
			for (int i = 0; i < 2; i++) {
				double mse = 0;
				for (int j = 0; j < per; j++) mse += Math.pow(-1 - t[i * per + j], 2);
				assertEquals(mse / per, pixel[i], 1e-5);
				assertEquals(perceptual[i] + pixel[i], both[i], 1e-5);
				assertTrue(pixel[i] > 0.01, "the dark image is far from target " + i + " in pixels: " + pixel[i]);
			}
		}
	}

	@Test
	void perceptualProjectionWithNoiseAndWPlusRecoversAndRendersAgainFromItsFile() throws IOException {
		try (StyleGanModel m = TestModels.tiny(32, 1);
				FeatureNetwork net = FeatureNetworks.load(Paths.get("models/fashion-mnist-classifier.zip"), Device.cpu())) {
			float[] t = targets(m);
			Projector.Options o = new Projector.Options();
			o.steps = 200;
			o.perLayer = true;
			o.distance = Projector.Distance.PERCEPTUAL; // the StyleGAN2 projector's distance alone
			Projector.Result r = Projector.project(m, net, t, 2, new String[] {"a", "b"}, o, Progress.NONE);
			for (int i = 0; i < 2; i++) {
				double first = r.curve[0][i], last = r.finalDistance[i];
				System.out.printf("perceptual W+ projection, image %d: distance %.5f → %.6f%n", i, first, last);
				assertTrue(last < 0.1 * first, "distance " + first + " → " + last);
			}
			assertEquals(m.config.numLayers(), r.latents.wLayers);
			// noise maps stay normalised (mean 0, mean square 1 per map)
			float[] n0 = r.latents.noise[m.config.numLayers() - 1];
			double s = 0, s2 = 0;
			int per = n0.length / 2;
			for (int j = 0; j < per; j++) {
				s += n0[j];
				s2 += n0[j] * n0[j];
			}
			assertEquals(0, s / per, 1e-4);
			assertEquals(1, s2 / per, 1e-3);

			Path file = dir.resolve("p.zip");
			ProjectionFile.Info info = new ProjectionFile.Info();
			info.model = "tiny";
			ProjectionFile.save(file, r.latents, info);
			ProjectedLatents back = ProjectionFile.load(file);
			assertArrayEquals(new String[] {"a", "b"}, back.names);
			try (Sampler sampler = new Sampler(m, Device.cpu())) {
				Images again = sampler.render(back, Truncation.NONE);
				for (int j = 0; j < again.data.length; j++) assertEquals(r.images[j], again.data[j], 1e-4f);
				Images ends = sampler.interpolate(back, 0, 1, 3, Truncation.NONE);
				for (int j = 0; j < again.planeSize(); j++) {
					assertEquals(r.images[j], ends.data[j], 1e-4f);
					assertEquals(r.images[again.planeSize() + j], ends.data[2 * again.planeSize() + j], 1e-4f);
				}
			}
		}
	}

	@Test
	void badInputsGiveClearErrors() throws IOException {
		Path model = dir.resolve("m.zip");
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			ModelFile.save(m, model);
		}
		ProjectionJob job = new ProjectionJob();
		job.model = model;
		job.out = dir.resolve("out");
		job.images = dir.resolve("empty");
		Files.createDirectories(job.images);
		job.options.distance = Projector.Distance.PIXEL;
		IOException empty = assertThrows(IOException.class, () -> job.run(Progress.NONE));
		assertTrue(empty.getMessage().contains("empty") || empty.getMessage().contains("No"), empty.getMessage());

		Path rgb = dir.resolve("rgb");
		Files.createDirectories(rgb);
		assertTrue(new ij.io.FileSaver(new ij.ImagePlus("c", new ij.process.ColorProcessor(16, 16))).saveAsPng(rgb.resolve("c.png").toString()));
		job.images = rgb;
		IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> job.run(Progress.NONE));
		assertTrue(channels.getMessage().contains("3-channel") && channels.getMessage().contains("makes 1"), channels.getMessage());
	}
}

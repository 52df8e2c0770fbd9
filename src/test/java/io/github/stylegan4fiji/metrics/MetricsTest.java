package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {

	@TempDir
	Path dir;

	@Test
	void accumulatorMatchesDirectStatistics() {
		int d = 6, n = 50;
		float[] f = new float[n * d];
		new NumpyRandom(1).randnInto(f, 0, f.length);
		for (int i = 0; i < f.length; i++) f[i] = f[i] * (1 + i % d) + i % 3; // distinct scales and means
		FeatureStats s;
		try (NDManager m = Engine.getInstance().newBaseManager(); FeatureAccumulator acc = new FeatureAccumulator(m, d, 12)) {
			for (int b0 = 0; b0 < n; b0 += 8) {
				int b = Math.min(8, n - b0);
				acc.add(m.create(Arrays.copyOfRange(f, b0 * d, (b0 + b) * d), new Shape(b, d)));
			}
			s = acc.finish("net", "test", "hash");
		}
		for (int i = 0; i < d; i++) {
			double mean = 0;
			for (int k = 0; k < n; k++) mean += f[k * d + i];
			mean /= n;
			assertEquals(mean, s.mean[i], 1e-9);
			for (int j = 0; j < d; j++) {
				double mj = 0, c = 0;
				for (int k = 0; k < n; k++) mj += f[k * d + j];
				mj /= n;
				for (int k = 0; k < n; k++) c += (f[k * d + i] - mean) * (f[k * d + j] - mj);
				assertEquals(c / n, s.covariance[i * d + j], 1e-9, "covariance divides by N");
			}
		}
		assertEquals(50, s.info.count);
		assertArrayEquals(Arrays.copyOf(f, 12 * d), s.features);
	}

	@Test
	void statisticsFileRoundTrip() throws IOException {
		double[] mean = {1.0 / 3, Math.PI}, cov = {1e-7, 1.0 / 7, 1.0 / 7, 12345.678901234};
		FeatureStats.Info info = new FeatureStats.Info();
		info.dimension = 2;
		info.count = 10;
		info.keptFeatures = 1;
		info.featureNetwork = "cnn-x";
		FeatureStats s = new FeatureStats(info, mean, cov, new float[] {1, 2});
		Path file = dir.resolve("s.stats.zip");
		s.save(file);
		FeatureStats t = FeatureStats.load(file);
		for (int i = 0; i < 2; i++) assertEquals(mean[i], t.mean[i], Math.abs(mean[i]) * 1e-13);
		for (int i = 0; i < 4; i++) assertEquals(cov[i], t.covariance[i], Math.abs(cov[i]) * 1e-13);
		assertEquals("cnn-x", t.info.featureNetwork);
		assertArrayEquals(new float[] {1, 2}, t.features);
		// FID-only statistics keep no features: an empty tensor must survive the file too
		info.keptFeatures = 0;
		new FeatureStats(info, mean, cov, new float[0]).save(file);
		assertEquals(0, FeatureStats.load(file).keptCount());
	}

	/** Images of the model itself (other seeds) and a dataset of flat grey images. */
	@Test
	void fidSeesTheModelsOwnImagesAsCloseAndCachesRealStatistics() throws IOException {
		try (StyleGanModel m = TestModels.tiny(8, 1); Sampler sampler = new Sampler(m, Device.cpu()).batchSize(32);
				CnnFeatureNetwork net = CnnFeatureNetwork.create(PathLengthAndSeparabilityTest.tinyNetConfig(8, 1, 3), 6, Device.cpu())) {
			float[] z = new float[400 * m.config.latentSize];
			new NumpyRandom(777).randnInto(z, 0, z.length);
			Images own = sampler.render(sampler.broadcast(sampler.mapZ(z, 400)), 400, Truncation.NONE, NoiseSpec.random());
			Metrics.quantize8(own.data);
			Dataset same = new Dataset(own.data, 400, 1, 8, DataRange.ofType(DataRange.PixelType.UINT8), null);
			float[] flat = new float[400 * 64];
			Arrays.fill(flat, 0.2f);
			Dataset grey = new Dataset(flat, 400, 1, 8, DataRange.ofType(DataRange.PixelType.UINT8), null);

			Metrics.Options o = new Metrics.Options();
			o.metrics = Arrays.asList("fid", "kid", "pr");
			o.numGenerated = 400;
			o.kidSubsetSize = 100;
			o.kidSubsets = 10;
			List<String> log = new ArrayList<>();
			FeatureStats sameStats = Metrics.cachedRealStats(same, "own", net, 400, 64, dir, logTo(log));
			Metrics.Result near = Metrics.compute(sampler, net, sameStats, o, Progress.NONE);
			Metrics.Result far = Metrics.compute(sampler, net, Metrics.realStats(grey, "grey", net, 400, 64, Progress.NONE), o, Progress.NONE);
			double fidNear = near.values.get("fid"), fidFar = far.values.get("fid");
			assertTrue(fidNear >= 0 && fidNear * 20 < fidFar, "FID own images " + fidNear + " vs grey " + fidFar);
			assertTrue(Math.abs(near.values.get("kid")) * 20 < far.values.get("kid"), near.values + " vs " + far.values);
			assertTrue(near.values.get("precision") > 0.5 && near.values.get("recall") > 0.5, near.values.toString());
			assertEquals(0.0, far.values.get("precision"), 1e-12, "no generated image looks like a flat grey one");

			// same call, same numbers (seeded z and noise)
			assertEquals(fidNear, Metrics.compute(sampler, net, sameStats, o, Progress.NONE).values.get("fid"), 1e-9);
			// second request for the same pixels and network: from the cache, identical
			FeatureStats cached = Metrics.cachedRealStats(same, "own", net, 400, 64, dir, logTo(log));
			assertTrue(log.get(log.size() - 1).contains("from cache"), log.toString());
			assertArrayEquals(sameStats.mean, cached.mean, 1e-12);
		}
	}

	@Test
	void allMetricsRunAndCancelStops() {
		try (StyleGanModel m = TestModels.tiny(8, 1); Sampler sampler = new Sampler(m, Device.cpu()).batchSize(32);
				CnnFeatureNetwork net = CnnFeatureNetwork.create(PathLengthAndSeparabilityTest.tinyNetConfig(8, 1, 3), 6, Device.cpu())) {
			Dataset reals = new Dataset(noise(64 * 64, 3), 64, 1, 8, DataRange.ofType(DataRange.PixelType.UINT8), null);
			FeatureStats rs = Metrics.realStats(reals, "noise", net, 64, 32, Progress.NONE);
			Metrics.Options o = new Metrics.Options();
			o.metrics = new ArrayList<>(Metrics.ALL);
			o.metrics.remove("cls"); // the classifier check is for conditional models (ConditionalTest)
			o.numGenerated = 64;
			o.pplSamples = 20;
			o.lsSamples = 80;
			o.kidSubsetSize = 32;
			o.kidSubsets = 4;
			List<String> stages = new ArrayList<>();
			Metrics.Result r = Metrics.compute(sampler, net, rs, o, (stage, done, total) -> stages.add(stage));
			for (String k : Arrays.asList("fid", "kid", "precision", "recall", "ppl_zfull", "ppl_wfull", "ppl_zend", "ppl_wend", "ls_z", "ls_w"))
				assertTrue(r.values.containsKey(k) && Double.isFinite(r.values.get(k)), k + " in " + r.values);
			assertTrue(r.values.get("ls_z") >= 1 && r.values.get("ls_z") <= 8, "2^ΣH with 3 binary attributes: " + r.values.get("ls_z"));
			assertTrue(stages.stream().anyMatch(s -> s.startsWith("PPL")) && stages.contains("generated images"));

			assertThrows(CancellationException.class, () -> Metrics.compute(sampler, net, rs, o, new Progress() {
				@Override
				public void update(String stage, long done, long total) {}

				@Override
				public boolean cancelled() {
					return true;
				}
			}));
			Metrics.Options bad = new Metrics.Options();
			bad.metrics = Arrays.asList("fid", "is");
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.compute(sampler, net, rs, bad, Progress.NONE));
			assertTrue(e.getMessage().contains("'is'"));
		}
	}

	private static float[] noise(int n, long seed) {
		float[] v = new float[n];
		new NumpyRandom(seed).randnInto(v, 0, n);
		for (int i = 0; i < n; i++) v[i] = Math.max(-1, Math.min(1, v[i] * 0.5f));
		return v;
	}

	private static Progress logTo(java.util.List<String> log) {
		return new Progress() {
			@Override
			public void update(String stage, long done, long total) {}

			@Override
			public void log(String message) {
				log.add(message);
			}
		};
	}
}

package io.github.stylegan4fiji.train;

import ai.djl.Device;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class TrainerTest {

	@TempDir
	Path dir;

	/** n images of one bright Gaussian blob at a random place on a dark background. */
	static Dataset blobs(int n, int res, long seed) {
		NumpyRandom r = new NumpyRandom(seed);
		float[] px = new float[n * res * res];
		for (int i = 0; i < n; i++) {
			double cx = 4 + r.nextDouble() * (res - 8), cy = 4 + r.nextDouble() * (res - 8), s = 1.5 + r.nextDouble();
			for (int y = 0; y < res; y++)
				for (int x = 0; x < res; x++) {
					double v = Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
					px[(i * res + y) * res + x] = (float) (v * 2 - 1);
				}
		}
		return new Dataset(px, n, 1, res, DataRange.ofType(DataRange.PixelType.UINT8), null);
	}

	static StyleGanConfig tinyArch(int res) {
		StyleGanConfig c = StyleGanConfig.tiny(res, 1);
		c.fmapBase = 32;
		c.fmapMax = 8;
		c.latentSize = c.dlatentSize = c.mappingFmaps = 8;
		return c.validate();
	}

	static TrainingOptions progressiveOptions() {
		TrainingOptions o = TrainingOptions.cpu(100, 1, 4);
		o.lodInitialResolution = 4;
		o.r1Interval = 2; // exercises lazy R1 too
		o.snapshotKimg = 1000;
		o.gridSeeds = "0-3";
		return o;
	}

	@Test
	void aRunResumedFromASnapshotSnapshotsWhenDueNotAtItsFirstStep() throws IOException {
		Dataset data = blobs(32, 8, 3);
		TrainingOptions o = TrainingOptions.cpu(0.016, 1, 4); // 4 steps of 4 images
		o.lodInitialResolution = 8;
		o.snapshotKimg = 0.008;
		o.gridSeeds = "0-1";
		try (Trainer t = Trainer.start(tinyArch(8), o, data, dir.resolve("a"), Device.cpu())) {
			t.run(TrainingListener.NONE);
		}
		Path snap = dir.resolve("a").resolve("snapshots").resolve("model-00000.008kimg.zip");
		assertTrue(Files.exists(snap), "three decimals of kimg in snapshot names");
		java.util.List<Path> snaps = new java.util.ArrayList<>();
		try (Trainer t = Trainer.resume(snap, data, dir.resolve("b"), Device.cpu(), 0.020)) {
			t.run(new TrainingListener() {
				@Override
				public void onSnapshot(Path model, Path grid, TrainingStatus s) {
					snaps.add(model.getFileName());
				}
			});
		}
		// due at 0.016 and at the end (0.020); not at 0.012, the first step after 0.008
		assertEquals(java.util.Arrays.asList(Path.of("model-00000.016kimg.zip"), Path.of("model-00000.020kimg.zip")), snaps);
	}

	@Test
	void trainingMovesGeneratedStatisticsTowardTheData() throws IOException {
		Dataset data = blobs(256, 16, 2);
		TrainingOptions o = TrainingOptions.cpu(100, 1, 8);
		o.progressive = false;
		o.lrBase = 0.003;
		o.gEmaKimg = 0.5;
		try (Trainer t = Trainer.start(tinyArch(16), o, data, dir.resolve("run"), Device.cpu())) {
			double[] target = stats(data.meanStd(), brightFraction(data));
			double before = distance(stats(t), target);
			for (int i = 0; i < 400; i++) t.step();
			double after = distance(stats(t), target);
			System.out.printf("generated-vs-data statistics distance: %.4f → %.4f%n", before, after);
			assertTrue(after < 0.5 * before, "before " + before + " after " + after);
		}
	}

	/** (mean, std, fraction of pixels above 0) of 64 G_ema samples. */
	private static double[] stats(Trainer t) {
		io.github.stylegan4fiji.sampling.Images img;
		try (io.github.stylegan4fiji.sampling.Sampler s = t.sampler()) {
			long[] seeds = new long[64];
			for (int i = 0; i < 64; i++) seeds[i] = 1000 + i;
			img = s.generate(seeds, io.github.stylegan4fiji.sampling.Truncation.NONE, io.github.stylegan4fiji.sampling.NoiseSpec.random());
		}
		double sum = 0, sum2 = 0, bright = 0;
		for (float v : img.data) {
			sum += v;
			sum2 += v * v;
			if (v > 0) bright++;
		}
		double mean = sum / img.data.length;
		return new double[] {mean, Math.sqrt(sum2 / img.data.length - mean * mean), bright / img.data.length};
	}

	private static double[] stats(double[] meanStd, double bright) {
		return new double[] {meanStd[0], meanStd[1], bright};
	}

	private static double brightFraction(Dataset d) {
		double b = 0;
		for (int i = 0; i < d.count; i++)
			for (int y = 0; y < d.resolution; y++)
				for (int x = 0; x < d.resolution; x++) if (d.get(i, 0, x, y) > 0) b++;
		return b / ((double) d.count * d.resolution * d.resolution);
	}

	private static double distance(double[] a, double[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
		return Math.sqrt(s);
	}

	@Test
	void runWritesSnapshotsAndStopsOnCancelWithAResumableCheckpoint() throws IOException {
		Dataset data = blobs(64, 8, 3);
		TrainingOptions o = progressiveOptions();
		o.totalKimg = 0.2;
		o.snapshotKimg = 0.1;
		o.metricsKimg = 0.1; // FID against the training images at every snapshot
		o.metricsFeatureNetwork = "models/fashion-mnist-classifier.zip";
		o.metricsImages = 32;
		o.metrics = "fid,ppl_wend";
		Path out = dir.resolve("run");
		int[] statuses = {0};
		try (Trainer t = Trainer.start(tinyArch(8), o, data, out, Device.cpu())) {
			TrainingStatus s = t.run(new TrainingListener() {
				@Override
				public void onStatus(TrainingStatus st) {
					statuses[0]++;
				}
			});
			assertTrue(s.kimg >= 0.2);
		}
		assertTrue(statuses[0] > 0);
		assertTrue(Files.exists(out.resolve(Trainer.CHECKPOINT)));
		try (java.util.stream.Stream<Path> grids = Files.list(out.resolve("grids"))) {
			assertTrue(grids.count() >= 2);
		}
		assertTrue(Files.size(out.resolve("training-log.jsonl")) > 0);
		java.util.List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
		assertTrue(metrics.size() >= 2, metrics.toString());
		for (String line : metrics) {
			com.google.gson.JsonObject values = com.google.gson.JsonParser.parseString(line).getAsJsonObject().getAsJsonObject("values");
			assertTrue(values.get("fid").getAsDouble() > 0 && Double.isFinite(values.get("ppl_wend").getAsDouble()), line);
		}
		// a checkpoint is also a model file
		ModelFile.load(out.resolve(Trainer.CHECKPOINT), Device.cpu()).close();

		// cancel after 5 steps: checkpoint written, resume picks up there
		o.metricsKimg = 0;
		Path out2 = dir.resolve("cancelled");
		int[] calls = {0};
		try (Trainer t = Trainer.start(tinyArch(8), o, data, out2, Device.cpu())) {
			t.run(stopWhen(() -> ++calls[0] > 5));
		}
		try (Trainer r = Trainer.resume(out2.resolve(Trainer.CHECKPOINT), data, out2, Device.cpu(), 0)) {
			assertEquals(5, r.steps());
		}
	}

	@Test
	void divergenceRollsBackToTheLastCheckpointAndDrawsAnew() throws IOException {
		Dataset data = blobs(64, 8, 3);
		TrainingOptions o = progressiveOptions();
		o.totalKimg = 0.06; // 15 steps of 4 images
		o.snapshotKimg = 0.02; // checkpoints after steps 5 and 10
		Path out = dir.resolve("diverging");
		java.util.List<String> log = new java.util.ArrayList<>();
		TrainingListener listener = new TrainingListener() {
			@Override
			public void log(String message) {
				log.add(message);
			}
		};
		try (Trainer t = Trainer.start(tinyArch(8), o, data, out, Device.cpu())) {
			TrainingStatus s = t.run(poisonOnceAfterStep(t, 7, log)); // D's weights NaN before the 8th step
			assertTrue(poisoned[0], "the fault was injected");
			assertTrue(s.kimg >= 0.06);
			assertTrue(Double.isFinite(s.lossG) && Double.isFinite(s.lossD));
			assertEquals(15, t.steps());
		}
		assertTrue(log.stream().anyMatch(l -> l.contains("rolled back to 0.02 kimg")), log.toString());
		try (Trainer r = Trainer.resume(out.resolve(Trainer.CHECKPOINT), data, out, Device.cpu(), 0)) {
			assertEquals(1, r.restarts());
			for (String name : r.model().g().names())
				assertFalse(Double.isNaN(r.model().g().get(name).sum().getFloat()), name);
		}

		// no roll-backs allowed: the run stops with the reason and the checkpoint stays good
		o.maxRollbacks = 0;
		Path out2 = dir.resolve("diverging-stop");
		try (Trainer t = Trainer.start(tinyArch(8), o, data, out2, Device.cpu())) {
			IOException e = assertThrows(IOException.class, () -> t.run(poisonOnceAfterStep(t, 7, null)));
			assertTrue(e.getMessage().contains("diverged"), e.getMessage());
		}
		try (Trainer r = Trainer.resume(out2.resolve(Trainer.CHECKPOINT), data, out2, Device.cpu(), 0)) {
			assertEquals(5, r.steps());
		}
	}

	private final boolean[] poisoned = {false};

	/** A listener that only says when to stop (polled between steps). */
	static TrainingListener stopWhen(java.util.function.BooleanSupplier stop) {
		return new TrainingListener() {
			@Override
			public boolean cancelled() {
				return stop.getAsBoolean();
			}
		};
	}

	/**
	 * Fault injection from outside the trainer: the cancel poll runs between steps, so it can
	 * overwrite D's weights with NaN once, before step {@code after} + 1 (the losses then diverge).
	 */
	private TrainingListener poisonOnceAfterStep(Trainer t, long after, java.util.List<String> log) {
		poisoned[0] = false;
		return new TrainingListener() {
			@Override
			public void log(String message) {
				if (log != null) log.add(message);
			}

			@Override
			public boolean cancelled() {
				if (!poisoned[0] && t.steps() == after) {
					poisoned[0] = true;
					for (String n : t.model().d().names()) {
						float[] nan = new float[(int) t.model().d().get(n).size()];
						java.util.Arrays.fill(nan, Float.NaN);
						t.model().d().get(n).set(nan);
					}
				}
				return false;
			}
		};
	}

	@Test
	void wganGpTrains() throws IOException {
		Dataset data = blobs(64, 8, 5);
		TrainingOptions o = progressiveOptions();
		o.loss = TrainingOptions.Loss.WGAN_GP;
		try (Trainer t = Trainer.start(tinyArch(8), o, data, dir.resolve("wgan"), Device.cpu())) {
			for (int i = 0; i < 30; i++) t.step();
			TrainingStatus s = t.run(stopWhen(() -> true)); // status after the steps, no more steps
			assertTrue(Double.isFinite(s.lossG) && Double.isFinite(s.lossD), s.line());
			assertTrue(s.r1 >= 0, "gradient penalty reported: " + s.r1);
		}
		assertThrows(IllegalArgumentException.class, () -> TrainingOptions.Loss.parse("hinge"));
		// files keep the words users type
		assertTrue(io.github.stylegan4fiji.core.Json.GSON.toJson(o).contains("\"loss\": \"wgan-gp\""));
		assertEquals(TrainingOptions.Loss.LOGISTIC, io.github.stylegan4fiji.core.Json.GSON.fromJson("{\"loss\": \"logistic\"}", TrainingOptions.class).loss);
	}

	@Test
	void badSetupIsReportedBeforeTraining() throws IOException {
		Dataset data = blobs(8, 8, 4);
		Path file = dir.resolve("not-a-folder");
		Files.write(file, new byte[] {1});
		IOException e = assertThrows(IOException.class,
			() -> Trainer.start(tinyArch(8), progressiveOptions(), data, file.resolve("out"), Device.cpu()));
		assertTrue(e.getMessage().contains("cannot be written"), e.getMessage());
		IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
			() -> Trainer.start(tinyArch(16), progressiveOptions(), data, dir.resolve("x"), Device.cpu()));
		assertTrue(wrong.getMessage().contains("8²"), wrong.getMessage());
	}

	@Test
	void scheduleFollowsTheOfficialFormula() {
		TrainingOptions o = new TrainingOptions(); // 600 + 600 kimg per phase from 8²
		assertEquals(2, Schedule.at(0, 5, o).lod, 0); // 32² network starts at 8²: lod 2
		assertEquals(8, Schedule.at(0, 5, o).resolution);
		assertEquals(2, Schedule.at(600, 5, o).lod, 1e-12);
		assertEquals(1.5, Schedule.at(900, 5, o).lod, 1e-12); // halfway through the 16² fade-in
		assertEquals(16, Schedule.at(900, 5, o).resolution);
		assertEquals(1, Schedule.at(1200, 5, o).lod, 1e-12);
		assertEquals(0, Schedule.at(5000, 5, o).lod, 0);
		o.progressive = false;
		assertEquals(0, Schedule.at(0, 5, o).lod, 0);
	}
}

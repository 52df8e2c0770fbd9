package io.github.stylegan4fiji.train;

import ai.djl.Device;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.github.stylegan4fiji.train.TrainerTest.blobs;
import static io.github.stylegan4fiji.train.TrainerTest.progressiveOptions;
import static io.github.stylegan4fiji.train.TrainerTest.tinyArch;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Resume: a checkpoint restores the run's state bit for bit (weights, averaged weights,
 * discriminator, optimiser moments, images shown, data position, phase), and the resumed run then
 * takes exactly the same steps as the uninterrupted one — bit for bit on CPU. (This needed gradients
 * that do not depend on the garbage collector, see {@code Scalars}; and NaN weights must not compare
 * as equal: before the convolution routing both runs here were NaN on affected CPUs and "matched".)
 */
class ResumeTest {

	@TempDir
	Path dir;

	private static void assertSame(Params a, Params b, String what) {
		for (String n : a.names()) assertArrayEquals(a.hostValues(n), b.hostValues(n), 0f, what + " " + n);
	}

	/**
	 * The protocol: 2k steps in one go vs 1k + checkpoint + resume + 1k, compared bit for bit,
	 * with both trainers alive in one process (they must not influence each other).
	 */
	@Test
	void thousandPlusThousandMatchesTwoThousand() throws IOException {
		Dataset data = blobs(500, 8, 2);
		TrainingOptions o = progressiveOptions();
		o.lodTrainingKimg = o.lodTransitionKimg = 1.5; // 2k steps of 4 images: 8 kimg, through two fade-ins
		try (Trainer whole = Trainer.start(tinyArch(8), o, data, dir.resolve("whole"), Device.cpu());
				Trainer first = Trainer.start(tinyArch(8), o, data, dir.resolve("first"), Device.cpu())) {
			for (int i = 0; i < 2000; i++) whole.step();
			for (int i = 0; i < 1000; i++) first.step();
			first.saveCheckpoint(dir.resolve("1k.zip"));
			assertFinite(whole.model().g(), "G");
			assertFinite(whole.model().d(), "D");
			try (Trainer second = Trainer.resume(dir.resolve("1k.zip"), data, dir.resolve("second"), Device.cpu(), 0)) {
				for (int i = 0; i < 1000; i++) second.step();
				assertEquals(whole.kimg(), second.kimg());
				assertEquals(0, whole.schedule().lod, "2k steps should reach full resolution");
				String diff = difference(whole.model().g(), second.model().g()) + difference(whole.model().gEma(), second.model().gEma())
					+ difference(whole.model().d(), second.model().d());
				assertEquals("", diff, "tensors that differ (relative to their magnitude)");
			}
		}
	}

	/** NaN weights would compare as "no difference" below; a diverged run must fail instead. */
	private static void assertFinite(Params p, String what) {
		for (String n : p.names())
			for (float v : p.hostValues(n)) assertTrue(Float.isFinite(v), what + " " + n + " is not finite");
	}

	/** Names of the tensors that differ, with the largest difference relative to the tensor's magnitude. */
	private static String difference(Params a, Params b) {
		StringBuilder sb = new StringBuilder();
		for (String n : a.names()) {
			float[] x = a.hostValues(n), y = b.hostValues(n);
			double scale = 1e-6, diff = 0;
			for (int i = 0; i < x.length; i++) {
				scale = Math.max(scale, Math.abs(x[i]));
				double d = Math.abs(x[i] - y[i]);
				diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d); // NaN must not pass as equal
			}
			if (diff > 0) sb.append(n).append(String.format(java.util.Locale.ROOT, " %.2g; ", diff / scale));
		}
		return sb.toString();
	}

	@Test
	void checkpointRestoresTheRunAndItContinuesTheSame() throws IOException {
		Dataset data = blobs(500, 8, 1);
		TrainingOptions o = progressiveOptions();
		o.lodTrainingKimg = o.lodTransitionKimg = 1; // resumed at 1.2 kimg: inside the fade-in to 8², after an epoch
		try (Trainer run = Trainer.start(tinyArch(8), o, data, dir.resolve("a"), Device.cpu())) {
			for (int i = 0; i < 300; i++) run.step();
			run.saveCheckpoint(dir.resolve("half.zip"));
			try (Trainer resumed = Trainer.resume(dir.resolve("half.zip"), data, dir.resolve("b"), Device.cpu(), 0)) {
				assertEquals(run.steps(), resumed.steps());
				assertEquals(run.kimg(), resumed.kimg());
				assertEquals(run.schedule().lod, resumed.schedule().lod);
				assertSame(run.model().g(), resumed.model().g(), "G");
				assertSame(run.model().gEma(), resumed.model().gEma(), "G_ema");
				assertSame(run.model().d(), resumed.model().d(), "D");
				for (int i = 0; i < 50; i++) {
					run.step();
					resumed.step();
				}
				assertTrue(run.schedule().lod > 0 && run.schedule().lod < 1, "the continuation should run through a fade-in");
				assertFinite(run.model().g(), "G");
				assertFinite(run.model().d(), "D");
				assertSame(run.model().g(), resumed.model().g(), "G");
				assertSame(run.model().gEma(), resumed.model().gEma(), "G_ema");
				assertSame(run.model().d(), resumed.model().d(), "D");
			}
		}
	}
}

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
 * Exact resume: 2k steps in one go equal 1k + checkpoint + resume + 1k, bit for bit. The tests run
 * with OMP_NUM_THREADS=1 (pom.xml): with several threads some libtorch CPU kernels sum in a
 * thread-dependent order, and then even two uninterrupted runs drift apart by rounding.
 */
class ResumeTest {

	@TempDir
	Path dir;

	private static void assertSameWeights(Params a, Params b, String what) {
		for (String n : a.names()) assertArrayEquals(a.hostValues(n), b.hostValues(n), 0f, what + " " + n);
	}

	@Test
	void resumeContinuesExactly() throws IOException {
		int steps = 2000; // 8 kimg at batch 4: fade-ins, optimiser resets and epoch boundaries on both sides
		Dataset data = blobs(500, 8, 1);
		Path a = dir.resolve("a"), b = dir.resolve("b");
		TrainingOptions o = progressiveOptions();
		o.lodTrainingKimg = o.lodTransitionKimg = 3;
		try (Trainer once = Trainer.start(tinyArch(8), o, data, a, Device.cpu())) {
			for (int i = 0; i < steps; i++) once.step();
			try (Trainer first = Trainer.start(tinyArch(8), o, data, b, Device.cpu())) {
				for (int i = 0; i < steps / 2; i++) first.step();
				first.saveCheckpoint(b.resolve("half.zip"));
			}
			try (Trainer second = Trainer.resume(b.resolve("half.zip"), data, b, Device.cpu(), 0)) {
				assertEquals(steps / 2, second.steps());
				for (int i = 0; i < steps / 2; i++) second.step();
				assertEquals(0, once.schedule().lod, 0, "the run should have grown to full resolution");
				assertEquals(once.kimg(), second.kimg());
				assertSameWeights(once.model().g(), second.model().g(), "G");
				assertSameWeights(once.model().gEma(), second.model().gEma(), "G_ema");
				assertSameWeights(once.model().d(), second.model().d(), "D");
			}
		}
	}

}

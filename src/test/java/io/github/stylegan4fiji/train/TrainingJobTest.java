package io.github.stylegan4fiji.train;

import ai.djl.Device;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.io.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The run both front ends build: new runs, and resumes that keep the checkpoint's architecture and length. */
class TrainingJobTest {

	@TempDir
	Path dir;

	private Path images() throws Exception {
		Path folder = dir.resolve("images");
		Files.createDirectories(folder);
		NumpyRandom r = new NumpyRandom(3);
		for (int i = 0; i < 16; i++) {
			byte[] px = new byte[64];
			for (int j = 0; j < px.length; j++) px[j] = (byte) (r.nextDouble() < 0.3 ? 200 : 20);
			assertTrue(new FileSaver(new ImagePlus("i", new ByteProcessor(8, 8, px))).saveAsPng(folder.resolve("i" + i + ".png").toString()));
		}
		return folder;
	}

	private TrainingJob job(Path data, Path out) {
		TrainingJob j = new TrainingJob();
		j.data = data;
		j.out = out;
		j.device = Device.cpu();
		j.architecture = TrainerTest.tinyArch(8);
		j.options = TrainingOptions.cpu(TrainingJob.DEFAULT_KIMG, 1, 4);
		j.options.lodInitialResolution = 8;
		j.options.snapshotKimg = 1000;
		j.options.gridSeeds = "0-1";
		return j;
	}

	@Test
	void aResumeKeepsTheCheckpointsArchitectureAndLengthUnlessTheLengthIsGiven() throws Exception {
		Path data = images();
		TrainingJob first = job(data, dir.resolve("a"));
		first.totalKimg = 0.008;
		TrainingStatus s = first.run(TrainingListener.NONE);
		assertEquals(0.008, s.kimg, 1e-9);
		Path ckpt = dir.resolve("a").resolve(Trainer.CHECKPOINT);

		// resumed with the front ends' defaults (resolution 32 in the fields, no length): the checkpoint's 8² and 0.008 kimg
		TrainingJob again = job(data, dir.resolve("b"));
		again.architecture.resolution = 32;
		again.resume = ckpt;
		TrainingStatus same = again.run(TrainingListener.NONE);
		assertEquals(0.008, same.kimg, 1e-9, "nothing to do: the stored length is reached");
		assertEquals(0.008, ModelFile.readManifest(dir.resolve("b").resolve(Trainer.CHECKPOINT)).progress.kimg, 1e-9);

		TrainingJob longer = job(data, dir.resolve("c"));
		longer.resume = ckpt;
		longer.totalKimg = 0.016;
		assertEquals(0.016, longer.run(TrainingListener.NONE).kimg, 1e-9, "an explicit length extends the run");

		TrainingJob wrong = job(data, dir.resolve("d"));
		wrong.resume = ckpt;
		wrong.requestedResolution = 16;
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.run(TrainingListener.NONE));
		assertTrue(e.getMessage().contains("8² model"), e.getMessage());
	}
}

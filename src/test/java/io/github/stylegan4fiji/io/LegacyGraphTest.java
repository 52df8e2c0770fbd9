package io.github.stylegan4fiji.io;

import ai.djl.Device;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Model files written before the graph fix (format version 1) keep rendering what they rendered:
 * the then shipped model's images for seeds 0–3 were saved by the old code (commit d8a6fe1, batch 1) in
 * src/test/resources/legacy, next to that model (the default until December 2026); new files carry
 * graph version 2.
 */
class LegacyGraphTest {

	private static final Path LEGACY_MODEL = Paths.get("src", "test", "resources", "legacy", "fashion-mnist-32-v1.zip");

	@TempDir
	Path dir;

	@Test
	void formatVersion1FilesRenderAsBefore() throws Exception {
		Path model = LEGACY_MODEL;
		assertEquals(1, ModelFile.readManifest(model).formatVersion);
		float[] before = SafeTensors.read(Files.readAllBytes(Paths.get("src", "test", "resources", "legacy",
			"fashion-mnist-32-v1-seeds0-3.safetensors")), "legacy").get("images").data;
		try (StyleGanModel m = ModelFile.load(model, Device.cpu()); Sampler s = new Sampler(m, Device.cpu()).batchSize(4)) {
			assertEquals(1, m.config.graphVersion, "a version-1 file is read as graph 1");
			Images now = s.generate(new long[] {0, 1, 2, 3}, new Truncation(0.7, 0), NoiseSpec.constant());
			assertArrayEquals(before, now.data, 2e-5f);
			// and the official graph would render something else from the same weights
			m.config.graphVersion = 2;
			Images official = s.generate(new long[] {0, 1, 2, 3}, new Truncation(0.7, 0), NoiseSpec.constant());
			double maxDiff = 0;
			for (int i = 0; i < before.length; i++) maxDiff = Math.max(maxDiff, Math.abs(before[i] - official.data[i]));
			assertTrue(maxDiff > 1e-3, "graph 2 differs from graph 1 on these weights: " + maxDiff);
		}
	}

	@Test
	void newFilesCarryGraphVersion2AndKeepIt() throws Exception {
		Path file = dir.resolve("m.zip");
		StyleGanConfig c = StyleGanConfig.tiny(16, 1);
		assertEquals(StyleGanConfig.CURRENT_GRAPH, c.graphVersion);
		try (StyleGanModel m = TestModels.tiny(c)) {
			ModelFile.save(m, file);
		}
		ModelFile.Manifest man = ModelFile.readManifest(file);
		assertEquals(ModelFile.FORMAT_VERSION, man.formatVersion);
		assertEquals(2, man.config.graphVersion);
		// a graph-1 model saved again (e.g. a resumed old run) stays graph 1
		try (StyleGanModel m = ModelFile.load(LEGACY_MODEL, Device.cpu())) {
			ModelFile.saveForSampling(m, dir.resolve("old.zip"));
		}
		assertEquals(1, ModelFile.readManifest(dir.resolve("old.zip")).config.graphVersion);
		try (StyleGanModel m = ModelFile.load(dir.resolve("old.zip"), Device.cpu())) {
			assertEquals(1, m.config.graphVersion);
		}
	}
}

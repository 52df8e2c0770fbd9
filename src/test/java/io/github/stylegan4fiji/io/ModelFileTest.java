package io.github.stylegan4fiji.io;

import ai.djl.Device;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class ModelFileTest {

	@TempDir
	Path dir;

	@Test
	void roundTripIsBitIdentical() throws IOException {
		Path file = dir.resolve("m.zip");
		long[] seeds = {1, 2, 3};
		try (StyleGanModel m = TestModels.tiny(16, 3)) {
			m.progress.kimg = 12.5;
			m.dataRange.low = 100;
			m.dataRange.high = 4000;
			m.dataRange.pixelType = DataRange.PixelType.UINT16;
			m.dataRange.normalization = DataRange.Normalization.PERCENTILE;
			float[] before;
			try (Sampler s = new Sampler(m, Device.cpu())) {
				before = s.generate(seeds, new Truncation(0.7, 0), NoiseSpec.constant()).data;
			}
			ModelFile.save(m, file);
			try (StyleGanModel back = ModelFile.load(file, Device.cpu()); Sampler s = new Sampler(back, Device.cpu())) {
				assertArrayEquals(before, s.generate(seeds, new Truncation(0.7, 0), NoiseSpec.constant()).data, 0f);
				for (String name : m.d().names())
					assertArrayEquals(m.d().hostValues(name), back.d().hostValues(name), 0f, name);
				for (String name : m.g().names())
					assertArrayEquals(m.g().hostValues(name), back.g().hostValues(name), 0f, name);
				assertEquals(12.5, back.progress.kimg);
				assertEquals(DataRange.PixelType.UINT16, back.dataRange.pixelType);
				assertEquals(DataRange.Normalization.PERCENTILE, back.dataRange.normalization);
				assertEquals(4000, back.dataRange.high);
				assertEquals(m.config.toString(), back.config.toString());
			}
		}
		// the manifest keeps the keys users and earlier versions wrote, not the Java constant names
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
			String manifest = new String(ModelFile.readEntry(zip, ModelFile.MANIFEST, "test"), StandardCharsets.UTF_8);
			assertTrue(manifest.contains("\"pixel_type\": \"uint16\""), manifest);
			assertTrue(manifest.contains("\"normalization\": \"percentile\""), manifest);
		}
		// no temporary file left behind
		try (java.util.stream.Stream<Path> files = Files.list(dir)) {
			assertEquals(1, files.count());
		}
	}

	@Test
	void samplingOnlyFilesHoldGemaAndSampleIdentically() throws IOException {
		Path full = dir.resolve("full.zip"), small = dir.resolve("small.zip");
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			ModelFile.save(m, full);
			ModelFile.saveForSampling(m, small);
		}
		assertTrue(Files.size(small) < Files.size(full) / 2);
		try (StyleGanModel a = ModelFile.load(full, Device.cpu()); StyleGanModel b = ModelFile.load(small, Device.cpu());
				Sampler sa = new Sampler(a, Device.cpu()); Sampler sb = new Sampler(b, Device.cpu())) {
			assertTrue(a.canTrain());
			assertFalse(b.canTrain());
			assertThrows(IllegalStateException.class, b::d);
			long[] seeds = {1, 2};
			assertArrayEquals(sa.generate(seeds, new Truncation(0.7, 0), NoiseSpec.constant()).data,
				sb.generate(seeds, new Truncation(0.7, 0), NoiseSpec.constant()).data, 0f);
		}
	}

	@Test
	void officialNamesAndSafetensorsLayout() throws IOException {
		Path file = dir.resolve("m.zip");
		try (StyleGanModel m = TestModels.tiny(8, 1)) {
			ModelFile.save(m, file);
		}
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
			byte[] g = ModelFile.readEntry(zip, "G.safetensors", "test");
			Map<String, SafeTensors.Tensor> t = SafeTensors.read(g, "G");
			assertTrue(t.containsKey("G_mapping/Dense0/weight"));
			assertTrue(t.containsKey("G_synthesis/4x4/Const/const"));
			assertTrue(t.containsKey("G_synthesis/8x8/Conv0_up/Noise/weight"));
			assertTrue(t.containsKey("G_synthesis/ToRGB_lod0/weight"));
			assertTrue(t.containsKey("G_synthesis/noise0"));
			assertTrue(t.containsKey("dlatent_avg"));
			assertArrayEquals(new long[] {16, 16, 3, 3}, t.get("G_synthesis/8x8/Conv1/weight").shape);
			assertEquals("G", SafeTensors.metadata(g).get("network"));
			Map<String, SafeTensors.Tensor> d = SafeTensors.read(ModelFile.readEntry(zip, "D.safetensors", "test"), "D");
			assertTrue(d.containsKey("D/FromRGB_lod0/weight"));
			assertTrue(d.containsKey("D/8x8/Conv1_down/weight"));
			assertTrue(d.containsKey("D/4x4/Dense1/bias"));
			// header length is 8-aligned so the data is too
			long headerLen = java.nio.ByteBuffer.wrap(g).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
			assertEquals(0, headerLen % 8);
		}
	}

	private static String loadError(Path file) {
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file, Device.cpu()));
		assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
		return e.getMessage();
	}

	@Test
	void nonFiniteWeightsAreRejectedNamingTheTensor() throws IOException {
		Path file = dir.resolve("nan.zip");
		try (StyleGanModel m = TestModels.tiny(8, 1)) {
			float[] v = m.gEma().hostValues("G_synthesis/4x4/Conv/weight");
			v[3] = Float.NaN;
			v[5] = Float.POSITIVE_INFINITY;
			m.gEma().get("G_synthesis/4x4/Conv/weight").set(v);
			ModelFile.save(m, file);
		}
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(file, ai.djl.Device.cpu()));
		assertTrue(e.getMessage().contains("G_synthesis/4x4/Conv/weight") && e.getMessage().contains("2 NaN/infinite"), e.getMessage());
		assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
	}

	@Test
	void badFilesAreRejectedWithAClearMessage() throws IOException {
		Path good = dir.resolve("good.zip");
		try (StyleGanModel m = TestModels.tiny(8, 1)) {
			ModelFile.save(m, good);
		}
		byte[] bytes = Files.readAllBytes(good);

		assertTrue(loadError(dir.resolve("missing.zip")).contains("not found"));
		assertTrue(loadError(dir).contains("folder"));

		Path truncated = dir.resolve("truncated.zip");
		Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
		assertTrue(loadError(truncated).matches("(?s).*(truncated|corrupted).*"));

		Path corrupted = dir.resolve("corrupted.zip");
		byte[] c = bytes.clone();
		for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) c[i] ^= 0x5A;
		Files.write(corrupted, c);
		assertTrue(loadError(corrupted).matches("(?s).*(corrupted|truncated|not valid|malformed|bad).*"));

		Path text = dir.resolve("notes.zip");
		Files.write(text, "hello".getBytes(StandardCharsets.UTF_8));
		assertTrue(loadError(text).contains("not a zip"));

		Path foreign = dir.resolve("foreign.zip");
		try (OutputStream os = Files.newOutputStream(foreign); ZipOutputStream zip = new ZipOutputStream(os)) {
			zip.putNextEntry(new ZipEntry("model.pt"));
			zip.write(new byte[] {1, 2, 3});
			zip.closeEntry();
		}
		assertTrue(loadError(foreign).contains("not a StyleGAN-for-Fiji model"));

		Path wrongShape = dir.resolve("wrong.zip");
		rewrite(good, wrongShape, "stylegan.json", s -> s.replace("\"channels\": 1", "\"channels\": 2"));
		assertTrue(loadError(wrongShape).contains("has shape"));

		Path unknownType = dir.resolve("type.zip");
		rewrite(good, unknownType, "stylegan.json", s -> s.replace("\"pixel_type\": \"uint8\"", "\"pixel_type\": \"int4\""));
		assertTrue(loadError(unknownType).contains("pixel_type must be uint8, uint16 or float32"));

		Path newer = dir.resolve("newer.zip");
		rewrite(good, newer, "stylegan.json", s -> s.replace("\"format_version\": " + ModelFile.FORMAT_VERSION, "\"format_version\": 99"));
		assertTrue(loadError(newer).contains("format version 99"));
	}

	/** Copies a zip, passing one text entry through an edit. */
	private static void rewrite(Path from, Path to, String entry, java.util.function.UnaryOperator<String> edit)
			throws IOException {
		Map<String, byte[]> entries = new LinkedHashMap<>();
		try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(from.toFile())) {
			for (ZipEntry e : java.util.Collections.list(zip.entries())) entries.put(e.getName(), ModelFile.readEntry(zip, e.getName(), "t"));
		}
		entries.put(entry, edit.apply(new String(entries.get(entry), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
		try (OutputStream os = Files.newOutputStream(to); ZipOutputStream zip = new ZipOutputStream(os)) {
			for (Map.Entry<String, byte[]> e : entries.entrySet()) {
				zip.putNextEntry(new ZipEntry(e.getKey()));
				zip.write(e.getValue());
				zip.closeEntry();
			}
		}
	}
}

package io.github.stylegan4fiji.data;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.ShortProcessor;
import io.github.stylegan4fiji.core.DataRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageFolderTest {

	@TempDir
	Path dir;

	private static void save16(Path file, int w, int h, int pages, int channels, int base) {
		ImageStack st = new ImageStack(w, h);
		for (int p = 0; p < pages * channels; p++) {
			short[] px = new short[w * h];
			for (int i = 0; i < px.length; i++) px[i] = (short) (base + 100 * p + i);
			st.addSlice(new ShortProcessor(w, h, px, null));
		}
		ImagePlus imp = new ImagePlus("t", st);
		imp.setDimensions(channels, 1, pages);
		assertTrue(new FileSaver(imp).saveAsTiffStack(file.toString()));
	}

	private static List<String> log = new ArrayList<>();

	@Test
	void streamingFromDiskGivesTheSameDatasetAsMemory() throws IOException {
		Path images = dir.resolve("images");
		Files.createDirectories(images);
		save16(images.resolve("a.tif"), 16, 16, 3, 2, 1000);
		save16(images.resolve("b.tif"), 16, 16, 2, 2, 3000);
		for (String norm : new String[] {"percentile", "minmax", "type"}) {
			ImageFolder.Options o = new ImageFolder.Options();
			o.normalization = DataRange.Normalization.parse(norm);
			Dataset mem = ImageFolder.load(images, 8, o, log::add);
			o.streamCache = dir.resolve("cache-" + norm + ".f32");
			Dataset disk = ImageFolder.load(images, 8, o, log::add);
			assertEquals(mem.count, disk.count);
			assertEquals(mem.range.low, disk.range.low, 0, norm);
			assertEquals(mem.range.high, disk.range.high, 0, norm);
			assertEquals(mem.contentHash(), disk.contentHash(), norm);
			float[] a = new float[mem.imageSize()], b = new float[mem.imageSize()];
			mem.copyImage(4, true, a, 0);
			disk.copyImage(4, true, b, 0);
			assertArrayEquals(a, b);
			assertEquals(4L * mem.count * mem.imageSize(), Files.size(o.streamCache));
		}
	}

	@Test
	void mappedStoreReadsAcrossWindows() throws IOException {
		Path f = dir.resolve("values.f32");
		java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * 100).order(java.nio.ByteOrder.LITTLE_ENDIAN);
		for (int i = 0; i < 100; i++) b.putFloat(i * 0.5f);
		Files.write(f, b.array());
		PixelStore s = PixelStore.mapped(f, 4); // windows of 16 values: reads below span several
		assertEquals(100, s.size());
		float[] out = new float[40];
		s.copy(10, out, 0, 40);
		for (int i = 0; i < 40; i++) assertEquals((10 + i) * 0.5f, out[i]);
		s.copy(96, out, 3, 4);
		assertEquals(48f, out[3]);
		assertEquals(49.5f, out[6]);
	}

	@Test
	void readsSixteenBitMultiPageMultiChannelTiffs() throws IOException {
		save16(dir.resolve("a.tif"), 16, 16, 3, 2, 1000); // 3 pages × 2 channels
		save16(dir.resolve("b.tif"), 24, 16, 1, 2, 2000); // non-square: cropped
		ImageFolder.Options o = new ImageFolder.Options();
		o.normalization = DataRange.Normalization.MINMAX;
		Dataset d = ImageFolder.load(dir, 8, o, log::add);
		assertEquals(4, d.count);
		assertEquals(2, d.channels);
		assertEquals(8, d.resolution);
		assertEquals(DataRange.PixelType.UINT16, d.range.pixelType);
		assertEquals("a.tif page 2", d.sources.get(1));
		assertTrue(d.range.low >= 1000 && d.range.high <= 2000 + 100 + 24 * 16, d.range.low + " " + d.range.high);
		for (int i = 0; i < d.count; i++)
			for (int c = 0; c < 2; c++)
				for (int y = 0; y < 8; y++)
					for (int x = 0; x < 8; x++) {
						float v = d.get(i, c, x, y);
						assertTrue(v >= -1 && v <= 1);
					}
		// the first image is darker than the last: intensity order survives normalisation
		assertTrue(d.get(0, 0, 0, 0) < d.get(3, 0, 0, 0));
		// back to data values through the stored range
		double back = d.range.toData(d.get(0, 0, 0, 0));
		assertTrue(back >= 1000 && back < 1400, "" + back);
		assertTrue(log.stream().anyMatch(l -> l.contains("4 images")));
	}

	@Test
	void pngRgbAndFits() throws IOException {
		ColorProcessor cp = new ColorProcessor(20, 10);
		cp.setColor(new java.awt.Color(200, 100, 50));
		cp.fill();
		assertTrue(new FileSaver(new ImagePlus("c", cp)).saveAsPng(dir.resolve("c.png").toString()));
		for (ImageFolder.Fit fit : ImageFolder.Fit.values()) {
			ImageFolder.Options o = new ImageFolder.Options();
			o.fit = fit;
			Dataset d = ImageFolder.load(dir, 8, o, log::add);
			assertEquals(3, d.channels);
			assertEquals(DataRange.PixelType.UINT8, d.range.pixelType);
			assertEquals(200, d.range.toData(d.get(0, 0, 4, 4)), 1.0, fit.name());
			assertEquals(50, d.range.toData(d.get(0, 2, 4, 4)), 1.0, fit.name());
		}
	}

	@Test
	void problemsAreReportedWithFileNamesBeforeTraining() throws IOException {
		IOException empty = assertThrows(IOException.class, () -> ImageFolder.load(dir, 8, new ImageFolder.Options(), log::add));
		assertTrue(empty.getMessage().contains("No images"), empty.getMessage());
		assertThrows(IOException.class, () -> ImageFolder.load(dir.resolve("nope"), 8, new ImageFolder.Options(), log::add));

		assertTrue(new FileSaver(new ImagePlus("g", new ByteProcessor(8, 8))).saveAsPng(dir.resolve("gray.png").toString()));
		assertTrue(new FileSaver(new ImagePlus("g2", new ByteProcessor(8, 8))).saveAsPng(dir.resolve("gray2.png").toString()));
		assertTrue(new FileSaver(new ImagePlus("rgb", new ColorProcessor(8, 8))).saveAsPng(dir.resolve("rgb.png").toString()));
		Files.write(dir.resolve("broken.tif"), new byte[] {1, 2, 3, 4});
		IOException mixed = assertThrows(IOException.class, () -> ImageFolder.load(dir, 8, new ImageFolder.Options(), log::add));
		assertTrue(mixed.getMessage().contains("broken.tif"), mixed.getMessage());
		assertTrue(mixed.getMessage().contains("rgb.png: 3 channel(s)"), mixed.getMessage());

		ImageFolder.Options skip = new ImageFolder.Options();
		skip.skipBad = true;
		Dataset d = ImageFolder.load(dir, 8, skip, log::add);
		assertEquals(2, d.count);
		assertTrue(log.stream().anyMatch(l -> l.startsWith("Skipping 2 file(s)")));
	}
}

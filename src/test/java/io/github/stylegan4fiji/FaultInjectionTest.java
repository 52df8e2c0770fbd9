package io.github.stylegan4fiji;

import ai.djl.Device;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.io.ModelFormatException;
import io.github.stylegan4fiji.train.Trainer;
import io.github.stylegan4fiji.train.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Fault injection: damaged files, bad data, two writers, and a process killed (SIGKILL) in the middle
 * of a write. Every fault must end in a message that names the file and what is wrong, with nothing
 * corrupted or lost; none may end in a stack trace, a silent success or a half-written file.
 */
class FaultInjectionTest {

	@TempDir
	Path dir;

	// ---- two writers -------------------------------------------------------------------------------

	@Test
	void aFolderHeldByAnotherProcessIsRefusedUntilThatProcessDiesEvenByKill9() throws Exception {
		Path out = dir.resolve("run");
		Process child = child("hold-lock", out.toString());
		try {
			assertEquals("locked", readLine(child), "the child did not take the lock");
			IOException e = assertThrows(IOException.class, () -> FolderLock.acquire(out, "training"));
			assertTrue(e.getMessage().contains("pid " + child.pid()) && e.getMessage().contains("in use"), e.getMessage());
			// a training into the same folder is refused before it touches anything
			assertThrows(IOException.class, () -> Trainer.start(tinyArch(), options(), data(8), out, Device.cpu()));
		} finally {
			child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
			assertTrue(child.waitFor(30, TimeUnit.SECONDS));
		}
		try (FolderLock lock = FolderLock.acquire(out, "training")) { // the system released the dead holder's lock
			assertNotNull(lock);
		}
	}

	@Test
	void anotherThreadOfThisProgramIsRefusedTheSameThreadReenters() throws Exception {
		Path out = dir.resolve("run");
		try (FolderLock outer = FolderLock.acquire(out, "command"); FolderLock inner = FolderLock.acquire(out, "trainer")) {
			AtomicReference<Throwable> other = new AtomicReference<>();
			Thread t = new Thread(() -> {
				try (FolderLock l = FolderLock.acquire(out, "second command")) {
					other.set(null);
				} catch (Throwable e) {
					other.set(e);
				}
			});
			t.start();
			t.join();
			assertTrue(other.get() instanceof IOException && other.get().getMessage().contains("in use"), String.valueOf(other.get()));
		}
		try (FolderLock again = FolderLock.acquire(out, "later")) { // both holds released
			assertNotNull(again);
		}
	}

	// ---- atomic writes ----------------------------------------------------------------------------

	@Test
	void aWriteKilledHalfwayLeavesNoFileUnderTheFinalNameAndTheLeftoverIsCleanedUp() throws Exception {
		Path target = dir.resolve("model.zip");
		Process child = child("slow-write", target.toString());
		try {
			assertEquals("writing", readLine(child));
		} finally {
			child.destroyForcibly();
			assertTrue(child.waitFor(30, TimeUnit.SECONDS));
		}
		assertFalse(Files.exists(target), "a killed write must not leave a file under the final name");
		assertEquals(1, AtomicFiles.removeLeftovers(dir), "the .part file of the killed write");
		try (Stream<Path> s = Files.list(dir)) {
			assertEquals(0, s.count());
		}
	}

	@Test
	void modelFilesAreReadableByOthers() throws Exception {
		Path f = dir.resolve("m.zip");
		try (StyleGanModel m = TestModels.tiny(8, 1)) {
			ModelFile.save(m, f);
		}
		assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
	}

	// ---- damaged model files ----------------------------------------------------------------------

	@Test
	void aZipBombAndAnEntryClaimingTwoGigabytesAreRefusedBeforeAllocation() throws Exception {
		Path good = dir.resolve("good.zip");
		try (StyleGanModel m = TestModels.tiny(8, 1)) {
			ModelFile.saveForSampling(m, good);
		}
		// bomb: the weights entry replaced by 200 MB of zeros (a few hundred KB compressed)
		Path bomb = dir.resolve("bomb.zip");
		try (ZipFile in = new ZipFile(good.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(bomb))) {
			for (Enumeration<? extends ZipEntry> en = in.entries(); en.hasMoreElements(); ) {
				ZipEntry e = en.nextElement();
				out.putNextEntry(new ZipEntry(e.getName()));
				if (e.getName().endsWith(".safetensors")) {
					byte[] zeros = new byte[1 << 20];
					for (int i = 0; i < 200; i++) out.write(zeros);
				} else {
					out.write(in.getInputStream(e).readAllBytes());
				}
				out.closeEntry();
			}
		}
		ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(bomb, Device.cpu()).close());
		assertTrue(e.getMessage().contains(bomb.toString()) && e.getMessage().contains("zip bomb"), e.getMessage());

		// an entry whose directory record claims 2 GiB - 1 bytes
		Path claim = dir.resolve("claim.zip");
		byte[] z = Files.readAllBytes(good);
		patchCentralDirectorySize(z, "G_ema.safetensors", Integer.MAX_VALUE);
		Files.write(claim, z);
		e = assertThrows(ModelFormatException.class, () -> ModelFile.load(claim, Device.cpu()).close());
		assertTrue(e.getMessage().contains("claims 2147483647 bytes"), e.getMessage());
	}

	/** Sets the uncompressed size of one entry in the zip's central directory. */
	private static void patchCentralDirectorySize(byte[] zip, String name, int size) {
		byte[] n = name.getBytes(StandardCharsets.UTF_8);
		for (int i = 0; i + 46 < zip.length; i++) {
			if (zip[i] == 0x50 && zip[i + 1] == 0x4b && zip[i + 2] == 0x01 && zip[i + 3] == 0x02) {
				int nameLen = (zip[i + 28] & 0xFF) | (zip[i + 29] & 0xFF) << 8;
				if (nameLen == n.length && new String(zip, i + 46, nameLen, StandardCharsets.UTF_8).equals(name)) {
					for (int k = 0; k < 4; k++) zip[i + 24 + k] = (byte) (size >>> (8 * k));
					return;
				}
			}
		}
		fail("entry " + name + " not found");
	}

	@Test
	void damagedTrainingStateIsAMessageNamingTheFileAndField() throws Exception {
		Path ckpt = dir.resolve("ckpt.zip");
		Dataset data = data(8);
		try (Trainer t = Trainer.start(tinyArch(), options(), data, dir.resolve("a"), Device.cpu())) {
			t.step();
			t.saveCheckpoint(ckpt);
		}
		String[][] damages = {
			{"train/state.json", "{ not json", "not valid JSON"},
			{"train/state.json", null, "without training state"},
			{"train/adam_G.safetensors", null, "adam_G.safetensors is missing"},
			{"train/state.json", "NEGATIVE_POSITION", "data position -5"},
		};
		int k = 0;
		for (String[] d : damages) {
			Path bad = dir.resolve("bad" + k++ + ".zip");
			rewrite(ckpt, bad, d[0], d[1]);
			Path out = dir.resolve("resume" + k);
			Exception e = assertThrows(ModelFormatException.class, () -> Trainer.resume(bad, data, out, Device.cpu(), 0).close());
			assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains(d[2]), e.getMessage());
			try (FolderLock l = FolderLock.acquire(out, "check")) { // a failed resume released its lock
				assertNotNull(l);
			}
		}
	}

	/** Copies a zip, replacing (or with null dropping) one entry; NEGATIVE_POSITION edits state.json. */
	private static void rewrite(Path in, Path out, String entry, String content) throws IOException {
		try (ZipFile z = new ZipFile(in.toFile()); ZipOutputStream o = new ZipOutputStream(Files.newOutputStream(out))) {
			for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
				ZipEntry e = en.nextElement();
				byte[] bytes = z.getInputStream(e).readAllBytes();
				if (e.getName().equals(entry)) {
					if (content == null) continue;
					bytes = content.equals("NEGATIVE_POSITION")
						? new String(bytes, StandardCharsets.UTF_8).replaceFirst("\"position\": \\d+", "\"position\": -5").getBytes(StandardCharsets.UTF_8)
						: content.getBytes(StandardCharsets.UTF_8);
				}
				o.putNextEntry(new ZipEntry(e.getName()));
				o.write(bytes);
				o.closeEntry();
			}
		}
	}

	// ---- bad training data ------------------------------------------------------------------------

	@Test
	void truncatedNonFiniteAndTinyImagesAreNamedBeforeTraining() throws Exception {
		Path folder = dir.resolve("data");
		Files.createDirectories(folder);
		for (int i = 0; i < 3; i++) saveFloat(folder.resolve("ok" + i + ".tif"), 16, 0.5f);
		Path cut = folder.resolve("cut.tif");
		saveFloat(cut, 16, 0.25f);
		try (RandomAccessFile f = new RandomAccessFile(cut.toFile(), "rw")) {
			f.setLength(f.length() - 16 * 16 * 2); // half the pixels gone
		}
		FloatProcessor nan = new FloatProcessor(16, 16);
		nan.setf(3, 3, Float.NaN);
		nan.setf(4, 4, Float.POSITIVE_INFINITY);
		assertTrue(new FileSaver(new ImagePlus("n", nan)).saveAsTiff(folder.resolve("nan.tif").toString()));
		ImageFolder.Options o = new ImageFolder.Options();
		IOException e = assertThrows(IOException.class, () -> ImageFolder.load(folder, 16, o, s -> { }));
		String m = e.getMessage();
		assertTrue(m.contains("cut.tif: truncated"), m);
		assertTrue(m.contains("nan.tif: 1 NaN and 1 infinite pixel value(s)"), m);
		assertTrue(m.contains("2 of 5 files"), m);

		// skipping them works; a 1×1 image is used but named in a warning
		saveFloat(folder.resolve("dot.tif"), 1, 0.75f);
		o.skipBad = true;
		List<String> log = new ArrayList<>();
		Dataset d = ImageFolder.load(folder, 16, o, log::add);
		assertEquals(4, d.count);
		assertTrue(String.join("\n", log).contains("dot.tif (1×1)"), String.join("\n", log));
	}

	@Test
	void palettePngsGiveTheirColoursNotTheirIndices() throws Exception {
		Path folder = dir.resolve("palette");
		Files.createDirectories(folder);
		byte[] grey = new byte[256], ramp = new byte[256], zero = new byte[256];
		for (int i = 0; i < 256; i++) {
			grey[i] = (byte) (255 - i); // index i shows grey 255 − i
			ramp[i] = (byte) i;
		}
		for (int k = 0; k < 2; k++) indexedPng(folder.resolve("p" + k + ".png"), k == 0 ? 10 : 200, grey, grey, grey);
		ImageFolder.Options o = new ImageFolder.Options();
		o.normalization = DataRange.Normalization.TYPE;
		Dataset d = ImageFolder.load(folder, 8, o, s -> { });
		assertEquals(1, d.channels);
		float[] page = new float[64];
		d.copyImage(0, false, page, 0);
		assertEquals(245 / 127.5 - 1, page[0], 1e-5, "grey 255 − 10 = 245, not the index 10");

		Path colour = dir.resolve("colour");
		Files.createDirectories(colour);
		indexedPng(colour.resolve("c.png"), 100, ramp, zero, zero); // index 100 is dark red
		Dataset c = ImageFolder.load(colour, 8, o, s -> { });
		assertEquals(3, c.channels, "a coloured palette gives RGB");
		float[] rgb = new float[3 * 64];
		c.copyImage(0, false, rgb, 0);
		assertEquals(100 / 127.5 - 1, rgb[0], 1e-5);
		assertEquals(-1, rgb[64], 1e-5);
	}

	/** An 8-bit indexed PNG (palette), written by the JDK, not by ImageJ. */
	private static void indexedPng(Path p, int index, byte[] r, byte[] g, byte[] b) throws IOException {
		java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(8, 256, r, g, b);
		java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_INDEXED, cm);
		for (int y = 0; y < 8; y++)
			for (int x = 0; x < 8; x++) img.getRaster().setSample(x, y, 0, index);
		assertTrue(javax.imageio.ImageIO.write(img, "png", p.toFile()));
	}

	@Test
	void aResolutionTooLargeForMemoryFailsBeforeDecoding() throws Exception {
		Path folder = dir.resolve("many");
		Files.createDirectories(folder);
		for (int i = 0; i < 40; i++) saveFloat(folder.resolve("i" + i + ".tif"), 8, 0.5f);
		long heap = Runtime.getRuntime().maxMemory();
		int res = 1024;
		while ((long) 40 * res * res * 8 < heap) res *= 2; // make 40 images not fit
		int tooLarge = res;
		long t0 = System.nanoTime();
		IOException e = assertThrows(IOException.class, () -> ImageFolder.load(folder, tooLarge, new ImageFolder.Options(), s -> { }));
		assertTrue(e.getMessage().contains("Java memory") && e.getMessage().contains("--stream"), e.getMessage());
		assertTrue((System.nanoTime() - t0) / 1e9 < 5, "must fail before decoding");
	}

	// ---- helpers -----------------------------------------------------------------------------------

	private static void saveFloat(Path p, int size, float v) {
		FloatProcessor fp = new FloatProcessor(size, size);
		for (int i = 0; i < size * size; i++) fp.setf(i, v + 0.01f * (i % 7));
		assertTrue(new FileSaver(new ImagePlus("f", fp)).saveAsTiff(p.toString()));
	}

	private static StyleGanConfig tinyArch() {
		StyleGanConfig c = StyleGanConfig.tiny(8, 1);
		c.fmapBase = 32;
		c.fmapMax = 8;
		c.latentSize = c.dlatentSize = c.mappingFmaps = 8;
		return c.validate();
	}

	private static TrainingOptions options() {
		TrainingOptions o = TrainingOptions.cpu(1, 1, 4);
		o.lodInitialResolution = 8;
		o.snapshotKimg = 1000;
		o.gridSeeds = "0-3";
		return o;
	}

	private static Dataset data(int res) {
		float[] px = new float[16 * res * res];
		for (int i = 0; i < px.length; i++) px[i] = (float) Math.sin(i * 0.37);
		return new Dataset(px, 16, 1, res, DataRange.ofType(DataRange.PixelType.UINT8), null);
	}

	private static Process child(String mode, String arg) throws IOException {
		String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
		return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode, arg)
			.redirectErrorStream(true).start();
	}

	private static String readLine(Process p) throws IOException {
		BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = r.readLine()) != null) {
			if (line.equals("locked") || line.equals("writing")) return line;
			System.out.println("child: " + line);
		}
		return null;
	}

	/** What the child JVM does until it is killed. */
	public static final class Child {
		public static void main(String[] args) throws Exception {
			if (args[0].equals("hold-lock")) {
				FolderLock.acquire(Paths.get(args[1]), "training (test child)");
				System.out.println("locked");
			} else {
				Path target = Paths.get(args[1]);
				AtomicFiles.write(target, tmp -> {
					try (OutputStream os = Files.newOutputStream(tmp)) {
						os.write(new byte[1 << 20]);
						os.flush();
						System.out.println("writing");
						Thread.sleep(600_000);
					} catch (InterruptedException e) {
						throw new IOException(e);
					}
				});
			}
			System.out.flush();
			Thread.sleep(600_000);
		}
	}
}

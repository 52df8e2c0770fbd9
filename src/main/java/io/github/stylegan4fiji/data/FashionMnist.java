package io.github.stylegan4fiji.data;

import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.zip.GZIPInputStream;
import io.github.stylegan4fiji.core.DataRange;

/**
 * Fashion-MNIST (Debian package dataset-fashion-mnist: idx files, 28×28 uint8) as an image folder
 * of 32×32 PNGs (zero-padded by 2 pixels on each side), the way a user's own data would arrive.
 */
public final class FashionMnist {

	public static final Path DEFAULT_DIR = Paths.get("/usr/share/datasets/fashion-mnist");

	private FashionMnist() {}

	/** Reads an idx3 image file: [n][rows·cols] unsigned bytes. */
	public static byte[][] readImages(Path idxGz) throws IOException {
		try (InputStream raw = Files.newInputStream(idxGz);
				DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
			int magic = in.readInt();
			if (magic != 0x00000803) throw new IOException(idxGz + " is not an idx3 image file (magic " + Integer.toHexString(magic) + ")");
			int n = in.readInt(), rows = in.readInt(), cols = in.readInt();
			byte[][] images = new byte[n][rows * cols];
			for (byte[] img : images) in.readFully(img);
			return images;
		}
	}

	/** The ten class names, in label order. */
	public static final java.util.List<String> CLASSES = java.util.Arrays.asList(
		"T-shirt_top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot");

	/** Reads an idx1 label file. */
	public static int[] readLabels(Path idxGz) throws IOException {
		try (InputStream raw = Files.newInputStream(idxGz);
				DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16))) {
			int magic = in.readInt();
			if (magic != 0x00000801) throw new IOException(idxGz + " is not an idx1 label file (magic " + Integer.toHexString(magic) + ")");
			int[] labels = new int[in.readInt()];
			for (int i = 0; i < labels.length; i++) labels[i] = in.readUnsignedByte();
			return labels;
		}
	}

	/**
	 * {@code split} with its labels straight from the idx files, padded to 32×32 exactly as
	 * {@link #exportFolder} writes it (8-bit range ↦ [−1, 1]).
	 */
	public static LabelledImages labelled(Path sourceDir, String split, int limit) throws IOException {
		Path file = sourceDir.resolve(split + "-images-idx3-ubyte.gz");
		if (!Files.exists(file))
			throw new IOException(file + " not found: install the Debian package dataset-fashion-mnist");
		byte[][] images = readImages(file);
		int[] labels = readLabels(sourceDir.resolve(split + "-labels-idx1-ubyte.gz"));
		int n = limit > 0 ? Math.min(limit, images.length) : images.length;
		float[] pixels = new float[n * 32 * 32];
		java.util.Arrays.fill(pixels, -1f);
		for (int i = 0; i < n; i++)
			for (int y = 0; y < 28; y++)
				for (int x = 0; x < 28; x++)
					pixels[i * 1024 + (y + 2) * 32 + x + 2] = (images[i][y * 28 + x] & 0xFF) / 127.5f - 1f;
		Dataset d = new Dataset(pixels, n, 1, 32, DataRange.ofType(DataRange.PixelType.UINT8), null);
		return new LabelledImages(d, java.util.Arrays.copyOf(labels, n), CLASSES);
	}

	/**
	 * Writes {@code split} ("train" or "t10k") to {@code out} as 32×32 PNGs named by index; files
	 * that exist are kept. With {@code byClass} each image goes to the subfolder of its class
	 * ({@link #CLASSES}), the layout of conditional training. Returns the number of images.
	 */
	public static int exportFolder(Path sourceDir, String split, Path out, int limit, boolean byClass) throws IOException {
		Path file = sourceDir.resolve(split + "-images-idx3-ubyte.gz");
		if (!Files.exists(file))
			throw new IOException(file + " not found: install the Debian package dataset-fashion-mnist");
		byte[][] images = readImages(file);
		int[] labels = byClass ? readLabels(sourceDir.resolve(split + "-labels-idx1-ubyte.gz")) : null;
		Files.createDirectories(out);
		if (byClass) for (String c : CLASSES) Files.createDirectories(out.resolve(c));
		int n = limit > 0 ? Math.min(limit, images.length) : images.length;
		for (int i = 0; i < n; i++) {
			Path dir = byClass ? out.resolve(CLASSES.get(labels[i])) : out;
			Path png = dir.resolve(String.format("%s-%05d.png", split, i));
			if (Files.exists(png)) continue;
			byte[] padded = new byte[32 * 32];
			for (int y = 0; y < 28; y++) System.arraycopy(images[i], y * 28, padded, (y + 2) * 32 + 2, 28);
			ImagePlus imp = new ImagePlus(png.getFileName().toString(), new ByteProcessor(32, 32, padded));
			if (!new FileSaver(imp).saveAsPng(png.toString())) throw new IOException("could not write " + png);
		}
		return n;
	}
}

package io.github.stylegan4fiji.data;

import ij.IJ;
import ij.ImagePlus;
import ij.io.Opener;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.DataRange.Normalization;
import io.github.stylegan4fiji.core.DataRange.PixelType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads a folder of TIFF (8/16/32-bit, multi-page, multi-channel), PNG and JPEG images through
 * ImageJ's readers into a {@link Dataset}. Every page (z, t) of a stack is one training image; its
 * channels (C, or R/G/B of an RGB image) are the image channels. Problems are collected over the
 * whole folder and reported together, with file names, before any training starts.
 */
public final class ImageFolder {

	/** How images that are not square at the training resolution are fitted. */
	public enum Fit { CROP, PAD, RESIZE }

	public static final class Options {
		public boolean recursive = false;
		public Fit fit = Fit.CROP;
		/** auto (type range for 8-bit/RGB, percentiles otherwise), type, percentile, minmax. */
		public Normalization normalization = Normalization.AUTO;
		public double lowPercentile = 0.1, highPercentile = 99.9;
		/**
		 * A fixed mapping (e.g. a trained model's, so that real images for metrics are scaled the way
		 * its training data were); overrides {@link #normalization} when set.
		 */
		public DataRange fixedRange = null;
		/** Skip unreadable or inconsistent files (reported) instead of failing. */
		public boolean skipBad = false;
		/**
		 * Stream from disk instead of holding the images in the Java heap: the fitted, normalised
		 * images are written to this float32 file and read back memory-mapped (null = in memory).
		 */
		public Path streamCache = null;
		/** Stop after this many images (0 = all). */
		public int limit = 0;

		public Options copy() {
			Options o = new Options();
			o.recursive = recursive;
			o.fit = fit;
			o.normalization = normalization;
			o.lowPercentile = lowPercentile;
			o.highPercentile = highPercentile;
			o.fixedRange = fixedRange;
			o.skipBad = skipBad;
			o.streamCache = streamCache;
			o.limit = limit;
			return o;
		}
	}

	private static final List<String> EXTENSIONS = Arrays.asList(".tif", ".tiff", ".png", ".jpg", ".jpeg");

	private ImageFolder() {}

	public static List<Path> listImages(Path folder, boolean recursive) throws IOException {
		if (!Files.isDirectory(folder)) throw new IOException("Image folder not found: " + folder);
		try (Stream<Path> s = recursive ? Files.walk(folder) : Files.list(folder)) {
			return s.filter(Files::isRegularFile)
				.filter(p -> EXTENSIONS.stream().anyMatch(e -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(e)))
				.sorted().collect(Collectors.toList());
		}
	}

	public static Dataset load(Path folder, int resolution, Options o, Consumer<String> log) throws IOException {
		List<Path> files = listImages(folder, o.recursive);
		if (files.isEmpty())
			throw new IOException("No images (TIFF, PNG, JPEG) in " + folder + (o.recursive ? " or its subfolders" : "")
				+ (o.recursive ? "" : " (subfolders are not searched unless asked)"));
		if (o.streamCache == null) {
			// every file holds at least one page of one channel: fail now, not after decoding for minutes
			long atLeast = (long) (o.limit > 0 ? Math.min(o.limit, files.size()) : files.size()) * resolution * resolution * 4 * 2;
			if (atLeast > usableHeap())
				throw new IOException(String.format(Locale.ROOT, "%d images at %d² need at least %.0f MiB of Java memory while loading,"
					+ " more than the %.0f MiB available: keep the images on disk (--stream / 'Keep images on disk'), lower the"
					+ " resolution, or give Java more memory", files.size(), resolution, atLeast / 1048576.0, usableHeap() / 1048576.0));
		}
		IJ.redirectErrorMessages(true);
		List<String> problems = new ArrayList<>();
		List<String> small = new ArrayList<>();
		List<String> sources = new ArrayList<>();
		RangeSampler rangeSampler = new RangeSampler(2_000_000);
		PageSink sink = o.streamCache == null ? new MemorySink() : new FileSink(o.streamCache);
		int channels = -1;
		PixelType pixelType = null;
		String firstFile = null;
		try {
			for (Path f : files) {
				if (o.limit > 0 && sources.size() >= o.limit) break;
				ImagePlus imp = new Opener().openImage(f.toString());
				if (imp == null) {
					problems.add(f.getFileName() + ": cannot be read as an image");
					continue;
				}
				String truncated = truncation(imp, f);
				if (truncated != null) {
					problems.add(f.getFileName() + ": " + truncated);
					continue;
				}
				imp = withoutPalette(imp, f);
				if (Math.min(imp.getWidth(), imp.getHeight()) * 4 < resolution)
					small.add(f.getFileName() + " (" + imp.getWidth() + "×" + imp.getHeight() + ")");
				int c = imp.getBitDepth() == 24 ? 3 : imp.getNChannels();
				PixelType type = PixelType.ofBitDepth(imp.getBitDepth());
				if (channels < 0) {
					channels = c;
					pixelType = type;
					firstFile = f.getFileName().toString();
				} else if (c != channels) {
					problems.add(f.getFileName() + ": " + c + " channel(s), but " + firstFile + " has " + channels);
					continue;
				} else if (type != pixelType) {
					problems.add(f.getFileName() + ": " + type + " pixels, but " + firstFile + " has " + pixelType);
					continue;
				}
				int pages = imp.getBitDepth() == 24 ? imp.getStackSize() : imp.getStackSize() / imp.getNChannels();
				String bad = imp.getBitDepth() == 32 ? nonFinite(imp) : null;
				if (bad != null) {
					problems.add(f.getFileName() + ": " + bad);
					continue;
				}
				for (int page = 0; page < pages; page++) {
					if (o.limit > 0 && sources.size() >= o.limit) break;
					float[] img = fitPage(imp, page, c, resolution, o.fit);
					rangeSampler.add(img);
					sink.add(img);
					sources.add(pages > 1 ? f.getFileName() + " page " + (page + 1) : f.getFileName().toString());
				}
				imp.close();
			}
			if (!problems.isEmpty()) {
				String list = problems.stream().limit(20).collect(Collectors.joining("\n  ", "\n  ", ""))
					+ (problems.size() > 20 ? "\n  … and " + (problems.size() - 20) + " more" : "");
				if (!o.skipBad)
					throw new IOException(problems.size() + " of " + files.size() + " files in " + folder
						+ " cannot be used (nothing was trained; fix them or choose to skip bad files):" + list);
				log.accept("Skipping " + problems.size() + " file(s):" + list);
			}
			if (sources.isEmpty()) throw new IOException("No usable images in " + folder);
			if (!small.isEmpty())
				log.accept("Warning: " + small.size() + " image(s) are less than a quarter of the training resolution " + resolution
					+ "² and are upscaled a lot (nearly flat training images):" + small.stream().limit(20).collect(Collectors.joining("\n  ", "\n  ", ""))
					+ (small.size() > 20 ? "\n  … and " + (small.size() - 20) + " more" : ""));

			DataRange range = chooseRange(rangeSampler, pixelType, o);
			Dataset d = new Dataset(sink.finish(range), sources.size(), channels, resolution, range, sources);
			log.accept("Dataset " + folder + ": " + d.summary() + (o.streamCache != null ? ", streamed from " + o.streamCache : ""));
			return d;
		} finally {
			sink.close();
		}
	}

	/** Java heap that can still be allocated. */
	static long usableHeap() {
		Runtime r = Runtime.getRuntime();
		return r.maxMemory() - (r.totalMemory() - r.freeMemory());
	}

	/**
	 * Why an uncompressed TIFF is shorter than its pixels (ImageJ then reads the missing part as
	 * zeros), or null. Compressed files fail to decode by themselves.
	 */
	static String truncation(ImagePlus imp, Path f) throws IOException {
		ij.io.FileInfo fi = imp.getOriginalFileInfo();
		if (fi == null || fi.compression != ij.io.FileInfo.COMPRESSION_NONE || fi.fileFormat != ij.io.FileInfo.TIFF) return null;
		long perImage = (long) fi.width * fi.height * fi.getBytesPerPixel();
		long end = fi.getOffset() + perImage * fi.nImages + Math.max(0, fi.nImages - 1) * fi.getGap();
		if (fi.stripOffsets != null && fi.stripLengths != null && fi.stripOffsets.length > 0 && fi.nImages <= 1) {
			int last = fi.stripOffsets.length - 1;
			end = Math.max(end, (fi.stripOffsets[last] & 0xFFFFFFFFL) + fi.stripLengths[last]);
		}
		long size = Files.size(f);
		return end > size ? "truncated: its pixels need " + end + " bytes, the file has " + size : null;
	}

	/**
	 * An indexed PNG/GIF/BMP holds palette indices, not intensities: a grey palette is applied (the
	 * grey values), a coloured one makes RGB. TIFFs keep their values (ImageJ's convention: a LUT,
	 * e.g. an inverting one, only changes the display).
	 */
	static ImagePlus withoutPalette(ImagePlus imp, Path f) {
		if (imp.getBitDepth() != 8 || f.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.tiff?$")) return imp;
		if (!(imp.getProcessor().getColorModel() instanceof java.awt.image.IndexColorModel)) return imp;
		java.awt.image.IndexColorModel cm = (java.awt.image.IndexColorModel) imp.getProcessor().getColorModel();
		int n = cm.getMapSize();
		byte[] r = new byte[n], g = new byte[n], b = new byte[n];
		cm.getReds(r);
		cm.getGreens(g);
		cm.getBlues(b);
		boolean grey = true, identity = n == 256;
		for (int i = 0; i < n; i++) {
			grey &= r[i] == g[i] && g[i] == b[i];
			identity &= (r[i] & 0xFF) == i;
		}
		if (grey && identity) return imp;
		if (!grey) {
			ImagePlus rgb = imp.duplicate();
			new ij.process.ImageConverter(rgb).convertToRGB();
			return rgb;
		}
		int[] table = new int[256];
		for (int i = 0; i < 256; i++) table[i] = i < n ? r[i] & 0xFF : 0;
		ij.ImageStack st = imp.getStack();
		for (int i = 1; i <= st.getSize(); i++) {
			ImageProcessor ip = st.getProcessor(i);
			ip.setColorModel(null);
			ip.applyTable(table);
		}
		ImagePlus out = new ImagePlus(imp.getTitle(), st);
		out.setDimensions(imp.getNChannels(), imp.getNSlices(), imp.getNFrames());
		return out;
	}

	/** How many pixels of a float image are NaN or infinite, as a message, or null. */
	static String nonFinite(ImagePlus imp) {
		long nan = 0, inf = 0;
		ij.ImageStack st = imp.getStack();
		for (int i = 1; i <= st.getSize(); i++) {
			for (float v : (float[]) st.getPixels(i)) {
				if (Float.isNaN(v)) nan++;
				else if (Float.isInfinite(v)) inf++;
			}
		}
		if (nan + inf == 0) return null;
		return (nan > 0 ? nan + " NaN" : "") + (nan > 0 && inf > 0 ? " and " : "") + (inf > 0 ? inf + " infinite" : "")
			+ " pixel value(s) (mask or replace them before training)";
	}

	/** [−1, 1] value of a raw intensity under a range, clamped. */
	private static float normalize(float v, DataRange range) {
		return (float) Math.max(-1, Math.min(1, range.toModel(v)));
	}

	/** Where fitted pages go until the intensity range is known. */
	private interface PageSink extends AutoCloseable {
		void add(float[] page) throws IOException;

		/** Normalises everything to [−1, 1] with {@code range} and hands over the pixels. */
		PixelStore finish(DataRange range) throws IOException;

		@Override
		void close() throws IOException;
	}

	private static final class MemorySink implements PageSink {
		private final List<float[]> pages = new ArrayList<>();

		private long bytes;

		@Override
		public void add(float[] page) throws IOException {
			bytes += page.length * 4L;
			// finish() needs the pages and the joined array at once: the heap left must hold another copy
			if (bytes > usableHeap()) System.gc(); // what counts as used may still be garbage of decoded files
			if (bytes > usableHeap())
				throw new IOException(String.format(Locale.ROOT, "the images need more Java memory than there is (%.0f MiB loaded"
					+ " after %d images): keep the images on disk (--stream / 'Keep images on disk'), lower the resolution,"
					+ " or give Java more memory", bytes / 1048576.0, pages.size() + 1));
			pages.add(page);
		}

		@Override
		public PixelStore finish(DataRange range) {
			int per = pages.get(0).length;
			float[] pixels = new float[Math.multiplyExact(pages.size(), per)];
			for (int i = 0; i < pages.size(); i++) {
				float[] img = pages.get(i);
				for (int j = 0; j < per; j++) pixels[i * per + j] = normalize(img[j], range);
			}
			return PixelStore.of(pixels);
		}

		@Override
		public void close() {}
	}

	/** Raw pages appended to a file, normalised in place at the end, then memory-mapped. */
	private static final class FileSink implements PageSink {
		private final Path file;
		private final java.nio.channels.FileChannel channel;
		private boolean finished;

		FileSink(Path file) throws IOException {
			this.file = file;
			Path dir = file.toAbsolutePath().getParent();
			if (dir != null) Files.createDirectories(dir);
			channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
				java.nio.file.StandardOpenOption.TRUNCATE_EXISTING, java.nio.file.StandardOpenOption.READ,
				java.nio.file.StandardOpenOption.WRITE);
		}

		@Override
		public void add(float[] page) throws IOException {
			java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(page.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			b.asFloatBuffer().put(page);
			while (b.hasRemaining()) channel.write(b);
		}

		@Override
		public PixelStore finish(DataRange range) throws IOException {
			java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN);
			for (long pos = 0; pos < channel.size(); pos += b.capacity()) {
				b.clear();
				b.limit((int) Math.min(b.capacity(), channel.size() - pos));
				while (b.hasRemaining()) if (channel.read(b, pos + b.position()) < 0) break;
				b.flip();
				java.nio.FloatBuffer f = b.asFloatBuffer();
				for (int i = 0; i < f.limit(); i++) f.put(i, normalize(f.get(i), range));
				b.rewind();
				while (b.hasRemaining()) channel.write(b, pos + b.position());
			}
			channel.force(false);
			channel.close();
			finished = true;
			return PixelStore.mapped(file);
		}

		@Override
		public void close() throws IOException {
			if (channel.isOpen()) channel.close();
			if (!finished) Files.deleteIfExists(file); // a failed load leaves no half cache behind
		}
	}

	/**
	 * Minimum, maximum and an evenly strided sample of at most {@code max} values of a stream of
	 * pages: when the sample is full, every other value is dropped and the stride doubles.
	 */
	static final class RangeSampler {
		private final float[] sample;
		private int size;
		private long stride = 1, seen;
		double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;

		RangeSampler(int max) {
			sample = new float[max];
		}

		void add(float[] values) {
			for (float v : values) {
				if (v < min) min = v;
				if (v > max) max = v;
				if (seen++ % stride != 0) continue;
				if (size == sample.length) {
					for (int i = 0; i < size / 2; i++) sample[i] = sample[2 * i];
					size /= 2;
					stride *= 2;
					if ((seen - 1) % stride != 0) continue;
				}
				sample[size++] = v;
			}
		}

		float[] sorted() {
			float[] s = Arrays.copyOf(sample, size);
			Arrays.sort(s);
			return s;
		}
	}

	/** One page of an image as [channels, res, res] raw intensities, fitted to the resolution. */
	static float[] fitPage(ImagePlus imp, int page, int channels, int res, Fit fit) {
		float[] out = new float[channels * res * res];
		for (int c = 0; c < channels; c++) {
			FloatProcessor fp;
			if (imp.getBitDepth() == 24) {
				ColorProcessor cp = (ColorProcessor) imp.getStack().getProcessor(page + 1);
				fp = cp.getChannel(c + 1, null).convertToFloatProcessor();
			} else {
				fp = imp.getStack().getProcessor(page * channels + c + 1).convertToFloatProcessor();
			}
			float[] px = (float[]) fitted(fp, res, fit).getPixels();
			System.arraycopy(px, 0, out, c * res * res, res * res);
		}
		return out;
	}

	static ImageProcessor fitted(FloatProcessor fp, int res, Fit fit) {
		int w = fp.getWidth(), h = fp.getHeight();
		ImageProcessor ip = fp;
		if (w != h && fit == Fit.CROP) {
			int s = Math.min(w, h);
			ip.setRoi((w - s) / 2, (h - s) / 2, s, s);
			ip = ip.crop();
		} else if (w != h && fit == Fit.PAD) {
			int s = Math.max(w, h);
			FloatProcessor padded = new FloatProcessor(s, s);
			padded.setValue(fp.getStatistics().min); // pad with the image's background level
			padded.fill();
			padded.insert(fp, (s - w) / 2, (s - h) / 2);
			ip = padded;
		}
		if (ip.getWidth() != res || ip.getHeight() != res) {
			ip.setInterpolationMethod(ImageProcessor.BILINEAR);
			ip = ip.resize(res, res, true); // area-averaging when shrinking
		}
		return ip;
	}

	static DataRange chooseRange(RangeSampler images, PixelType pixelType, Options o) {
		if (o.fixedRange != null) {
			if (o.fixedRange.pixelType != pixelType)
				throw new IllegalArgumentException("the images are " + pixelType + " but the model was trained on "
					+ o.fixedRange.pixelType + " data");
			DataRange r = new DataRange();
			r.copyFrom(o.fixedRange);
			return r;
		}
		Normalization mode = o.normalization;
		if (mode == Normalization.AUTO) mode = pixelType == PixelType.UINT8 ? Normalization.TYPE : Normalization.PERCENTILE;
		DataRange r = DataRange.ofType(pixelType);
		r.normalization = mode;
		switch (mode) {
			case TYPE:
				if (pixelType == PixelType.FLOAT32) return minMax(images, r);
				return r;
			case MINMAX:
				return minMax(images, r);
			case PERCENTILE: {
				float[] sample = images.sorted();
				r.lowPercentile = o.lowPercentile;
				r.highPercentile = o.highPercentile;
				r.low = sample[(int) Math.floor(o.lowPercentile / 100 * (sample.length - 1))];
				r.high = sample[(int) Math.ceil(o.highPercentile / 100 * (sample.length - 1))];
				if (!(r.high > r.low)) return minMax(images, r);
				return r;
			}
			default:
				throw new AssertionError(mode);
		}
	}

	private static DataRange minMax(RangeSampler images, DataRange r) {
		r.low = images.min;
		r.high = images.max > images.min ? images.max : images.min + 1;
		return r;
	}
}

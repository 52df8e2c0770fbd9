package io.github.stylegan4fiji.data;

import io.github.stylegan4fiji.core.DataRange;

import java.util.Collections;
import java.util.List;
import io.github.stylegan4fiji.io.Hashes;

/**
 * Training images in memory: float32 [count, channels, resolution, resolution] in the model's range
 * [−1, 1], with the {@link DataRange} that maps them back to the original intensities.
 */
public final class Dataset {

	public final int count;
	public final int channels;
	public final int resolution;
	public final DataRange range;
	/** Where each image came from (file name and page), for messages. */
	public final List<String> sources;
	/** Class of each image (0-based) for conditional training; null when the images have no labels. */
	public final int[] labels;
	/** Names of the classes in label order; empty when unlabelled. */
	public final List<String> classNames;
	private final PixelStore pixels;

	public Dataset(float[] pixels, int count, int channels, int resolution, DataRange range, List<String> sources) {
		this(PixelStore.of(pixels), count, channels, resolution, range, sources);
	}

	/** Pixels from any store, e.g. {@link PixelStore#mapped} for folders larger than memory. */
	public Dataset(PixelStore pixels, int count, int channels, int resolution, DataRange range, List<String> sources) {
		this(pixels, count, channels, resolution, range, sources, null, null);
	}

	private Dataset(PixelStore pixels, int count, int channels, int resolution, DataRange range, List<String> sources,
			int[] labels, List<String> classNames) {
		if ((long) count * channels * resolution * resolution != pixels.size())
			throw new IllegalArgumentException("pixel buffer does not match " + count + "×" + channels + "×" + resolution + "²");
		if (count == 0) throw new IllegalArgumentException("a dataset needs at least one image");
		this.pixels = pixels;
		this.count = count;
		this.channels = channels;
		this.resolution = resolution;
		this.range = range;
		this.sources = sources == null ? Collections.emptyList() : sources;
		if (labels != null) {
			if (labels.length != count) throw new IllegalArgumentException(count + " images but " + labels.length + " labels");
			if (classNames == null || classNames.size() < 2) throw new IllegalArgumentException("labelled images need at least 2 classes");
			for (int l : labels)
				if (l < 0 || l >= classNames.size()) throw new IllegalArgumentException("label " + l + " outside 0…" + (classNames.size() - 1));
		}
		this.labels = labels;
		this.classNames = classNames == null ? Collections.emptyList() : Collections.unmodifiableList(new java.util.ArrayList<>(classNames));
	}

	/** The same images (shared, not copied) with a class per image. */
	public Dataset withLabels(int[] labels, List<String> classNames) {
		return new Dataset(pixels, count, channels, resolution, range, sources, labels.clone(), classNames);
	}

	public boolean isLabelled() {
		return labels != null;
	}

	/** Images per class, in label order. */
	public int[] classCounts() {
		int[] n = new int[classNames.size()];
		if (labels != null) for (int l : labels) n[l]++;
		return n;
	}

	/** The images of several datasets of the same shape, in order; the first one's data range. */
	public static Dataset concat(List<Dataset> parts) {
		Dataset first = parts.get(0);
		int total = 0;
		for (Dataset d : parts) {
			if (d.channels != first.channels || d.resolution != first.resolution)
				throw new IllegalArgumentException("cannot combine " + d.channels + "-channel " + d.resolution + "² images with "
					+ first.channels + "-channel " + first.resolution + "² ones");
			if (d.range.pixelType != first.range.pixelType)
				throw new IllegalArgumentException("cannot combine " + d.range.pixelType + " with " + first.range.pixelType + " images");
			total += d.count;
		}
		float[] pixels = new float[Math.multiplyExact(total, first.imageSize())];
		List<String> sources = new java.util.ArrayList<>();
		int at = 0;
		for (Dataset d : parts) {
			int n = Math.toIntExact(d.pixels.size());
			d.pixels.copy(0, pixels, at, n);
			at += n;
			sources.addAll(d.sources);
		}
		return new Dataset(pixels, total, first.channels, first.resolution, first.range, sources);
	}

	/** Images {@code from … from+count−1} (shares nothing with this dataset). */
	public Dataset subset(int from, int count) {
		float[] p = new float[Math.multiplyExact(count, imageSize())];
		pixels.copy((long) from * imageSize(), p, 0, p.length);
		return new Dataset(PixelStore.of(p), count, channels, resolution, range, sources.isEmpty() ? null : sources.subList(from, from + count),
			labels == null ? null : java.util.Arrays.copyOfRange(labels, from, from + count), labels == null ? null : classNames);
	}

	/** SHA-256 of shape, data range and pixels: the cache key of statistics computed from these images. */
	public String contentHash() {
		java.security.MessageDigest md = Hashes.sha256();
		md.update((count + "x" + channels + "x" + resolution + " " + range.pixelType + " " + range.low + " " + range.high)
			.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
		float[] chunk = new float[1 << 14];
		for (long at = 0; at < pixels.size(); at += chunk.length) {
			int n = (int) Math.min(chunk.length, pixels.size() - at);
			pixels.copy(at, chunk, 0, n);
			buf.clear();
			buf.asFloatBuffer().put(chunk, 0, n);
			md.update(buf.array(), 0, n * 4);
		}
		return Hashes.hex(md.digest());
	}

	public int imageSize() {
		return channels * resolution * resolution;
	}

	/** Copies image {@code index} into {@code dst} at {@code offset}, optionally mirrored in x. */
	public void copyImage(int index, boolean mirror, float[] dst, int offset) {
		int size = imageSize();
		pixels.copy((long) index * size, dst, offset, size);
		if (!mirror) return;
		int r = resolution;
		for (int row = 0; row < channels * r; row++) {
			int at = offset + row * r;
			for (int x = 0; x < r / 2; x++) {
				float t = dst[at + x];
				dst[at + x] = dst[at + r - 1 - x];
				dst[at + r - 1 - x] = t;
			}
		}
	}

	/** Read-only view of the pixels (model range). */
	public float get(int index, int channel, int x, int y) {
		float[] v = new float[1];
		pixels.copy((((long) index * channels + channel) * resolution + y) * resolution + x, v, 0, 1);
		return v[0];
	}

	/** Mean and standard deviation of all pixels (model range). */
	public double[] meanStd() {
		double s = 0, s2 = 0;
		float[] chunk = new float[1 << 14];
		for (long at = 0; at < pixels.size(); at += chunk.length) {
			int n = (int) Math.min(chunk.length, pixels.size() - at);
			pixels.copy(at, chunk, 0, n);
			for (int i = 0; i < n; i++) {
				s += chunk[i];
				s2 += (double) chunk[i] * chunk[i];
			}
		}
		double mean = s / pixels.size();
		return new double[] {mean, Math.sqrt(Math.max(0, s2 / pixels.size() - mean * mean))};
	}

	public String summary() {
		String s = String.format(java.util.Locale.ROOT,
			"%d images, %d×%d, %d channel(s), %s data, intensities %.6g…%.6g ↦ [-1, 1] (%s)",
			count, resolution, resolution, channels, range.pixelType, range.low, range.high, range.normalization);
		if (!isLabelled()) return s;
		StringBuilder b = new StringBuilder(s).append("; ").append(classNames.size()).append(" classes: ");
		int[] n = classCounts();
		for (int k = 0; k < n.length; k++) b.append(k == 0 ? "" : ", ").append(classNames.get(k)).append(" ").append(n[k]);
		return b.toString();
	}
}

package io.github.stylegan4fiji.data;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Where a dataset's float32 pixels live: a Java array, or a file on disk mapped into memory (for
 * folders larger than the Java heap — the operating system keeps what fits in its page cache).
 */
public interface PixelStore {

	long size();

	/** Copies {@code len} values starting at {@code from} into {@code dst[off …]}. */
	void copy(long from, float[] dst, int off, int len);

	static PixelStore of(float[] values) {
		return new PixelStore() {
			@Override
			public long size() {
				return values.length;
			}

			@Override
			public void copy(long from, float[] dst, int off, int len) {
				System.arraycopy(values, Math.toIntExact(from), dst, off, len);
			}
		};
	}

	/**
	 * A little-endian float32 file mapped read-only, in windows of at most 2^28 values (mappings
	 * are limited to 2 GiB each); reads may span windows.
	 */
	static PixelStore mapped(Path file) throws IOException {
		return mapped(file, 28);
	}

	/** As {@link #mapped(Path)} with windows of 2^windowShift values (small ones for tests). */
	static PixelStore mapped(Path file, int windowShift) throws IOException {
		FloatBuffer[] windows;
		long size;
		try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"); FileChannel ch = raf.getChannel()) {
			if (ch.size() % 4 != 0) throw new IOException(file + " is not a float32 pixel file (size " + ch.size() + ")");
			size = ch.size() / 4;
			windows = new FloatBuffer[(int) ((size + (1L << windowShift) - 1) >> windowShift)];
			for (int w = 0; w < windows.length; w++) {
				long start = (long) w << windowShift, n = Math.min(1L << windowShift, size - start);
				windows[w] = ch.map(FileChannel.MapMode.READ_ONLY, start * 4, n * 4).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
			}
		} // a mapping stays valid after its channel is closed
		final long total = size;
		return new PixelStore() {
			@Override
			public long size() {
				return total;
			}

			@Override
			public void copy(long from, float[] dst, int off, int len) {
				while (len > 0) {
					int w = (int) (from >> windowShift), pos = (int) (from & ((1L << windowShift) - 1));
					int n = Math.min(len, (1 << windowShift) - pos);
					FloatBuffer b = windows[w].duplicate(); // independent position: safe for concurrent readers
					b.position(pos);
					b.get(dst, off, n);
					from += n;
					off += n;
					len -= n;
				}
			}
		};
	}
}

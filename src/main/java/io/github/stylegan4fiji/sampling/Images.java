package io.github.stylegan4fiji.sampling;

/** Generated images on the host: row-major float32 [n, channels, height, width] in the model's range. */
public final class Images {

	public final int n, channels, height, width;
	public final float[] data;

	public Images(int n, int channels, int height, int width, float[] data) {
		if ((long) n * channels * height * width != data.length) throw new IllegalArgumentException("size mismatch");
		this.n = n;
		this.channels = channels;
		this.height = height;
		this.width = width;
		this.data = data;
	}

	public int planeSize() {
		return height * width;
	}

	/** Index of pixel (x, y) of channel c of image i. */
	public int index(int i, int c, int x, int y) {
		return ((i * channels + c) * height + y) * width + x;
	}

	public float get(int i, int c, int x, int y) {
		return data[index(i, c, x, y)];
	}

	/** Images i … i+count−1 as a new object. */
	public Images slice(int i, int count) {
		int per = channels * height * width;
		float[] d = new float[count * per];
		System.arraycopy(data, i * per, d, 0, count * per);
		return new Images(count, channels, height, width, d);
	}

	/** Per-pixel standard deviation over the images (one image; the paper's Figure 4 map). */
	public Images stdMap() {
		int per = channels * height * width;
		float[] out = new float[per];
		for (int j = 0; j < per; j++) {
			double s = 0, s2 = 0;
			for (int i = 0; i < n; i++) {
				double v = data[i * per + j];
				s += v;
				s2 += v * v;
			}
			double mean = s / n;
			out[j] = (float) Math.sqrt(Math.max(0, s2 / n - mean * mean));
		}
		return new Images(1, channels, height, width, out);
	}

	/** Concatenates image sets of equal geometry. */
	public static Images concat(java.util.List<Images> parts) {
		Images f = parts.get(0);
		int n = 0;
		for (Images p : parts) n += p.n;
		float[] d = new float[n * f.channels * f.height * f.width];
		int off = 0;
		for (Images p : parts) {
			System.arraycopy(p.data, 0, d, off, p.data.length);
			off += p.data.length;
		}
		return new Images(n, f.channels, f.height, f.width, d);
	}
}

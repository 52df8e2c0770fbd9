package io.github.stylegan4fiji.metrics;

/**
 * Structural similarity (Wang, Bovik, Sheikh, Simoncelli 2004, "Image quality assessment: from error
 * visibility to structural similarity"), with the paper's settings: an 11×11 Gaussian window of
 * σ = 1.5, K1 = 0.01, K2 = 0.03, population (co)variances, averaged over the window positions that
 * lie inside the image and then over channels — what scikit-image's {@code structural_similarity}
 * computes with {@code gaussian_weights=True, use_sample_covariance=False} (tested against it).
 * Computed in double precision on host arrays; an image is one [channels, h, w] block of a flat array.
 */
public final class Ssim {

	/** Window half-width: scipy's truncation of the Gaussian at 3.5 σ, as scikit-image uses it. */
	public static final int RADIUS = 5;
	private static final double SIGMA = 1.5, K1 = 0.01, K2 = 0.03;
	private static final double[] WEIGHTS = gaussian();

	private Ssim() {}

	/**
	 * SSIM of two images of {@code channels × h × w} values starting at the given offsets, for values
	 * spanning {@code dataRange} (2 for the model's −1…1). NaN for images smaller than the window
	 * (11 pixels), where the standard SSIM is not defined.
	 */
	public static double ssim(float[] a, int offA, float[] b, int offB, int channels, int h, int w, double dataRange) {
		if (h < 2 * RADIUS + 1 || w < 2 * RADIUS + 1) return Double.NaN;
		double c1 = Math.pow(K1 * dataRange, 2), c2 = Math.pow(K2 * dataRange, 2);
		double sum = 0;
		for (int c = 0; c < channels; c++) {
			int o = c * h * w;
			double[] mx = filter(a, offA + o, null, 0, h, w), my = filter(b, offB + o, null, 0, h, w);
			double[] xx = filter(a, offA + o, a, offA + o, h, w), yy = filter(b, offB + o, b, offB + o, h, w);
			double[] xy = filter(a, offA + o, b, offB + o, h, w);
			double s = 0;
			for (int i = 0; i < mx.length; i++) {
				double vx = xx[i] - mx[i] * mx[i], vy = yy[i] - my[i] * my[i], cxy = xy[i] - mx[i] * my[i];
				s += (2 * mx[i] * my[i] + c1) * (2 * cxy + c2) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
			}
			sum += s / mx.length;
		}
		return sum / channels;
	}

	/**
	 * Gaussian-weighted local means of p (or of p·q when q is given) at every window position inside
	 * the image ("valid"), row-major [(h − 10) × (w − 10)]; separable: rows, then columns.
	 */
	private static double[] filter(float[] p, int offP, float[] q, int offQ, int h, int w) {
		int k = 2 * RADIUS + 1, vw = w - k + 1, vh = h - k + 1;
		double[] rows = new double[h * vw];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < vw; x++) {
				double s = 0;
				for (int t = 0; t < k; t++) {
					int i = y * w + x + t;
					s += WEIGHTS[t] * (q == null ? p[offP + i] : (double) p[offP + i] * q[offQ + i]);
				}
				rows[y * vw + x] = s;
			}
		double[] out = new double[vh * vw];
		for (int y = 0; y < vh; y++)
			for (int x = 0; x < vw; x++) {
				double s = 0;
				for (int t = 0; t < k; t++) s += WEIGHTS[t] * rows[(y + t) * vw + x];
				out[y * vw + x] = s;
			}
		return out;
	}

	private static double[] gaussian() {
		double[] g = new double[2 * RADIUS + 1];
		double sum = 0;
		for (int t = -RADIUS; t <= RADIUS; t++) sum += g[t + RADIUS] = Math.exp(-0.5 * t * t / (SIGMA * SIGMA));
		for (int t = 0; t < g.length; t++) g[t] /= sum;
		return g;
	}
}

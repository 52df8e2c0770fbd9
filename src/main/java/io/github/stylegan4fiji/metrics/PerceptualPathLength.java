package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.Latents;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;

import java.util.Arrays;

/**
 * Perceptual path length (paper §4.1; official {@code perceptual_path_length.py}): for random pairs
 * of latents and t ~ U(0, 1) ("full") or t = 0 ("end"), the perceptual distance between the images
 * at t and t + ε divided by ε²; in Z by slerp of the normalised z, in W by lerp of w. Both images of
 * a pair share one noise draw; no truncation. Values outside the 1st–99th percentile are dropped
 * before averaging. Optional crop to the official face region (rows [3c, 7c), columns [2c, 6c),
 * c = H/8), off by default because it only makes sense for aligned faces.
 */
public final class PerceptualPathLength {

	public enum Space { Z, W }

	public static final double EPSILON = 1e-4;

	public static final class Options {
		public Space space = Space.W;
		public boolean end = false;
		public boolean crop = false;
		public int samples = 50_000;
		public double epsilon = EPSILON;
		public long seed = 0;
		/** Pairs per batch. */
		public int batchPairs = 16;
	}

	private PerceptualPathLength() {}

	/**
	 * What PPL needs of a generator: the mapping network and rendering from w with one noise seed
	 * per image. {@link #of(Sampler)} adapts a {@link Sampler}; tests use generators with known paths.
	 */
	public interface Renderer {
		int latentSize();

		int dlatentSize();

		/** z [n, latentSize] → w [n, dlatentSize]. */
		float[] map(float[] z, int n);

		/** Images from w [n, dlatentSize] (same w on every layer), image i with noise seed noiseSeeds[i]; no truncation. */
		Images render(float[] w, int n, long[] noiseSeeds);

		static Renderer of(Sampler sampler) {
			return new Renderer() {
				@Override
				public int latentSize() {
					return sampler.model().config.latentSize;
				}

				@Override
				public int dlatentSize() {
					return sampler.model().config.dlatentSize;
				}

				@Override
				public float[] map(float[] z, int n) {
					return sampler.mapZ(z, n);
				}

				@Override
				public Images render(float[] w, int n, long[] noiseSeeds) {
					return sampler.render(sampler.broadcast(w), n, Truncation.NONE, NoiseSpec.perSample(noiseSeeds));
				}
			};
		}
	}

	/** Mean of the filtered distances. */
	public static double of(Sampler sampler, FeatureNetwork net, Options o, Progress progress) {
		return filteredMean(distances(Renderer.of(sampler), net, o, progress));
	}

	/** The scaled distance of every pair, unfiltered. */
	public static double[] distances(Renderer g, FeatureNetwork net, Options o, Progress progress) {
		int zDim = g.latentSize();
		NumpyRandom rng = new NumpyRandom(o.seed);
		double[] out = new double[o.samples];
		String stage = "PPL " + (o.space == Space.Z ? "z" : "w") + (o.end ? "end" : "full");
		for (int p0 = 0; p0 < o.samples; p0 += o.batchPairs) {
			progress.checkCancelled();
			int b = Math.min(o.batchPairs, o.samples - p0);
			long[] noiseSeeds = new long[b];
			float[] z0 = new float[b * zDim], z1 = new float[b * zDim];
			double[] ts = new double[b];
			for (int i = 0; i < b; i++) {
				rng.randnInto(z0, i * zDim, zDim);
				rng.randnInto(z1, i * zDim, zDim);
				ts[i] = o.end ? 0 : rng.nextDouble();
				noiseSeeds[i] = rng.nextUInt32();
			}
			double[] d = pairDistances(g, net, z0, z1, ts, noiseSeeds, o);
			System.arraycopy(d, 0, out, p0, b);
			progress.update(stage, p0 + b, o.samples);
		}
		return out;
	}

	/**
	 * d(G(x(t)), G(x(t + ε))) / ε² for each pair (z0ᵢ, z1ᵢ, tᵢ); x interpolates z by slerp or w by
	 * lerp; both images of a pair get noise seed noiseSeeds[i].
	 */
	static double[] pairDistances(Renderer g, FeatureNetwork net, float[] z0, float[] z1, double[] ts, long[] noiseSeeds, Options o) {
		int b = ts.length, zDim = g.latentSize(), wDim = g.dlatentSize();
		float[] latents;
		if (o.space == Space.Z) {
			float[] zt = new float[2 * b * zDim];
			for (int i = 0; i < b; i++) {
				float[] a = Arrays.copyOfRange(z0, i * zDim, (i + 1) * zDim), c = Arrays.copyOfRange(z1, i * zDim, (i + 1) * zDim);
				System.arraycopy(Latents.slerp(a, c, ts[i]), 0, zt, 2 * i * zDim, zDim);
				System.arraycopy(Latents.slerp(a, c, ts[i] + o.epsilon), 0, zt, (2 * i + 1) * zDim, zDim);
			}
			latents = g.map(zt, 2 * b);
		} else {
			float[] w0 = g.map(z0, b), w1 = g.map(z1, b);
			latents = new float[2 * b * wDim];
			for (int i = 0; i < b; i++) {
				float[] a = Arrays.copyOfRange(w0, i * wDim, (i + 1) * wDim), c = Arrays.copyOfRange(w1, i * wDim, (i + 1) * wDim);
				System.arraycopy(Latents.lerp(a, c, ts[i]), 0, latents, 2 * i * wDim, wDim);
				System.arraycopy(Latents.lerp(a, c, ts[i] + o.epsilon), 0, latents, (2 * i + 1) * wDim, wDim);
			}
		}
		long[] pairSeeds = new long[2 * b];
		for (int i = 0; i < b; i++) pairSeeds[2 * i] = pairSeeds[2 * i + 1] = noiseSeeds[i];
		Images img = g.render(latents, 2 * b, pairSeeds);
		if (o.crop) img = crop(img);
		double[] out = new double[b];
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray all = HostArrays.upload(net.manager(), img.data, new Shape(img.n, img.channels, img.height, img.width));
			double[] d = net.perceptualDistance(all.get("0::2"), all.get("1::2"))
				.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
			for (int i = 0; i < b; i++) out[i] = d[i] / (o.epsilon * o.epsilon);
		}
		return out;
	}

	/** The official face crop: rows [3c, 7c), columns [2c, 6c) with c = H/8. */
	static Images crop(Images img) {
		int c = img.height / 8, h = 4 * c, w = 4 * c;
		float[] out = new float[img.n * img.channels * h * w];
		int k = 0;
		for (int i = 0; i < img.n; i++)
			for (int ch = 0; ch < img.channels; ch++)
				for (int y = 3 * c; y < 7 * c; y++)
					for (int x = 2 * c; x < 6 * c; x++) out[k++] = img.get(i, ch, x, y);
		return new Images(img.n, img.channels, h, w, out);
	}

	/**
	 * Mean of the values within [1st percentile (lower), 99th percentile (higher)], as NumPy's
	 * {@code percentile(…, interpolation='lower'/'higher')} in the official code.
	 */
	public static double filteredMean(double[] d) {
		double[] s = d.clone();
		Arrays.sort(s);
		double lo = s[(int) Math.floor(0.01 * (s.length - 1))], hi = s[(int) Math.ceil(0.99 * (s.length - 1))];
		double sum = 0;
		int n = 0;
		for (double v : d) {
			if (v >= lo && v <= hi) {
				sum += v;
				n++;
			}
		}
		return sum / n;
	}
}

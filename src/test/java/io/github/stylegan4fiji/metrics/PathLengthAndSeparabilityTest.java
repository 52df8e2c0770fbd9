package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

class PathLengthAndSeparabilityTest {

	/** A generator whose image is s·w in the first pixels (orthonormal columns scaled by s) and w = z. */
	static PerceptualPathLength.Renderer linear(int dim, int res, double s) {
		return new PerceptualPathLength.Renderer() {
			@Override
			public int latentSize() {
				return dim;
			}

			@Override
			public int dlatentSize() {
				return dim;
			}

			@Override
			public float[] map(float[] z, int n) {
				return z.clone();
			}

			@Override
			public Images render(float[] w, int n, long[] noiseSeeds) {
				float[] px = new float[n * res * res];
				for (int i = 0; i < n; i++)
					for (int j = 0; j < dim; j++) px[i * res * res + j] = (float) (s * w[i * dim + j]);
				return new Images(n, 1, res, res, px);
			}
		};
	}

	@Test
	void linearGeneratorGivesTheAnalyticPathLength() {
		int dim = 3;
		double s = 0.7;
		PerceptualPathLength.Renderer g = linear(dim, 8, s);
		try (PixelDistance net = new PixelDistance(64)) {
			PerceptualPathLength.Options o = new PerceptualPathLength.Options();
			o.samples = 4;
			o.epsilon = 1e-2; // the path is linear: any ε gives the exact value (a larger one keeps float32 exact)
			float[] z0 = {1, 0, 0, 0, 2, 0, 1, 1, 1, -1, 0.5f, 2}, z1 = {0, 1, 0, 0, -1, 1, 2, 0, -1, 3, 1, -2};
			double[] ts = {0, 0.3, 0.5, 0.9};
			long[] seeds = {1, 2, 3, 4};
			o.space = PerceptualPathLength.Space.W; // lerp: d/ε² = s²‖w1 − w0‖²
			double[] dw = PerceptualPathLength.pairDistances(g, net, z0, z1, ts, seeds, o);
			o.space = PerceptualPathLength.Space.Z; // slerp of unit vectors: speed = angle ω, so d/ε² = s²ω²
			double[] dz = PerceptualPathLength.pairDistances(g, net, z0, z1, ts, seeds, o);
			for (int i = 0; i < 4; i++) {
				double[] a = Arrays.copyOfRange(toDouble(z0), i * dim, (i + 1) * dim), b = Arrays.copyOfRange(toDouble(z1), i * dim, (i + 1) * dim);
				double sq = 0, dot = 0, na = 0, nb = 0;
				for (int j = 0; j < dim; j++) {
					sq += (a[j] - b[j]) * (a[j] - b[j]);
					dot += a[j] * b[j];
					na += a[j] * a[j];
					nb += b[j] * b[j];
				}
				assertEquals(s * s * sq, dw[i], 1e-3 * s * s * sq, "W pair " + i);
				double omega = Math.acos(dot / Math.sqrt(na * nb));
				double chord = 2 * Math.sin(omega * o.epsilon / 2) / o.epsilon; // exact for a finite step
				assertEquals(s * s * chord * chord, dz[i], 1e-3 * s * s * omega * omega, "Z pair " + i);
			}
		}
	}

	@Test
	void identicalEndpointsGiveZeroAndDistinctOnesDoNot() {
		try (StyleGanModel m = TestModels.tiny(8, 1); Sampler sampler = new Sampler(m, Device.cpu());
				CnnFeatureNetwork net = CnnFeatureNetwork.create(tinyNetConfig(8, 1, 2), 5, Device.cpu())) {
			PerceptualPathLength.Renderer g = PerceptualPathLength.Renderer.of(sampler);
			int zDim = g.latentSize();
			float[] z = new float[2 * zDim], other = new float[2 * zDim];
			new NumpyRandom(1).randnInto(z, 0, z.length);
			new NumpyRandom(2).randnInto(other, 0, other.length);
			double[] ts = {0.25, 0.75};
			long[] seeds = {7, 8};
			for (PerceptualPathLength.Space space : PerceptualPathLength.Space.values()) {
				PerceptualPathLength.Options o = new PerceptualPathLength.Options();
				o.space = space;
				double[] same = PerceptualPathLength.pairDistances(g, net, z, z, ts, seeds, o);
				assertArrayEquals(new double[] {0, 0}, same, 1e-6, space + ": identical endpoints");
				double[] diff = PerceptualPathLength.pairDistances(g, net, z, other, ts, seeds, o);
				assertTrue(diff[0] > 1e-3 && diff[1] > 1e-3, space + ": distinct endpoints " + Arrays.toString(diff));
			}
		}
	}

	@Test
	void filteredMeanDropsOutsideFirstAndNinetyNinthPercentile() {
		double[] d = new double[201];
		for (int i = 0; i < d.length; i++) d[i] = i;
		d[200] = 1e9; // outlier above the 99th percentile (index ceil(0.99·200) = 198)
		d[0] = -1e9;  // and below the 1st (index floor(0.01·200) = 2)
		// kept: the values at sorted positions 2…198, i.e. 2…198 → mean 100
		assertEquals(100, PerceptualPathLength.filteredMean(d), 1e-12);
	}

	@Test
	void conditionalEntropyOfKnownTables() {
		boolean[] x = {true, true, false, false}, y = {true, false, true, false};
		assertEquals(1.0, LinearSeparability.conditionalEntropy(x, y), 1e-12, "independent: H(Y|X) = H(Y)");
		assertEquals(0.0, LinearSeparability.conditionalEntropy(y, y), 1e-12, "Y = X");
		boolean[] x3 = {true, true, true, true, false, false, false, false};
		boolean[] y3 = {true, true, true, false, false, false, false, false};
		// X=1: p(y)=(3/4, 1/4) → 0.8113 bits; X=0: pure → 0; each half the samples
		double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(2) / 2;
		assertEquals(h, LinearSeparability.conditionalEntropy(x3, y3), 1e-12);
	}

	@Test
	void separableLabelsScoreMinimalRandomLabelsMaximal() {
		int d = 5, n = 0;
		NumpyRandom r = new NumpyRandom(3);
		float[] x = new float[1500 * d];
		boolean[] sep = new boolean[1500];
		while (n < 1500) {
			float[] v = new float[d];
			r.randnInto(v, 0, d);
			double s = v[0] + 0.5 * v[1] - 0.2;
			if (Math.abs(s) < 0.3) continue; // a margin: linearly separable with room
			System.arraycopy(v, 0, x, n * d, d);
			sep[n++] = s > 0;
		}
		boolean[] random = new boolean[n];
		for (int i = 0; i < n; i++) random[i] = r.nextDouble() < 0.5;
		double hSep = LinearSeparability.entropyOfFit(x, n, d, sep, 0);
		double hRandom = LinearSeparability.entropyOfFit(x, n, d, random, 0);
		assertEquals(0, hSep, 0.02, "separable labels: H(Y|X) ≈ 0");
		assertTrue(hRandom > 0.95, "random labels: H(Y|X) ≈ 1 bit, got " + hRandom);
	}

	static CnnFeatureNetwork.Config tinyNetConfig(int res, int channels, int classes) {
		CnnFeatureNetwork.Config c = new CnnFeatureNetwork.Config();
		c.resolution = res;
		c.channels = channels;
		c.widths = new int[] {4, 8, 8};
		c.featureSize = 16;
		for (int i = 0; i < classes; i++) c.classNames.add("class" + i);
		return c;
	}

	private static double[] toDouble(float[] f) {
		double[] d = new double[f.length];
		for (int i = 0; i < f.length; i++) d[i] = f[i];
		return d;
	}
}

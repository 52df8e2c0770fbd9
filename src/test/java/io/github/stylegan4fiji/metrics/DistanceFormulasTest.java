package io.github.stylegan4fiji.metrics;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import io.github.stylegan4fiji.core.NumpyRandom;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** FID, KID and precision/recall against closed forms and constructed point sets. */
class DistanceFormulasTest {

	static double[] randomCovariance(int d, int rank, long seed) {
		NumpyRandom r = new NumpyRandom(seed);
		double[] a = new double[d * rank];
		for (int i = 0; i < a.length; i++) a[i] = r.gauss();
		double[] c = new double[d * d];
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++) {
				double s = 0;
				for (int k = 0; k < rank; k++) s += a[i * rank + k] * a[j * rank + k];
				c[i * d + j] = s / rank;
			}
		return c;
	}

	static double[] randomVector(int d, long seed) {
		NumpyRandom r = new NumpyRandom(seed);
		double[] v = new double[d];
		for (int i = 0; i < d; i++) v[i] = r.gauss();
		return v;
	}

	static void assertRelative(double expected, double actual, double rel) {
		assertEquals(expected, actual, rel * Math.max(1, Math.abs(expected)), "expected " + expected + ", got " + actual);
	}

	@Test
	void identicalGaussiansHaveDistanceZero() {
		int d = 48;
		double[] mu = randomVector(d, 1), cov = randomCovariance(d, 60, 2);
		assertEquals(0, FrechetDistance.of(mu, cov, mu, cov, d), 1e-8);
		double[] singular = randomCovariance(d, 10, 3); // rank 10 < 48: eigenvalues at round-off level
		assertEquals(0, FrechetDistance.of(mu, singular, mu, singular, d), 1e-6);
	}

	@Test
	void diagonalCovariancesMatchClosedForm() {
		int d = 5;
		double[] mu1 = {0, 1, 2, 3, 4}, mu2 = {1, 1, 0, 3, -1};
		double[] a = {1, 4, 9, 0.25, 2}, b = {4, 1, 1, 1, 8};
		double expected = 1 + 0 + 4 + 0 + 25; // ‖μ₁−μ₂‖²
		for (int i = 0; i < d; i++) expected += Math.pow(Math.sqrt(a[i]) - Math.sqrt(b[i]), 2);
		assertRelative(expected, FrechetDistance.of(mu1, diag(a), mu2, diag(b), d), 1e-6);
	}

	@Test
	void nonCommutingCovariancesMatchClosedForm() {
		// 2×2: Tr √M = √(Tr M + 2√det M) for M = Σ₁Σ₂ with non-negative eigenvalues
		double[] s1 = {2, 1, 1, 3}, s2 = {1, -0.4, -0.4, 0.5};
		double[] m = {s1[0] * s2[0] + s1[1] * s2[2], s1[0] * s2[1] + s1[1] * s2[3], s1[2] * s2[0] + s1[3] * s2[2], s1[2] * s2[1] + s1[3] * s2[3]};
		assertNotEquals(m[1], m[2], 1e-3, "the example must not commute");
		double trSqrt = Math.sqrt(m[0] + m[3] + 2 * Math.sqrt(m[0] * m[3] - m[1] * m[2]));
		double expected = 0.5 * 0.5 + 2 + 3 + 1 + 0.5 - 2 * trSqrt;
		assertRelative(expected, FrechetDistance.of(new double[] {0.5, 0}, s1, new double[] {0, 0}, s2, 2), 1e-6);
	}

	@Test
	void symmetricInvariantAndRobustToAsymmetricNoise() {
		int d = 32;
		double[] mu1 = randomVector(d, 4), mu2 = randomVector(d, 5), c1 = randomCovariance(d, 40, 6), c2 = randomCovariance(d, 50, 7);
		double f = FrechetDistance.of(mu1, c1, mu2, c2, d);
		assertTrue(f > 1);
		assertRelative(f, FrechetDistance.of(mu2, c2, mu1, c1, d), 1e-6);
		// a rotation of the feature space changes nothing
		double[] q = orthogonal(d, 8);
		assertRelative(f, FrechetDistance.of(mul(q, mu1, d), rotate(q, c1, d), mul(q, mu2, d), rotate(q, c2, d), d), 1e-6);
		// non-symmetric round-off (as from accumulation order) is removed, like scipy's real part
		double[] noisy = c1.clone();
		NumpyRandom r = new NumpyRandom(9);
		for (int i = 0; i < noisy.length; i++) noisy[i] += 1e-9 * r.gauss();
		assertRelative(f, FrechetDistance.of(mu1, noisy, mu2, c2, d), 1e-6);
	}

	@Test
	void kidOfConstantSetsIsKernelDistance() {
		int d = 4, n = 30;
		float[] a = {0.5f, -1f, 2f, 0f}, b = {1f, 1f, 0f, -0.5f};
		float[] reals = tile(a, n), gens = tile(b, n);
		double kaa = Math.pow(dot(a, a) / d + 1, 3), kbb = Math.pow(dot(b, b) / d + 1, 3), kab = Math.pow(dot(a, b) / d + 1, 3);
		try (NDManager m = Engine.getInstance().newBaseManager()) {
			double kid = KernelDistance.of(reals, n, gens, n, d, 5, 10, 0, m);
			assertRelative(kaa + kbb - 2 * kab, kid, 1e-9);
			assertEquals(0, KernelDistance.of(reals, n, tile(a, n), n, d, 5, 10, 0, m), 1e-9);
		}
	}

	@Test
	void kidMatchesTheUnbiasedEstimatorWrittenOut() {
		int d = 3, n = 6;
		float[] x = randomFloats(n * d, 10), y = randomFloats(n * d, 11);
		double kxx = 0, kyy = 0, kxy = 0;
		for (int i = 0; i < n; i++)
			for (int j = 0; j < n; j++) {
				if (i != j) {
					kxx += k(x, i, x, j, d);
					kyy += k(y, i, y, j, d);
				}
				kxy += k(x, i, y, j, d);
			}
		double expected = (kxx + kyy) / (n * (n - 1.0)) - 2 * kxy / (n * n);
		try (NDManager m = Engine.getInstance().newBaseManager()) {
			// one subset of all points: the sums do not depend on the order drawn
			assertRelative(expected, KernelDistance.of(y, n, x, n, d, 1, n, 3, m), 1e-9);
		}
	}

	@Test
	void precisionAndRecallOnConstructedSets() {
		// reals on a line at 0…9: the 3rd neighbour of an inner point is 2 away (radius 2, at the ends 3)
		int d = 2;
		float[] reals = new float[10 * d];
		for (int i = 0; i < 10; i++) reals[i * d] = i;
		// generated: a tight cluster near 0 (radius 0.2–0.3), all within real balls
		float[] gens = new float[5 * d];
		for (int i = 0; i < 5; i++) gens[i * d] = 0.1f * (i + 1);
		try (NDManager m = Engine.getInstance().newBaseManager()) {
			double[] pr = PrecisionRecall.of(reals, 10, gens, 5, d, 3, 4, m);
			assertEquals(1.0, pr[0], 1e-12, "every generated point lies in a real ball");
			assertEquals(0.1, pr[1], 1e-12, "only the real point 0 lies in a generated ball");
			// move one generated point far away: precision drops to 4/5, recall unchanged
			gens[4 * d + 1] = 100;
			pr = PrecisionRecall.of(reals, 10, gens, 5, d, 3, 3, m);
			assertEquals(0.8, pr[0], 1e-12);
		}
	}

	private static double k(float[] a, int i, float[] b, int j, int d) {
		double s = 0;
		for (int c = 0; c < d; c++) s += (double) a[i * d + c] * b[j * d + c];
		return Math.pow(s / d + 1, 3);
	}

	private static float[] randomFloats(int n, long seed) {
		float[] v = new float[n];
		new NumpyRandom(seed).randnInto(v, 0, n);
		return v;
	}

	private static double dot(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
		return s;
	}

	private static float[] tile(float[] v, int n) {
		float[] out = new float[v.length * n];
		for (int i = 0; i < n; i++) System.arraycopy(v, 0, out, i * v.length, v.length);
		return out;
	}

	private static double[] diag(double[] v) {
		int d = v.length;
		double[] m = new double[d * d];
		for (int i = 0; i < d; i++) m[i * d + i] = v[i];
		return m;
	}

	/** A random orthogonal matrix (Gram–Schmidt of Gaussian columns), row-major. */
	private static double[] orthogonal(int d, long seed) {
		double[] a = randomVector(d * d, seed);
		for (int j = 0; j < d; j++) {
			for (int k = 0; k < j; k++) {
				double dot = 0;
				for (int i = 0; i < d; i++) dot += a[i * d + j] * a[i * d + k];
				for (int i = 0; i < d; i++) a[i * d + j] -= dot * a[i * d + k];
			}
			double norm = 0;
			for (int i = 0; i < d; i++) norm += a[i * d + j] * a[i * d + j];
			norm = Math.sqrt(norm);
			for (int i = 0; i < d; i++) a[i * d + j] /= norm;
		}
		return a;
	}

	private static double[] mul(double[] q, double[] v, int d) {
		double[] out = new double[d];
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++) out[i] += q[i * d + j] * v[j];
		return out;
	}

	/** Q C Qᵀ. */
	private static double[] rotate(double[] q, double[] c, int d) {
		double[] qc = new double[d * d], out = new double[d * d];
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++)
				for (int k = 0; k < d; k++) qc[i * d + j] += q[i * d + k] * c[k * d + j];
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++)
				for (int k = 0; k < d; k++) out[i * d + j] += qc[i * d + k] * q[j * d + k];
		return out;
	}
}

package io.github.stylegan4fiji.metrics;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance of two Gaussians: ‖μ₁−μ₂‖² + Tr(Σ₁ + Σ₂ − 2·(Σ₁Σ₂)^½), the FID formula.
 * <p>
 * The official code takes the real part of scipy's {@code sqrtm(Σ₁Σ₂)}. For covariance matrices
 * (symmetric, positive semi-definite) Σ₁Σ₂ is similar to the symmetric matrix Σ₁^½ Σ₂ Σ₁^½, so
 * Tr (Σ₁Σ₂)^½ = Σᵢ √λᵢ(Σ₁^½ Σ₂ Σ₁^½). We use that form: two symmetric eigendecompositions, real
 * by construction. Round-off that makes a λ slightly negative contributes 0 — the real part of its
 * imaginary square root, i.e. what scipy's real part gives. Inputs are symmetrised first, which
 * removes non-symmetric numerical noise.
 */
public final class FrechetDistance {

	private FrechetDistance() {}

	public static double of(FeatureStats a, FeatureStats b) {
		if (a.dimension() != b.dimension())
			throw new IllegalArgumentException("feature dimensions differ: " + a.dimension() + " vs " + b.dimension()
				+ " (statistics from different feature networks?)");
		return of(a.mean, a.covariance, b.mean, b.covariance, a.dimension());
	}

	/** Means [d] and row-major covariances [d×d]. */
	public static double of(double[] mu1, double[] cov1, double[] mu2, double[] cov2, int d) {
		double meanTerm = 0;
		for (int i = 0; i < d; i++) meanTerm += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
		RealMatrix s1 = symmetric(cov1, d), s2 = symmetric(cov2, d);
		RealMatrix s1Half = psdSqrt(s1);
		RealMatrix m = s1Half.multiply(s2).multiply(s1Half);
		double traceSqrt = 0;
		for (double lambda : new EigenDecomposition(symmetrize(m)).getRealEigenvalues())
			traceSqrt += Math.sqrt(Math.max(lambda, 0));
		return meanTerm + s1.getTrace() + s2.getTrace() - 2 * traceSqrt;
	}

	static RealMatrix symmetric(double[] rowMajor, int d) {
		double[][] a = new double[d][d];
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++) a[i][j] = 0.5 * (rowMajor[i * d + j] + rowMajor[j * d + i]);
		return new Array2DRowRealMatrix(a, false);
	}

	private static RealMatrix symmetrize(RealMatrix m) {
		return m.add(m.transpose()).scalarMultiply(0.5);
	}

	/** V·diag(√max(λ, 0))·Vᵀ of a symmetric matrix. */
	static RealMatrix psdSqrt(RealMatrix s) {
		EigenDecomposition e = new EigenDecomposition(s);
		RealMatrix v = e.getV();
		double[] l = e.getRealEigenvalues();
		RealMatrix scaled = v.copy();
		for (int j = 0; j < l.length; j++) {
			double r = Math.sqrt(Math.max(l[j], 0));
			for (int i = 0; i < l.length; i++) scaled.setEntry(i, j, scaled.getEntry(i, j) * r);
		}
		return scaled.multiply(v.transpose());
	}
}

package io.github.stylegan4fiji.sampling;

import io.github.stylegan4fiji.core.NumpyRandom;

/** Latent vectors on the host: z from seeds, and the two interpolations of the paper. */
public final class Latents {

	private Latents() {}

	/** z = RandomState(seed).randn(dim), as the official generate scripts, as float32. */
	public static float[] z(long seed, int dim) {
		float[] z = new float[dim];
		new NumpyRandom(seed).randnInto(z, 0, dim);
		return z;
	}

	/** Row-major [seeds.length, dim]. */
	public static float[] zBatch(long[] seeds, int dim) {
		float[] z = new float[seeds.length * dim];
		for (int i = 0; i < seeds.length; i++) new NumpyRandom(seeds[i]).randnInto(z, i * dim, dim);
		return z;
	}

	/**
	 * Spherical interpolation of the normalised vectors (as the official PPL code does in Z): the
	 * result has unit length; t = 0 gives a/|a|, t = 1 gives b/|b|.
	 */
	public static float[] slerp(float[] a, float[] b, double t) {
		check(a, b);
		double na = norm(a), nb = norm(b);
		double dot = 0;
		for (int i = 0; i < a.length; i++) dot += (a[i] / na) * (b[i] / nb);
		dot = Math.max(-1, Math.min(1, dot));
		double omega = Math.acos(dot);
		float[] out = new float[a.length];
		if (omega < 1e-7) { // (nearly) parallel: the limit is the normalised lerp
			for (int i = 0; i < a.length; i++) out[i] = (float) (a[i] / na);
			return out;
		}
		double so = Math.sin(omega);
		double ca = Math.sin((1 - t) * omega) / so, cb = Math.sin(t * omega) / so;
		for (int i = 0; i < a.length; i++) out[i] = (float) (ca * a[i] / na + cb * b[i] / nb);
		return out;
	}

	/**
	 * Slerp for rendering frames: the direction is {@link #slerp}, the length interpolates linearly
	 * between |a| and |b|, so the end frames are the seeds' own z.
	 */
	public static float[] slerpKeepNorm(float[] a, float[] b, double t) {
		float[] u = slerp(a, b, t);
		double len = (1 - t) * norm(a) + t * norm(b);
		for (int i = 0; i < u.length; i++) u[i] = (float) (u[i] * len);
		return u;
	}

	/** Linear interpolation (W space). */
	public static float[] lerp(float[] a, float[] b, double t) {
		check(a, b);
		float[] out = new float[a.length];
		for (int i = 0; i < a.length; i++) out[i] = (float) (a[i] + (b[i] - a[i]) * t);
		return out;
	}

	static double norm(float[] v) {
		double s = 0;
		for (float x : v) s += (double) x * x;
		return Math.sqrt(s);
	}

	private static void check(float[] a, float[] b) {
		if (a.length != b.length) throw new IllegalArgumentException("latents differ in length");
	}
}

package io.github.stylegan4fiji.core;

/**
 * NumPy's legacy {@code RandomState}: the MT19937 generator seeded like {@code RandomState(seed)}
 * and the polar Box–Muller Gaussian of {@code randn}. The official StyleGAN tools draw
 * {@code z = RandomState(seed).randn(z_dim)}, so with this class a seed means the same latent here as
 * in published figures — and the same on every machine and device, independent of libtorch's RNG.
 * <p>
 * Written from the published algorithms (Matsumoto–Nishimura 1998 with the 2002 initialisation;
 * NumPy's {@code legacy_gauss}). {@link StrictMath} keeps the Gaussian bit-reproducible across JVMs.
 */
public final class NumpyRandom {

	private static final int N = 624;
	private static final int M = 397;

	private final int[] mt = new int[N];
	private int index;
	private boolean hasGauss;
	private double savedGauss;

	/** Same stream as {@code numpy.random.RandomState(seed)}; seeds are 0 … 2³²−1. */
	public NumpyRandom(long seed) {
		if (seed < 0 || seed > 0xFFFFFFFFL)
			throw new IllegalArgumentException("seed must be in 0 … 4294967295, got " + seed);
		mt[0] = (int) seed;
		for (int i = 1; i < N; i++) {
			mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
		}
		index = N;
	}

	/** The next raw 32-bit output, as an unsigned value. */
	public long nextUInt32() {
		if (index >= N) twist();
		int y = mt[index++];
		y ^= y >>> 11;
		y ^= (y << 7) & 0x9d2c5680;
		y ^= (y << 15) & 0xefc60000;
		y ^= y >>> 18;
		return y & 0xFFFFFFFFL;
	}

	private void twist() {
		for (int i = 0; i < N; i++) {
			int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
			int v = mt[(i + M) % N] ^ (y >>> 1);
			if ((y & 1) != 0) v ^= 0x9908b0df;
			mt[i] = v;
		}
		index = 0;
	}

	/** Uniform double in [0, 1) with 53 random bits ({@code random_sample}). */
	public double nextDouble() {
		long a = nextUInt32() >>> 5;
		long b = nextUInt32() >>> 6;
		return (a * 67108864.0 + b) / 9007199254740992.0;
	}

	/** Standard normal ({@code legacy_gauss}: polar method, second value cached). */
	public double gauss() {
		if (hasGauss) {
			hasGauss = false;
			return savedGauss;
		}
		double x1, x2, r2;
		do {
			x1 = 2.0 * nextDouble() - 1.0;
			x2 = 2.0 * nextDouble() - 1.0;
			r2 = x1 * x1 + x2 * x2;
		} while (r2 >= 1.0 || r2 == 0.0);
		double f = StrictMath.sqrt(-2.0 * StrictMath.log(r2) / r2);
		savedGauss = f * x1;
		hasGauss = true;
		return f * x2;
	}

	/** {@code RandomState(seed).randn(n)} as doubles. */
	public double[] randn(int n) {
		double[] v = new double[n];
		for (int i = 0; i < n; i++) v[i] = gauss();
		return v;
	}

	/** Fills {@code out[offset … offset+n)} with float32 standard normals. */
	public void randnInto(float[] out, int offset, int n) {
		for (int i = 0; i < n; i++) out[offset + i] = (float) gauss();
	}

	/** Uniform integer in [0, bound) without modulo bias (not NumPy's algorithm; used for shuffles). */
	public int nextInt(int bound) {
		if (bound <= 0) throw new IllegalArgumentException("bound must be > 0");
		long limit = (0x100000000L / bound) * bound;
		long r;
		do {
			r = nextUInt32();
		} while (r >= limit);
		return (int) (r % bound);
	}

	/** A random permutation of 0 … n−1 (Fisher–Yates from the end, drawing with {@link #nextInt}). */
	public int[] permutation(int n) {
		int[] p = new int[n];
		for (int i = 0; i < n; i++) p[i] = i;
		for (int i = n - 1; i > 0; i--) {
			int j = nextInt(i + 1);
			int t = p[i];
			p[i] = p[j];
			p[j] = t;
		}
		return p;
	}
}

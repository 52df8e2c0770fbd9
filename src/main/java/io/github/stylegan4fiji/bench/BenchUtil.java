package io.github.stylegan4fiji.bench;

import java.util.Arrays;

/** Small helpers shared by the benchmarks. */
final class BenchUtil {

	private BenchUtil() {}

	static double median(double[] v) {
		double[] s = v.clone();
		Arrays.sort(s);
		int n = s.length;
		return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
	}

	/** v rounded to {@code digits} decimals, as a number for the JSON lines. */
	static Double round(double v, int digits) {
		return Double.valueOf(String.format(java.util.Locale.ROOT, "%." + digits + "f", v));
	}
}

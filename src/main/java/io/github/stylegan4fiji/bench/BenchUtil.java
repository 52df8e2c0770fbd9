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

	static String round(double v, int digits) {
		return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
	}
}

package io.github.stylegan4fiji.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

/** Small helpers shared by the benchmarks: medians and the process's memory from /proc. */
final class BenchUtil {

	private BenchUtil() {}

	static double median(double[] v) {
		double[] s = v.clone();
		Arrays.sort(s);
		int n = s.length;
		return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
	}

	/** A field of /proc/self/status in MiB (VmRSS = resident now, VmHWM = peak resident), or −1. */
	static double procStatusMiB(String field) {
		try {
			List<String> lines = Files.readAllLines(Paths.get("/proc/self/status"));
			for (String l : lines) {
				if (l.startsWith(field + ":")) {
					String[] parts = l.substring(field.length() + 1).trim().split("\\s+");
					return Long.parseLong(parts[0]) / 1024.0;
				}
			}
		} catch (IOException | RuntimeException e) {
			return -1;
		}
		return -1;
	}

	static String round(double v, int digits) {
		return String.format(java.util.Locale.ROOT, "%." + digits + "f", v);
	}
}

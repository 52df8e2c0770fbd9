package io.github.stylegan4fiji.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Resident memory of this process (JVM heap + native libtorch memory), from /proc on Linux. */
public final class ProcessMemory {

	private ProcessMemory() {}

	/** Resident set size now, MiB (−1 where /proc is unavailable). */
	public static double residentMiB() {
		return statusMiB("VmRSS");
	}

	/** Peak resident set size, MiB (−1 where unavailable). */
	public static double peakMiB() {
		return statusMiB("VmHWM");
	}

	private static double statusMiB(String field) {
		try {
			for (String l : Files.readAllLines(Paths.get("/proc/self/status"))) {
				if (l.startsWith(field + ":")) return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]) / 1024.0;
			}
		} catch (IOException | RuntimeException e) {
			return -1;
		}
		return -1;
	}
}

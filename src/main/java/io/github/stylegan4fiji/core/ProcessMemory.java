package io.github.stylegan4fiji.core;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

	/**
	 * Minor page faults of this process so far (−1 where unavailable). Freshly mapped memory faults
	 * once per page on first touch; a steady per-batch count shows memory being returned to the
	 * system and mapped again (issue 17).
	 */
	public static long minorFaults() {
		try {
			String stat = new String(Files.readAllBytes(Paths.get("/proc/self/stat")), StandardCharsets.US_ASCII);
			// fields after the command name (which may hold spaces) start at state; minflt is field 10
			String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return Long.parseLong(f[7]);
		} catch (IOException | RuntimeException e) {
			return -1;
		}
	}

	/**
	 * What glibc's allocator holds, MiB: {@code [in use, obtained from the system]} (malloc'd blocks
	 * of all threads, including libtorch's tensors; the second includes freed memory kept for reuse,
	 * see {@link EngineSetup}). Null where glibc's {@code mallinfo2} (2.33+) is unavailable.
	 * Separates a leak (in use grows) from allocator retention (only the second grows).
	 */
	public static double[] allocatorMiB() {
		if (!Platform.isLinux()) return null;
		try {
			MallInfo2 m = GlibcInfo.C.mallinfo2();
			return new double[] {(m.uordblks + m.hblkhd) / 1048576.0, (m.arena + m.hblkhd) / 1048576.0};
		} catch (LinkageError | RuntimeException e) { // no glibc, or one older than 2.33
			return null;
		}
	}

	private interface GlibcInfo extends Library {
		GlibcInfo C = Native.load("c", GlibcInfo.class); // loaded on first use (interface initialisation)

		MallInfo2.ByValue mallinfo2();
	}

	/** glibc's struct mallinfo2 (malloc.h): sizes in bytes. */
	@Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost"})
	public static class MallInfo2 extends Structure {
		public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;

		public static class ByValue extends MallInfo2 implements Structure.ByValue {}
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

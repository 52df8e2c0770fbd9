package io.github.stylegan4fiji.core;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Process-wide settings that must be in place before libtorch runs its first operation.
 * <p>
 * {@code MKL_CBWR=COMPATIBLE} (MKL's conditional numerical reproducibility) is set unless the user set
 * it. It was introduced against run-to-run drift in training; that drift came from DJL's scalar
 * defect (see {@link Scalars}), and with that fixed, runs are bit-identical with MKL's default too
 * (docs/training.md). Kept as a harmless extra guarantee for MKL's own kernels.
 */
public final class EngineSetup {

	private static boolean done;

	private interface CLib extends Library {
		int setenv(String name, String value, int overwrite);

		String getenv(String name);
	}

	private EngineSetup() {}

	public static synchronized void init() {
		if (done) return;
		done = true;
		if (System.getenv("MKL_CBWR") != null || Platform.isWindows()) return;
		try {
			CLib c = Native.load("c", CLib.class);
			c.setenv("MKL_CBWR", "COMPATIBLE", 0);
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			// not fatal: results stay correct
		}
	}

	/** A variable of the process environment as libtorch sees it (System.getenv misses what {@link #init} set). */
	public static String processEnv(String name) {
		try {
			return Platform.isWindows() ? System.getenv(name) : Native.load("c", CLib.class).getenv(name);
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			return System.getenv(name);
		}
	}
}

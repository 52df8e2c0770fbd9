package io.github.stylegan4fiji.core;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Process-wide settings that must be in place before libtorch runs its first operation.
 * <p>
 * MKL (linked into libtorch's CPU build) picks matrix kernels by memory alignment unless told
 * otherwise, so the same training step could round differently from run to run and a resumed run
 * would drift from an uninterrupted one. {@code MKL_CBWR=COMPATIBLE} (MKL's conditional numerical
 * reproducibility) makes results bit-identical; it is set here unless the user set it already.
 */
public final class EngineSetup {

	private static boolean done;

	private interface CLib extends Library {
		int setenv(String name, String value, int overwrite);
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
			// not fatal: results stay correct, only bit-exact resume is not guaranteed
		}
	}
}

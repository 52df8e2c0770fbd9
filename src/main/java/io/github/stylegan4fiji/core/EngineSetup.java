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
 * <p>
 * glibc's allocator is told to keep freed memory ({@link #keepFreedMemory}).
 */
public final class EngineSetup {

	private static boolean done;

	private interface CLib extends Library {
		int setenv(String name, String value, int overwrite);

		String getenv(String name);

		int mallopt(int param, int value);

		int malloc_trim(long pad);
	}

	/** glibc's mallopt parameters (malloc.h). */
	private static final int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;
	/** Above glibc's per-thread heap size (HEAP_MAX_SIZE, 64 MiB on 64-bit), see {@link #keepFreedMemory}. */
	private static final int TOP_PAD = 128 << 20;
	/** What {@link #init} did to the allocator, for the doctor report. */
	private static String allocator = "not changed";
	/** glibc's allocator, once {@link #keepFreedMemory} has told it to keep freed memory; else null. */
	private static CLib keeping;

	private EngineSetup() {}

	public static synchronized void init() {
		if (done) return;
		done = true;
		if (Platform.isWindows()) return;
		try {
			CLib c = Native.load("c", CLib.class);
			if (System.getenv("MKL_CBWR") == null) c.setenv("MKL_CBWR", "COMPATIBLE", 0);
			keepFreedMemory(c);
		} catch (UnsatisfiedLinkError | RuntimeException e) {
			// not fatal: results stay correct, only slower on some machines
		}
	}

	/**
	 * glibc hands blocks above a (dynamic) threshold back to the system on free, so every batch's
	 * large activations are mapped afresh and page-faulted in again, and libtorch's oneDNN reorders
	 * run on cold memory: 3–6× slower sampling on some machines (issue 17). Raising the mmap and
	 * trim thresholds keeps freed memory in the process for reuse (peak memory stays the same: the
	 * blocks are reused, not added). In-process, so it reaches Fiji, where no allocator can be
	 * preloaded. Off with -Dstylegan4fiji.mallopt=false; only on Linux (glibc).
	 * <p>
	 * The trim threshold does not cover everything: Java threads allocate from glibc's per-thread
	 * arenas, made of 64-MiB heaps, and a heap that becomes empty is unmapped whatever the
	 * threshold unless the top pad exceeds a heap's size (glibc's {@code heap_trim}). When a batch's
	 * activations straddle a heap boundary, that heap is unmapped at the end of every batch and
	 * faulted in again by the next: measured on a 2-core EPYC VM, res-32 generation ran at either
	 * 32 ms or 112–125 ms per batch from one start to the next (155k vs 2.0–2.2M page faults per
	 * 200 batches); with the top pad, 32–43 ms and 84k faults every time. The pad is address space
	 * only (untouched pages cost no memory).
	 */
	private static void keepFreedMemory(CLib c) {
		if (!Platform.isLinux() || "false".equals(System.getProperty("stylegan4fiji.mallopt"))) return;
		int mmap = c.mallopt(M_MMAP_THRESHOLD, 1 << 30), trim = c.mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE);
		int pad = c.mallopt(M_TOP_PAD, TOP_PAD);
		keeping = c;
		allocator = "glibc mallopt: mmap threshold 1 GiB " + (mmap == 1 ? "set" : "refused")
			+ ", trim threshold " + (trim == 1 ? "set" : "refused") + ", top pad 128 MiB " + (pad == 1 ? "set" : "refused");
	}

	/**
	 * Hands the memory the allocator keeps ({@link #keepFreedMemory}) back to the system: called when
	 * a job closes its model and between training phases whose tensors differ (snapshots, metrics, a
	 * new resolution), so that memory kept for one phase is not held by an idle Fiji or by the next
	 * phase. glibc's {@code malloc_trim} releases the free pages inside every arena, not just the top
	 * of the heap; pages in use stay. It costs ≈ 0.1–0.2 s per GiB kept, and the next batch faults its
	 * pages in again once. Does nothing where {@link #init} did not change the allocator.
	 */
	public static void releaseFreedMemory() {
		CLib c;
		synchronized (EngineSetup.class) {
			c = keeping;
		}
		if (c != null) c.malloc_trim(0);
	}

	/** What was done to the allocator at start-up (for the doctor report). */
	public static synchronized String allocator() {
		return allocator;
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

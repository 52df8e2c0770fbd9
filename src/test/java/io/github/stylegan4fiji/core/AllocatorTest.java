package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * EngineSetup's allocator settings on Linux (glibc): freed tensor memory stays in the process (so the
 * next batch does not fault it in again, issue 17) and {@link EngineSetup#releaseFreedMemory} gives
 * it back. Measured on resident memory and on glibc's own accounting.
 */
class AllocatorTest {

	/** 32 tensors of 8 MiB: the size of training activations, below glibc's 64-MiB heaps (larger ones are always mmapped). */
	private static final int BLOCKS = 32, BLOCK_FLOATS = 2 << 20;
	private static final double TOTAL_MIB = BLOCKS * BLOCK_FLOATS * 4 / 1048576.0;

	@Test
	void freedMemoryIsKeptUntilReleased() {
		assumeTrue(com.sun.jna.Platform.isLinux(), "glibc's allocator settings are Linux-only");
		Devices.parse("cpu"); // EngineSetup.init
		assertTrue(EngineSetup.allocator().startsWith("glibc mallopt"), EngineSetup.allocator());
		EngineSetup.releaseFreedMemory();
		double rss0 = ProcessMemory.residentMiB();
		double[] malloc0 = ProcessMemory.allocatorMiB();
		assertNotNull(malloc0, "glibc's mallinfo2");
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			List<NDArray> blocks = new ArrayList<>();
			for (int i = 0; i < BLOCKS; i++) blocks.add(m.ones(new Shape(BLOCK_FLOATS))); // written: resident
			double[] inUse = ProcessMemory.allocatorMiB();
			assertTrue(inUse[0] - malloc0[0] > 0.9 * TOTAL_MIB, "in use with the blocks: " + inUse[0] + " vs " + malloc0[0] + " MiB before");
		}
		double rss1 = ProcessMemory.residentMiB();
		double[] malloc1 = ProcessMemory.allocatorMiB();
		assertTrue(malloc1[0] - malloc0[0] < 0.1 * TOTAL_MIB, "freed blocks still in use: " + malloc1[0] + " vs " + malloc0[0] + " MiB");
		assertTrue(malloc1[1] - malloc1[0] > 0.9 * TOTAL_MIB, "freed blocks not kept by the allocator: held " + malloc1[1] + ", in use " + malloc1[0] + " MiB");
		assertTrue(rss1 - rss0 > 0.8 * TOTAL_MIB, "freed blocks not resident: " + rss0 + " → " + rss1 + " MiB");
		EngineSetup.releaseFreedMemory();
		double rss2 = ProcessMemory.residentMiB();
		assertTrue(rss1 - rss2 > 0.8 * TOTAL_MIB, "release gave back only " + (rss1 - rss2) + " of " + TOTAL_MIB + " MiB");
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.*;

/** Uploads are exact and do not pile up Java direct buffers (DJL allocates one per create(float[])). */
class HostArraysTest {

	private static long directBytes() {
		for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
			if (b.getName().equals("direct")) return b.getMemoryUsed();
		throw new IllegalStateException("no direct buffer pool");
	}

	@Test
	void valuesArriveExactly() {
		try (NDManager m = NDManager.newBaseManager()) {
			float[] f = {1.5f, -2f, Float.MIN_VALUE, 3e38f, 0f, -0f};
			NDArray a = HostArrays.upload(m, f, new Shape(2, 3));
			assertEquals(new Shape(2, 3), a.getShape());
			assertArrayEquals(f, a.toFloatArray());
			int[] i = {7, -1, Integer.MAX_VALUE};
			NDArray b = HostArrays.upload(m, i);
			assertEquals(DataType.INT32, b.getDataType());
			assertArrayEquals(i, b.toIntArray());
			// a second, smaller upload reuses the staging buffer without leaking the first's values
			assertArrayEquals(new float[] {9f}, HostArrays.upload(m, new float[] {9f}).toFloatArray());
		}
	}

	@Test
	void directMemoryStaysBoundedOverManyUploads() {
		float[] data = new float[256 * 1024]; // 1 MiB
		try (NDManager m = NDManager.newBaseManager()) {
			HostArrays.upload(m, data, new Shape(data.length)).close();
			long before = directBytes();
			for (int i = 0; i < 1000; i++) {
				data[i] = i;
				NDArray a = HostArrays.upload(m, data, new Shape(data.length));
				assertEquals((float) i, a.getFloat(i));
				a.close();
			}
			long growth = directBytes() - before;
			// 1000 uploads of 1 MiB: DJL's own path would hold up to 1000 MiB of direct buffers until a collection
			assertTrue(growth < 16 << 20, "direct memory grew by " + (growth >> 20) + " MiB");
		}
	}
}

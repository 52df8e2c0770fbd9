package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Gradients through x·s and x/s must not depend on the garbage collector (DJL's mul(Number) keeps
 * the number in a Java buffer that a collection frees while autograd still needs it; see Scalars).
 */
class ScalarsTest {

	/** A collection, then fresh direct buffers filled with 7777 over the freed memory. */
	private static List<ByteBuffer> collectAndOverwrite() throws InterruptedException {
		System.gc();
		Thread.sleep(5);
		List<ByteBuffer> junk = new ArrayList<>();
		for (int k = 0; k < 200; k++) {
			ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
			b.putFloat(0, 7777f);
			b.putFloat(4, 7777f);
			junk.add(b);
		}
		return junk;
	}

	@Test
	void gradientsSurviveAGarbageCollectionBetweenForwardAndBackward() throws Exception {
		try (NDManager m = NDManager.newBaseManager()) {
			for (DataType t : new DataType[] {DataType.FLOAT32, DataType.FLOAT64})
				for (int rep = 0; rep < 20; rep++) {
					NDArray x = m.ones(new Shape(8), t);
					x.setRequiresGradient(true);
					Autograd.gradMode(true);
					NDArray y = Scalars.mul(x, 3).add(Scalars.div(x, 4));
					List<ByteBuffer> junk = collectAndOverwrite();
					Autograd.backward(y.sum());
					Autograd.gradMode(false);
					assertEquals(3.25, x.getGradient().toType(DataType.FLOAT64, false).getDouble(0), 1e-6, t + " try " + rep);
					assertFalse(junk.isEmpty());
				}
		}
	}

	@Test
	void valuesAndTypes() {
		try (NDManager m = NDManager.newBaseManager()) {
			NDArray x = m.create(new double[] {1.5, -2});
			NDArray y = Scalars.div(Scalars.mul(x, 0.1), 3);
			assertEquals(DataType.FLOAT64, y.getDataType());
			assertEquals(1.5 * 0.1 / 3, y.getDouble(0), 1e-16);
			NDArray f = Scalars.mul(m.create(new float[] {2f}), 0.25);
			assertEquals(DataType.FLOAT32, f.getDataType());
			assertEquals(0.5f, f.getFloat(0));
		}
	}
}

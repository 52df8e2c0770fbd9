package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Host arrays → tensors in libtorch's own memory, through one reused staging buffer per thread.
 * <p>
 * {@code NDManager.create(float[])} copies into a fresh Java direct buffer per call, which only the
 * garbage collector frees: in loops with little heap churn (sampling, metrics) those buffers piled up
 * to gigabytes before a collection. Here a direct buffer (native byte order, grown as needed, kept
 * per thread up to {@link #MAX_STAGING} bytes) is handed to libtorch, which wraps it; the tensor is
 * then copied into a libtorch allocation and the wrapper dropped, so the staging buffer is free again.
 * The copy also gives the tensor libtorch's usual 64-byte alignment (a wrapped Java buffer's alignment
 * depends on heap history). Larger arrays take DJL's own path (rare, one-off uploads).
 */
public final class HostArrays {

	/** Staging buffers above this size are not kept. */
	static final int MAX_STAGING = 64 << 20;

	private static final ThreadLocal<ByteBuffer> staging = new ThreadLocal<>();

	private HostArrays() {}

	public static NDArray upload(NDManager m, float[] data, Shape shape) {
		int bytes = data.length * 4;
		if (bytes > MAX_STAGING) return copied(m.create(data, shape));
		ByteBuffer b = stagingBuffer(bytes);
		b.asFloatBuffer().put(data);
		return copied(m.create(b, shape, DataType.FLOAT32));
	}

	public static NDArray upload(NDManager m, int[] data, Shape shape) {
		int bytes = data.length * 4;
		if (bytes > MAX_STAGING) return copied(m.create(data, shape));
		ByteBuffer b = stagingBuffer(bytes);
		b.asIntBuffer().put(data);
		return copied(m.create(b, shape, DataType.INT32));
	}

	public static NDArray upload(NDManager m, float[] data) {
		return upload(m, data, new Shape(data.length));
	}

	public static NDArray upload(NDManager m, int[] data) {
		return upload(m, data, new Shape(data.length));
	}

	/** A buffer of exactly {@code bytes} remaining, from position 0. */
	private static ByteBuffer stagingBuffer(int bytes) {
		ByteBuffer b = staging.get();
		if (b == null || b.capacity() < bytes) {
			b = ByteBuffer.allocateDirect(Math.max(bytes, 1 << 16)).order(ByteOrder.nativeOrder());
			staging.set(b);
		}
		b.clear();
		b.limit(bytes);
		return b;
	}

	private static NDArray copied(NDArray wrapped) {
		NDArray owned = wrapped.duplicate();
		wrapped.close();
		return owned;
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Host float arrays → tensors in libtorch's own (64-byte aligned) memory. {@code NDManager.create}
 * wraps a Java direct buffer whose address alignment depends on the Java heap's history, and
 * libtorch's vectorised CPU kernels take alignment-dependent paths: the same values then round
 * differently from run to run. Copying into a libtorch allocation makes results reproducible.
 */
public final class HostArrays {

	private HostArrays() {}

	public static NDArray upload(NDManager m, float[] data, Shape shape) {
		NDArray wrapped = m.create(data, shape);
		NDArray owned = wrapped.duplicate();
		wrapped.close();
		return owned;
	}
}

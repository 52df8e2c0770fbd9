package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * x · s and x / s for a number s, with s in libtorch's own memory. Use these, not DJL's
 * {@code mul(Number)} / {@code div(Number)}, wherever a gradient may flow.
 * <p>
 * <b>Why.</b> DJL 0.36's PyTorch engine turns the number into a 0-d tensor that wraps a Java direct
 * buffer, multiplies, and closes its handle. Autograd keeps that 0-d tensor for the backward pass
 * (∂(x·s)/∂x = s), but the Java buffer is now unreachable: once the garbage collector frees it, the
 * backward reads freed memory. Measured: d(3x)/dx came out as whatever was written there next
 * (7777 in {@code ScalarsTest}) in 50 of 50 tries with a collection between forward and backward.
 * In training this made gradients wrong whenever a collection fell inside a step — the "sporadic NaN
 * divergence" and run-to-run drift seen earlier. A scalar made by libtorch ({@code full}) or copied
 * into libtorch memory stays valid for as long as autograd holds it.
 */
public final class Scalars {

	private Scalars() {}

	public static NDArray mul(NDArray x, double s) {
		if (s == 1.0) return x;
		try (NDArray k = constant(x, s)) { // libtorch memory: autograd keeps its own reference after this handle closes
			return x.mul(k);
		}
	}

	public static NDArray div(NDArray x, double s) {
		if (s == 1.0) return x;
		try (NDArray k = constant(x, s)) {
			return x.div(k);
		}
	}

	/** A 0-d tensor of x's type and device holding s, allocated by libtorch. */
	public static NDArray constant(NDArray x, double s) {
		NDManager m = x.getManager();
		if (x.getDataType() == DataType.FLOAT32) return m.full(new Shape(), (float) s, DataType.FLOAT32);
		NDArray wrapped = m.create(new double[] {s}, new Shape());
		NDArray owned = wrapped.toDevice(x.getDevice(), true).toType(x.getDataType(), true).duplicate(); // libtorch's copy
		wrapped.close();
		return owned;
	}
}

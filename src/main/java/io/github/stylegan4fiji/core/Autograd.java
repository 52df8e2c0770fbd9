package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few autograd calls training needs, without DJL's GradientCollector (which zeroes every
 * gradient of the engine): backward of a scalar, zeroing chosen gradients, switching grad mode.
 * PyTorch-specific, like the rest of the project.
 */
public final class Autograd {

	private Autograd() {}

	public static void gradMode(boolean on) {
		JniUtils.setGradMode(on);
	}

	/** Back-propagates a scalar (first order: no graph is kept for the gradients). */
	public static void backward(NDArray scalar) {
		NDArray ones = scalar.onesLike();
		JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
		ones.close();
	}

	/** Whether autograd records operations on this tensor (requires_grad; not DJL's cached flag). */
	public static boolean requiresGrad(NDArray tensor) {
		return JniUtils.requiresGrad((PtNDArray) tensor);
	}

	public static void zeroGrad(NDArray tensor) {
		JniUtils.zeroGrad((PtNDArray) tensor);
	}
}

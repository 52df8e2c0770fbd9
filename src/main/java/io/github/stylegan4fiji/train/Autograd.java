package io.github.stylegan4fiji.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The few autograd calls training needs beyond DJL's GradientCollector: double back-propagation
 * (create_graph, for the R1 penalty), zeroing gradients of chosen tensors and switching grad mode.
 * PyTorch-specific, like the rest of the project.
 */
final class Autograd {

	private Autograd() {}

	static void gradMode(boolean on) {
		JniUtils.setGradMode(on);
	}

	/** Back-propagates a scalar; with {@code createGraph} the gradients are themselves differentiable. */
	static void backward(NDArray scalar, boolean createGraph) {
		NDArray ones = scalar.onesLike();
		JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, createGraph, createGraph);
		ones.close();
	}

	static void zeroGrad(NDArray tensor) {
		JniUtils.zeroGrad((PtNDArray) tensor);
	}

	/** Runs {@code body} with grad mode on, restoring it afterwards. */
	static void withGrad(Runnable body) {
		boolean was = JniUtils.isGradMode();
		JniUtils.setGradMode(true);
		try {
			body.run();
		} finally {
			JniUtils.setGradMode(was);
		}
	}
}

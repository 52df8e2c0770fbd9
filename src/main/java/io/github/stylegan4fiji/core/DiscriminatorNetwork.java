package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.List;

/** The discriminator side of the seam described at {@link GeneratorNetwork}. */
public interface DiscriminatorNetwork {

	List<ParamSpec> parameters();

	/**
	 * images [N, channels, res, res] and one-hot labels [N, labelSize] (null for an unconditional
	 * model) → scores [N, 1] at a level of detail.
	 */
	NDArray forward(Params p, NDArray images, NDArray labels, double lod);

	default NDArray forward(Params p, NDArray images, double lod) {
		return forward(p, images, null, lod);
	}

	/**
	 * Scores and ∇ₓΣD(x), written with differentiable ops so that R1's gradient with respect to the
	 * weights comes from one first-order backward pass.
	 */
	NDArray[] forwardWithInputGradient(Params p, NDArray images, NDArray labels, double lod);

	/**
	 * {scores of images, ∇ₓΣD(x) of images, scores of others}: {@link #forwardWithInputGradient} and
	 * {@link #forward} of a second minibatch of the same shape and labels in one call — the same values,
	 * minibatch statistics taken within each minibatch (the D loss's reals and fakes).
	 */
	NDArray[] forwardPairWithInputGradient(Params p, NDArray images, NDArray others, NDArray labels, double lod);

	default NDArray[] forwardWithInputGradient(Params p, NDArray images, double lod) {
		return forwardWithInputGradient(p, images, null, lod);
	}
}

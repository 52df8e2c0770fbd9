package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * An image embedding used by the metrics: features for FID, KID and precision/recall, a perceptual
 * distance for PPL and class scores for linear separability. Inputs are images in the model's range
 * [−1, 1], [N, C, H, W], on the network's device; the network adapts size and channel count.
 */
public interface FeatureNetwork extends AutoCloseable {

	/** Identifies the network and its weights (part of the cache key of real-image statistics). */
	String id();

	int featureSize();

	/** Where inputs must live (device) and where intermediate arrays are made. */
	ai.djl.ndarray.NDManager manager();

	/** [N, featureSize]. */
	NDArray features(NDArray images);

	/**
	 * Perceptual distance of image pairs, [N]: squared L2 of channel-normalised activations
	 * (LPIPS-style), which PPL divides by ε².
	 */
	NDArray perceptualDistance(NDArray a, NDArray b);

	/** Throws IllegalArgumentException with the reason unless images of this shape can be used. */
	default void checkCompatible(int channels, int size) {}

	/** Whether {@link #perceptualDistance} and {@link #logits} work (PPL, LS). */
	default boolean hasPerceptualDistance() {
		return true;
	}

	/** Class names of the logits, empty when the network has no classifier head. */
	List<String> classNames();

	/** [N, classes] class logits. */
	NDArray logits(NDArray images);

	@Override
	void close();
}

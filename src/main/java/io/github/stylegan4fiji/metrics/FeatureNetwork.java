package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import io.github.stylegan4fiji.core.ConvShape;
import io.github.stylegan4fiji.core.Convolutions;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * An image embedding used by the metrics: features for FID, KID and precision/recall, a perceptual
 * distance for PPL and class scores for linear separability. Inputs are images in the model's range
 * [−1, 1], [N, C, H, W], on the network's device; the network adapts size and channel count.
 */
public interface FeatureNetwork extends AutoCloseable {

	/** Identifies the network and its weights (part of the cache key of real-image statistics). */
	String id();

	int featureSize();

	/**
	 * The convolutions (at batch 1) this network runs through the project's {@link Convolutions}, for
	 * the engine's self-check; empty for networks that run their own (TorchScript).
	 */
	default Set<ConvShape> convolutionShapes() {
		return Collections.emptySet();
	}

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

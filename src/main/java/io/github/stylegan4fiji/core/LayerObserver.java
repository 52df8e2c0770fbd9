package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

/**
 * Sees the activation after each style layer's AdaIN (for tests, visualisation and debugging). The
 * network frees it once the next layer has read it: an observer that keeps it keeps a copy.
 */
@FunctionalInterface
public interface LayerObserver {
	void accept(int layer, NDArray activation);

	LayerObserver NONE = (layer, activation) -> {};
}

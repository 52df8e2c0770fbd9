package io.github.stylegan4fiji.metrics;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Collections;
import java.util.List;

/** A feature network for tests: features = pixels, distance = squared L2 of the pixels. */
final class PixelDistance implements FeatureNetwork {

	private final NDManager manager = Engine.getInstance().newBaseManager();
	private final int size;

	PixelDistance(int size) {
		this.size = size;
	}

	@Override
	public String id() {
		return "pixels";
	}

	@Override
	public int featureSize() {
		return size;
	}

	@Override
	public NDManager manager() {
		return manager;
	}

	@Override
	public NDArray features(NDArray images) {
		return images.reshape(images.getShape().get(0), -1);
	}

	@Override
	public NDArray perceptualDistance(NDArray a, NDArray b) {
		return features(a).sub(features(b)).square().sum(new int[] {1});
	}

	@Override
	public List<String> classNames() {
		return Collections.emptyList();
	}

	@Override
	public NDArray logits(NDArray images) {
		throw new UnsupportedOperationException();
	}

	@Override
	public void close() {
		manager.close();
	}
}

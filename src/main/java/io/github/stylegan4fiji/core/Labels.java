package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Class labels as the networks take them: one-hot rows [n, classes] (the official {@code labels_in}). */
public final class Labels {

	private Labels() {}

	/** Host one-hot rows, row-major [labels.length, classes]. */
	public static float[] oneHot(int[] labels, int classes) {
		float[] v = new float[labels.length * classes];
		for (int i = 0; i < labels.length; i++) {
			if (labels[i] < 0 || labels[i] >= classes)
				throw new IllegalArgumentException("class " + labels[i] + " outside 0…" + (classes - 1));
			v[i * classes + labels[i]] = 1f;
		}
		return v;
	}

	public static NDArray oneHot(NDManager m, int[] labels, int classes) {
		return HostArrays.upload(m, oneHot(labels, classes), new Shape(labels.length, classes));
	}
}

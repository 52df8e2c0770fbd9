package io.github.stylegan4fiji.core;

import java.util.Arrays;

/**
 * One named tensor a network declares: its official StyleGAN variable name, PyTorch-order shape and
 * how it starts. {@code trainable = false} marks buffers (fixed noise maps, dlatent_avg).
 */
public final class ParamSpec {

	public enum Init { NORMAL, ZEROS, ONES }

	public final String name;
	public final long[] shape;
	public final Init init;
	/** Standard deviation for {@link Init#NORMAL} (1/lrmul under the equalized learning rate). */
	public final double std;
	public final boolean trainable;

	public ParamSpec(String name, long[] shape, Init init, double std, boolean trainable) {
		this.name = name;
		this.shape = shape.clone();
		this.init = init;
		this.std = std;
		this.trainable = trainable;
	}

	public long size() {
		long n = 1;
		for (long d : shape) n *= d;
		return n;
	}

	@Override
	public String toString() {
		return name + Arrays.toString(shape);
	}
}

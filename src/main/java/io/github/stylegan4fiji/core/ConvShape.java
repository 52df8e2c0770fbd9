package io.github.stylegan4fiji.core;

import java.util.Objects;

/**
 * One 2-D convolution as the project runs it: input [batch, in, height, width], a square kernel
 * [out, in / groups, kernel, kernel], symmetric zero padding. Used to choose how the convolution is
 * computed ({@link Convolutions}) and to check it against float64 ({@link EngineCheck}).
 */
public final class ConvShape {

	public final int batch, in, out, height, width, kernel, stride, pad, groups;

	public ConvShape(int batch, int in, int out, int height, int width, int kernel, int stride, int pad, int groups) {
		if (batch < 1 || in < 1 || out < 1 || height < 1 || width < 1 || kernel < 1 || stride < 1 || pad < 0 || groups < 1
			|| in % groups != 0 || out % groups != 0)
			throw new IllegalArgumentException("not a convolution: " + describe(batch, in, out, height, width, kernel, stride, pad, groups));
		this.batch = batch;
		this.in = in;
		this.out = out;
		this.height = height;
		this.width = width;
		this.kernel = kernel;
		this.stride = stride;
		this.pad = pad;
		this.groups = groups;
	}

	public int outHeight() {
		return (height + 2 * pad - kernel) / stride + 1;
	}

	public int outWidth() {
		return (width + 2 * pad - kernel) / stride + 1;
	}

	/** The same convolution with another batch size and spatial size. */
	public ConvShape resized(int newBatch, int newHeight, int newWidth) {
		return new ConvShape(newBatch, in, out, newHeight, newWidth, kernel, stride, pad, groups);
	}

	/** Multiply-adds of the forward pass. */
	public double macs() {
		return (double) batch * out * outHeight() * outWidth() * (in / groups) * kernel * kernel;
	}

	@Override
	public boolean equals(Object o) {
		if (!(o instanceof ConvShape)) return false;
		ConvShape s = (ConvShape) o;
		return batch == s.batch && in == s.in && out == s.out && height == s.height && width == s.width && kernel == s.kernel
			&& stride == s.stride && pad == s.pad && groups == s.groups;
	}

	@Override
	public int hashCode() {
		return Objects.hash(batch, in, out, height, width, kernel, stride, pad, groups);
	}

	@Override
	public String toString() {
		return describe(batch, in, out, height, width, kernel, stride, pad, groups);
	}

	private static String describe(int n, int in, int out, int h, int w, int k, int s, int p, int g) {
		return "batch " + n + ", " + in + " → " + out + " channels, " + h + "×" + w + ", kernel " + k + " stride " + s + " pad " + p
			+ (g > 1 ? " groups " + g : "");
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every convolution of the project (G, D, R1's adjoint, the feature network) goes through here.
 * <p>
 * <b>Why.</b> libtorch 2.7.1 computes float32 convolutions on the CPU with oneDNN 3.7.1, whose
 * kernels return wrong values, or NaN read from memory they never wrote, on some CPUs (seen on AMD
 * EPYC with AVX-512): for channel counts that are not multiples of 16 (forward and input gradient),
 * and for stride-2 convolutions at multiples of 16 that are not powers of two. Shapes outside that
 * set were correct in every probe (docs/design.md, "Convolutions on the CPU"). So on the CPU:
 * <ul>
 * <li>convolutions whose input and output channels are multiples of 16 (powers of two when
 * strided), or an image's 1 or 3 channels into a multiple of 16, run through libtorch's conv2d
 * ({@link Route#LIBTORCH}, fast);</li>
 * <li>unstrided k×k convolutions (k > 1) with other channel counts run as {@link Route#PADDED}:
 * channels padded with zeros (input and kernel) to multiples of 16, libtorch's conv2d, the extra
 * output channels dropped — e.g. D's convolution after minibatch stddev (C + 1 inputs) and its
 * adjoint, 3–4× faster than GEMM there;</li>
 * <li>all others run as {@link Route#GEMM}: the k×k shifted
 * (strided) slices of the padded input stacked into columns and one matrix product with the
 * kernel (BLAS sgemm; forward and both
 * gradients then come from slicing and matrix-product kernels, never from a convolution kernel).
 * A 1×1 convolution is a plain matrix product this way, the cheapest form anyway.</li>
 * </ul>
 * {@link EngineCheck} verifies the routes for a model's shapes against float64 before training and
 * metric jobs; a shape that fails there is {@linkplain #distrust distrusted} and from then on runs as
 * GEMM. On CUDA every convolution goes to libtorch (cuDNN), still checked by {@link EngineCheck}.
 * <p>
 * The system property {@code stylegan4fiji.conv} ({@code auto}, {@code gemm}, {@code libtorch})
 * forces one route for diagnostics and benchmarks; {@code auto} is the default.
 */
public final class Convolutions {

	/** How one convolution is computed. */
	public enum Route {
		/** libtorch's conv2d (oneDNN on the CPU, cuDNN on CUDA). */
		LIBTORCH,
		/** Channels zero-padded to multiples of 16, then libtorch's conv2d; the extra outputs dropped. */
		PADDED,
		/** Shifted slices stacked into columns and one matrix product. */
		GEMM
	}

	/** The {@code stylegan4fiji.conv} property, read once (this is on every convolution's path). */
	private static final String FORCED = System.getProperty("stylegan4fiji.conv", "auto").trim().toLowerCase(Locale.ROOT);
	private static final Set<String> distrusted = ConcurrentHashMap.newKeySet();
	private static final ThreadLocal<Set<ConvShape>> recorder = new ThreadLocal<>();

	private Convolutions() {}

	/** 'Same'-style convolution with a square kernel; bias [out] or null. */
	public static NDArray conv2d(NDArray x, NDArray w, NDArray bias, int stride, int pad) {
		return conv2d(x, w, bias, stride, pad, 1);
	}

	/** Grouped convolution (groups = channels: depthwise). */
	public static NDArray conv2d(NDArray x, NDArray w, NDArray bias, int stride, int pad, int groups) {
		ConvShape s = shapeOf(x, w, stride, pad, groups);
		Set<ConvShape> rec = recorder.get();
		if (rec != null) { // shape recording: the value is not needed, only what follows from the shape
			rec.add(s);
			NDArray y = x.getManager().zeros(new Shape(s.batch, s.out, s.outHeight(), s.outWidth()), x.getDataType(), x.getDevice());
			return bias == null ? y : y.add(bias.reshape(1, -1, 1, 1));
		}
		return compute(x, w, bias, s, route(s, x.getDevice()));
	}

	/** The route a shape takes on a device, as {@link #conv2d} would choose it now. */
	public static Route route(ConvShape s, Device device) {
		if (FORCED.equals("gemm")) return Route.GEMM;
		if (FORCED.equals("libtorch")) return Route.LIBTORCH;
		boolean isDistrusted = !distrusted.isEmpty() && distrusted.contains(signature(s)); // usually empty: no string per call
		if (!Device.Type.CPU.equals(device.getDeviceType())) return isDistrusted ? Route.GEMM : Route.LIBTORCH;
		if (s.kernel == 1 && s.stride == 1 && s.pad == 0 && s.groups == 1) return Route.GEMM; // a plain matrix product
		if (isDistrusted) return Route.GEMM;
		if (oneDnnKnownGood(s)) return Route.LIBTORCH;
		// one input channel into another count: padded to 16 channels it would do 16× the multiply-adds, as
		// columns it is a product with k² rows
		if (s.in == 1 && s.groups == 1) return Route.GEMM;
		// not for 1×1: libtorch picks another backend for those below batch 16 (and warns on every call
		// that NNPACK is unavailable), so the engine check's small batches would not test what a job runs
		return s.groups == 1 && s.stride == 1 ? Route.PADDED : Route.GEMM;
	}

	/** c rounded up to a multiple of 16. */
	static int paddedChannels(int c) {
		return (c + 15) / 16 * 16;
	}

	/**
	 * The shapes for which oneDNN's float32 kernels were right in every probe, including on CPUs
	 * where others are wrong: channel counts that are multiples of 16, powers of two when strided;
	 * an image's 1 or 3 channels into a multiple of 16 (the metrics network's first layer); depthwise
	 * 3×3 with a multiple of 16 channels.
	 */
	static boolean oneDnnKnownGood(ConvShape s) {
		if (s.groups > 1) return s.groups == s.in && s.in == s.out && s.in % 16 == 0 && s.stride == 1;
		// 1 or 3 → 16, 32, 128 were right in all 270 such cases of the conv-check tool's full run on a CPU with
		// the defect (kernels 1–4, strides 1–2, batches 1/4/16, sizes 4/8/32; output and both gradients), where
		// 17, 24, 33, 129 or 257 in, or 1 or 3 out, were wrong in 10–30 of each 45. As GEMM the metrics network's
		// first layer on grayscale (batch 64, 1 → 32 at 32²) took 1.9–2.0 ms per pass, here 0.8–0.9. The engine
		// check still verifies every job's shapes on its machine before they run
		boolean imageInput = (s.in == 1 || s.in == 3) && s.out % 16 == 0;
		boolean multiples = s.in % 16 == 0 && s.out % 16 == 0 || imageInput;
		return multiples && (s.stride == 1 || Integer.bitCount(s.in) == 1 && Integer.bitCount(s.out) == 1);
	}

	/** From now on, convolutions of this kind (channels, kernel, stride, padding) run as GEMM. */
	public static void distrust(ConvShape s) {
		distrusted.add(signature(s));
	}

	static String signature(ConvShape s) {
		return s.in + "/" + s.out + "/" + s.kernel + "/" + s.stride + "/" + s.pad + "/" + s.groups;
	}

	/**
	 * Runs {@code body} on this thread with convolutions replaced by zeros of the right shape and
	 * returns the shapes it asked for. Cheap: no convolution is computed.
	 */
	public static Set<ConvShape> record(Runnable body) {
		Set<ConvShape> shapes = new LinkedHashSet<>();
		Set<ConvShape> outer = recorder.get();
		recorder.set(shapes);
		try {
			body.run();
		} finally {
			if (outer == null) recorder.remove();
			else recorder.set(outer);
		}
		return shapes;
	}

	static ConvShape shapeOf(NDArray x, NDArray w, int stride, int pad, int groups) {
		Shape xs = x.getShape(), ws = w.getShape();
		if (xs.dimension() != 4 || ws.dimension() != 4 || ws.get(2) != ws.get(3) || ws.get(1) * groups != xs.get(1))
			throw new IllegalArgumentException("convolution of " + xs + " with kernel " + ws + " (groups " + groups + ")");
		return new ConvShape((int) xs.get(0), (int) xs.get(1), (int) ws.get(0), (int) xs.get(2), (int) xs.get(3),
			(int) ws.get(2), stride, pad, groups);
	}

	/** The convolution computed on a given route (package-private for the engine check and tests). */
	static NDArray compute(NDArray x, NDArray w, NDArray bias, ConvShape s, Route route) {
		if (route == Route.LIBTORCH) {
			return Conv2d.conv2d(x, w, bias, new Shape(s.stride, s.stride), new Shape(s.pad, s.pad), new Shape(1, 1), s.groups)
				.singletonOrThrow();
		}
		if (route == Route.PADDED) return padded(x, w, bias, s);
		NDArray y = s.groups == 1 ? gemm(x, w, s) : depthwiseBySlices(x, w, s);
		return bias == null ? y : y.add(bias.reshape(1, -1, 1, 1));
	}

	/**
	 * Zero input channels (and zero kernel slices for them) add nothing; zero kernel rows give extra
	 * output channels that are dropped. Pads back-propagate as crops, the final crop as a zero-filled
	 * array of the padded output (small: used where the unpadded counts are odd, e.g. C + 1).
	 */
	private static NDArray padded(NDArray x, NDArray w, NDArray bias, ConvShape s) {
		int in = paddedChannels(s.in), out = paddedChannels(s.out);
		// DJL's pad takes (before, after) pairs from the last axis on: channels are the third pair of x, the kernel's
		// input and output channels its third and fourth
		NDArray xp = in == s.in ? x : x.pad(new Shape(0, 0, 0, 0, 0, in - s.in), 0);
		NDArray wp = w.pad(new Shape(0, 0, 0, 0, 0, in - s.in, 0, out - s.out), 0);
		NDArray bp = bias == null || out == s.out ? bias : bias.pad(new Shape(0, out - s.out), 0);
		NDArray y = Conv2d.conv2d(xp, wp, bp, new Shape(s.stride, s.stride), new Shape(s.pad, s.pad), new Shape(1, 1), 1)
			.singletonOrThrow();
		return out == s.out ? y : y.get(":, :" + s.out);
	}

	private static NDArray gemm(NDArray x, NDArray w, ConvShape s) {
		long ho = s.outHeight(), wo = s.outWidth(), k = s.kernel;
		if (k == 1 && s.stride == 1 && s.pad == 0) {
			// one channel in or out (fromRGB / toRGB of grayscale): a broadcast product (and a channel sum)
			// takes half the time of a matrix product with an inner or outer dimension of 1, backward included
			if (s.in == 1) return x.mul(w.reshape(1, s.out, 1, 1));
			if (s.out == 1) return x.mul(w.reshape(1, s.in, 1, 1)).sum(new int[] {1}, true);
			return w.reshape(s.out, s.in).matMul(x.reshape(s.batch, s.in, (long) s.height * s.width)).reshape(s.batch, s.out, ho, wo);
		}
		NDArray cols = NDArrays.stack(slices(x, s), 2).reshape(s.batch, s.in * k * k, ho * wo); // [N, C·k², L], (c, i, j) order
		return w.reshape(s.out, s.in * k * k).matMul(cols).reshape(s.batch, s.out, ho, wo);
	}

	/** Depthwise: Σ over the k² taps of the shifted slice times its per-channel weight. */
	private static NDArray depthwiseBySlices(NDArray x, NDArray w, ConvShape s) {
		if (s.groups != s.in || s.in != s.out)
			throw new UnsupportedOperationException("grouped convolution other than depthwise: " + s);
		NDList sl = slices(x, s);
		NDArray y = null;
		int t = 0;
		for (int i = 0; i < s.kernel; i++)
			for (int j = 0; j < s.kernel; j++) {
				NDArray tap = sl.get(t++).mul(w.get(new NDIndex(":, 0, {}, {}", i, j)).reshape(1, -1, 1, 1));
				y = y == null ? tap : y.add(tap);
			}
		return y;
	}

	/**
	 * The k² input windows [N, C, Ho, Wo] of the zero-padded input, row-major over the taps. Without
	 * stride each window is one pad of x by (p − j, j + p − k + 1, p − i, i + p − k + 1), negative
	 * sides cropping: a pad back-propagates as a crop of its gradient, whereas a crop of the padded
	 * input back-propagates as a zero-filled array of the padded size, k² of them per convolution.
	 */
	private static NDList slices(NDArray x, ConvShape s) {
		int p = s.pad, st = s.stride, k = s.kernel;
		long ho = s.outHeight(), wo = s.outWidth();
		NDList out = new NDList(k * k);
		if (st == 1) {
			for (int i = 0; i < k; i++)
				for (int j = 0; j < k; j++)
					out.add(x.pad(new Shape(p - j, j + p - k + 1, p - i, i + p - k + 1), 0));
			return out;
		}
		NDArray xp = p > 0 ? x.pad(new Shape(p, p, p, p), 0) : x;
		for (int i = 0; i < k; i++)
			for (int j = 0; j < k; j++)
				out.add(xp.get(new NDIndex(":, :, {}:{}:{}, {}:{}:{}", i, i + st * (ho - 1) + 1, st, j, j + st * (wo - 1) + 1, st)));
		return out;
	}
}

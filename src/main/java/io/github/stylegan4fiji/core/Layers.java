package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

import java.util.List;

/**
 * The building blocks of StyleGAN as functions of (input, parameters). Weights are stored as
 * N(0, 1/lrmul) and scaled at run time by gain/√fan_in · lrmul (equalized learning rate, ProGAN §4.1);
 * biases are scaled by lrmul. Shapes follow PyTorch: dense weight [out, in], conv weight
 * [out, in, kh, kw], activations NCHW.
 */
public final class Layers {

	public static final double SQRT2 = Math.sqrt(2.0);
	public static final float LRELU_ALPHA = 0.2f;
	static final float EPS = 1e-8f;

	private static final Shape S2 = new Shape(2, 2);
	private static final Shape P0 = new Shape(0, 0);

	private Layers() {}

	/** Run-time weight coefficient of the equalized learning rate: gain / √fan_in · lrmul. */
	public static double heCoefficient(double gain, long fanIn, double lrmul) {
		return gain / Math.sqrt(fanIn) * lrmul;
	}

	// ---- declarations -------------------------------------------------------------------------

	public static void declareDense(List<ParamSpec> specs, String name, int in, int out, double lrmul) {
		specs.add(new ParamSpec(name + "/weight", new long[] {out, in}, ParamSpec.Init.NORMAL, 1.0 / lrmul, true));
		specs.add(new ParamSpec(name + "/bias", new long[] {out}, ParamSpec.Init.ZEROS, 0, true));
	}

	public static void declareConv(List<ParamSpec> specs, String name, int in, int out, int kernel, boolean bias) {
		specs.add(new ParamSpec(name + "/weight", new long[] {out, in, kernel, kernel}, ParamSpec.Init.NORMAL, 1.0, true));
		if (bias) specs.add(new ParamSpec(name + "/bias", new long[] {out}, ParamSpec.Init.ZEROS, 0, true));
	}

	// ---- dense and convolution ----------------------------------------------------------------

	/** Fully connected layer with bias: x [N, in] → [N, out]. */
	public static NDArray dense(NDArray x, Params p, String name, double gain, double lrmul) {
		NDArray w = p.get(name + "/weight");
		NDArray b = p.get(name + "/bias");
		double coef = heCoefficient(gain, w.getShape().get(1), lrmul);
		return Linear.linear(x, p.derived(name + "/weight×" + coef, () -> Scalars.mul(w, coef)),
			p.derived(name + "/bias×" + lrmul, () -> Scalars.mul(b, lrmul))).singletonOrThrow();
	}

	/** Equalized-LR weight of a conv layer, already scaled. */
	public static NDArray convWeight(Params p, String name, double gain) {
		NDArray w = p.get(name + "/weight");
		Shape s = w.getShape();
		double coef = heCoefficient(gain, s.get(1) * s.get(2) * s.get(3), 1.0);
		return p.derived(name + "/weight×" + coef, () -> Scalars.mul(w, coef));
	}

	static NDArray biasOrNull(Params p, String name) {
		return p.contains(name + "/bias") ? p.get(name + "/bias") : null;
	}

	/**
	 * 'Same' convolution with the layer's bias fused in. In G the official order is conv → noise →
	 * bias; addition commutes, so adding the bias inside the convolution gives the same values.
	 */
	public static NDArray conv(NDArray x, Params p, String name, double gain) {
		NDArray w = convWeight(p, name, gain);
		int k = (int) w.getShape().get(2);
		return Convolutions.conv2d(x, w, biasOrNull(p, name), 1, k / 2);
	}

	/**
	 * Nearest-neighbour 2× upsampling followed by a 3×3 'same' convolution with the scaled kernel
	 * {@code w}, without bias (in the official graph the bias comes after the blur).
	 */
	public static NDArray upConv(NDArray x, NDArray w, boolean fused) {
		return upConvWith(x, fused ? upsamplingPhaseKernel(w) : w);
	}

	/**
	 * {@link #upConv} of layer {@code name}'s scaled kernel, flipped in both spatial axes if asked;
	 * the kernel (and its fused form) is {@linkplain Params#derived derived} once per sampling view.
	 */
	public static NDArray upConv(NDArray x, Params p, String name, double gain, boolean flip, boolean fused) {
		String key = name + "/upsampling×" + gain + (flip ? "/flipped" : "") + (fused ? "/phases" : "");
		return upConvWith(x, p.derived(key, () -> {
			NDArray w = convWeight(p, name, gain);
			if (flip) w = w.flip(2, 3);
			return fused ? upsamplingPhaseKernel(w) : w;
		}));
	}

	/**
	 * Fused (sub-pixel) form: output pixel (2i+a, 2j+b) sees input rows {i−1, i} (a = 0) or
	 * {i, i+1} (a = 1) with the 3×3 taps summed accordingly, i.e. one 2×2 kernel per phase (a, b).
	 * One 2×2 convolution computes all four phases (4/9 of the multiply-adds of upsample + 3×3),
	 * then the phases are interleaved. Same values as the separate form (tested). libtorch's
	 * transposed convolution would do the same but DJL's PyTorch engine does not expose it.
	 * <p>
	 * The four phase kernels are linear in w: one product of w [out·in, 9] with the constant
	 * [4, 9, 4] map gives them in the order the convolution needs, [(a, b), out, in, (p, q)] → [4·out, in, 2, 2]
	 * (a per-phase product of [2, 3] tap matrices was a batched product over out·in tiny matrices).
	 */
	static NDArray upsamplingPhaseKernel(NDArray w) {
		long out = w.getShape().get(0), in = w.getShape().get(1);
		NDArray phaseMap = HostArrays.upload(w.getManager(), UPSAMPLING_PHASE_MAP, new Shape(4, 9, 4))
			.toDevice(w.getDevice(), false).toType(w.getDataType(), false);
		return w.reshape(1, out * in, 9).matMul(phaseMap).reshape(4 * out, in, 2, 2);
	}

	/** 2× upsampling convolution with a 3×3 kernel (separate form) or a phase kernel [4·out, in, 2, 2] (fused). */
	private static NDArray upConvWith(NDArray x, NDArray k) {
		if (k.getShape().get(2) == 3) return Convolutions.conv2d(upscale2d(x, 2), k, null, 1, 1);
		Shape s = x.getShape();
		long n = s.get(0), h = s.get(2), wd = s.get(3), out = k.getShape().get(0) / 4;
		NDArray y = Convolutions.conv2d(x, k, null, 1, 1).reshape(n, 2, 2, out, h + 1, wd + 1);
		return interleavePhases(y, n, out, h, wd);
	}

	/**
	 * [(a, b), (u, v), (p, q)] → 1 where the 3×3 tap (u, v) of the upsampling convolution falls on
	 * tap (p, q) of phase (a, b)'s 2×2 kernel: rows of phase a = 0 sum taps {0} and {1, 2}, of a = 1
	 * taps {0, 1} and {2} (the same for columns). Phases in reverse order, as {@link #interleavePhases} takes them.
	 */
	private static final float[] UPSAMPLING_PHASE_MAP = upsamplingPhaseMap();

	private static float[] upsamplingPhaseMap() {
		int[][] tapOf = {{0, 1, 1}, {0, 0, 1}}; // [phase][3×3 tap index] → 2×2 tap index
		float[] map = new float[4 * 9 * 4];
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++)
				for (int u = 0; u < 3; u++)
					for (int v = 0; v < 3; v++)
						map[(((1 - a) * 2 + (1 - b)) * 9 + u * 3 + v) * 4 + tapOf[a][u] * 2 + tapOf[b][v]] = 1;
		return map;
	}

	/** x + the layer's bias, per channel. */
	public static NDArray addBias(NDArray x, Params p, String name) {
		return x.add(p.get(name + "/bias").reshape(1, -1, 1, 1));
	}

	/** 3×3 convolution followed by 2× average-pool downsampling (bias fused). */
	public static NDArray convDown(NDArray x, Params p, String name, double gain, boolean fused) {
		NDArray w = convWeight(p, name, gain);
		if (!fused) {
			NDArray y = Convolutions.conv2d(x, w, null, 1, 1);
			y = downscale2d(y);
			NDArray b = biasOrNull(p, name);
			return b == null ? y : y.add(b.reshape(1, -1, 1, 1));
		}
		NDArray w4 = Scalars.mul(sumShifts(w), 0.25);
		return Convolutions.conv2d(x, w4, biasOrNull(p, name), 2, 1);
	}

	// ---- input gradients (adjoints), built from differentiable forward ops --------------------
	// Used for R1: ∇ₓD(x) written as ordinary ops lets autograd differentiate it with a plain
	// first-order backward, avoiding create_graph back-propagation (whose gradient/parameter
	// reference cycles leak native memory when .grad cannot be reset, as through DJL).

	/** Adjoint of {@link #conv} with respect to its input: correlation with the flipped, transposed kernel. */
	public static NDArray convInputGrad(NDArray dy, Params p, String name, double gain) {
		NDArray w = convWeight(p, name, gain);
		int k = (int) w.getShape().get(2);
		NDArray wt = (k == 1 ? w : w.flip(2, 3)).transpose(1, 0, 2, 3);
		return Convolutions.conv2d(dy, wt, null, 1, k / 2);
	}

	/** Adjoint of {@link #convDown} with respect to its input. */
	public static NDArray convDownInputGrad(NDArray dy, Params p, String name, double gain, boolean fused) {
		if (!fused) return convInputGrad(Scalars.mul(upscale2d(dy, 2), 0.25), p, name, gain);
		NDArray w4 = Scalars.mul(sumShifts(convWeight(p, name, gain)), 0.25); // [out, in, 4, 4]
		return convTransposeStride2(dy, w4);
	}

	/**
	 * PyTorch's conv_transpose2d(x, wt, stride 2, padding 1) for a 4×4 kernel wt [C_x, C_out, 4, 4],
	 * computed as one 2×2 convolution for the four output phases (see {@link #upConv}).
	 */
	static NDArray convTransposeStride2(NDArray x, NDArray wt) {
		Shape s = x.getShape();
		long n = s.get(0), h = s.get(2), wd = s.get(3);
		long out = wt.getShape().get(1), in = wt.getShape().get(0);
		// phase (a, b) of the flipped kernel is f[:, :, a::2, b::2]; kernel row 2q + a → axes (q, a),
		// so one transpose gathers the four phases as [a, b, out, in, q, r], then reversed for interleavePhases
		NDArray k = wt.flip(2, 3).reshape(in, out, 2, 2, 2, 2).transpose(3, 5, 1, 0, 2, 4).flip(0, 1).reshape(4 * out, in, 2, 2);
		NDArray y = Convolutions.conv2d(x, k, null, 1, 1).reshape(n, 2, 2, out, h + 1, wd + 1);
		return interleavePhases(y, n, out, h, wd);
	}

	/**
	 * [N, 2, 2, C, H+1, W+1] phase outputs, phase (a, b) at slot (1 − a, 1 − b), → [N, C, 2H, 2W] with
	 * output pixel (2p + a, 2q + b) = phase (a, b) at (p + a, q + b). Interleaved as they come, slot
	 * (a', b') of pixel (i, j) lands on (2i + a', 2j + b'), and the reversed order puts every output
	 * pixel one row and one column further in: one transpose and one crop. (Cropping each phase
	 * before interleaving took four crops, whose gradients are zero-filled arrays of the phase's size,
	 * and four strided writes: 1.5 instead of 1.0 ms forward, 4.3 instead of 2.4 ms with backward for
	 * 128 → 64 channels at 16² → 32², batch 16.)
	 */
	private static NDArray interleavePhases(NDArray y, long n, long c, long h, long w) {
		return y.reshape(n, 2, 2, c, h + 1, w + 1).transpose(0, 3, 4, 1, 5, 2).reshape(n, c, 2 * h + 2, 2 * w + 2)
			.get(new NDIndex(":, :, 1:{}, 1:{}", 2 * h + 1, 2 * w + 1));
	}

	/** Adjoint of a dense layer with respect to its input: dy · (W·coef). */
	public static NDArray denseInputGrad(NDArray dy, Params p, String name, double gain, double lrmul) {
		NDArray w = p.get(name + "/weight");
		return dy.matMul(Scalars.mul(w, heCoefficient(gain, w.getShape().get(1), lrmul)));
	}

	/** dy through leaky ReLU at pre-activation a (the slope mask carries no gradient). */
	public static NDArray lreluGrad(NDArray dy, NDArray a) {
		// [a > 0]·(1 − α) + α: exactly 1 or α in float32 and float64 (no gradient flows through the mask,
		// so plain scalars are safe here, see Scalars)
		NDArray mask = a.stopGradient().gt(0).toType(dy.getDataType(), false).muli(1 - (double) LRELU_ALPHA).addi((double) LRELU_ALPHA);
		return dy.mul(mask);
	}

	/**
	 * Adjoint of {@link #minibatchStddev} for the input x given the gradient {@code ds} [N, F, H, W]
	 * arriving at the appended feature maps (the pass-through channels are handled by the caller):
	 * ∂σ/∂x_g = (x_g − μ)/(G·σ), averaged over the C/F·H·W entries of each feature.
	 */
	public static NDArray minibatchStddevGrad(NDArray x, NDArray ds, int groupSize, int numFeatures) {
		Shape s = x.getShape();
		long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		int g = groupSizeFor((int) n, groupSize);
		long m = n / g, f = numFeatures;
		NDArray y = x.reshape(g, m, f, c / f, h, w);
		NDArray d = y.sub(y.mean(new int[] {0}, true));
		NDArray sigma = d.square().mean(new int[] {0}, true).add(EPS).sqrt();
		NDArray total = ds.reshape(g, m, f, h * w).sum(new int[] {0}).sum(new int[] {2}); // [M, F]
		NDArray coef = Scalars.div(total, (double) (c / f * h * w)).reshape(1, m, f, 1, 1, 1);
		return d.div(Scalars.mul(sigma, g)).mul(coef).reshape(n, c, h, w);
	}

	/** w padded by one pixel, summed over the four 1-pixel shifts: 3×3 → 4×4 (the official fused kernel). */
	private static NDArray sumShifts(NDArray w) {
		// four one-sided pads (left, right, top, bottom of the last two axes): a pad's gradient is a crop
		// of the incoming gradient, where cropping a padded array would zero-fill one of its full size
		return w.pad(new Shape(0, 1, 0, 1), 0).add(w.pad(new Shape(1, 0, 0, 1), 0))
			.add(w.pad(new Shape(0, 1, 1, 0), 0)).add(w.pad(new Shape(1, 0, 1, 0), 0));
	}

	// ---- resampling ---------------------------------------------------------------------------

	/** The first axis of a [1, …] array expanded to {@code n} (a view; gradients sum back). */
	public static NDArray expandBatch(NDArray x, long n) {
		if (n == 1) return x;
		long[] shape = x.getShape().getShape().clone();
		shape[0] = n;
		return x.broadcast(new Shape(shape));
	}

	/** Nearest-neighbour upsampling by an integer factor. */
	public static NDArray upscale2d(NDArray x, int factor) {
		if (factor == 1) return x;
		Shape s = x.getShape();
		long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		// broadcast (expand) rather than repeat_interleave: its backward is a plain, deterministic sum
		return x.reshape(n, c, h, 1, w, 1).broadcast(new Shape(n, c, h, factor, w, factor)).reshape(n, c, h * factor, w * factor);
	}

	/** 2×2 box downsampling. */
	public static NDArray downscale2d(NDArray x) {
		return downscale2d(x, 2);
	}

	/**
	 * Box downsampling by an integer factor (for feeding lower-resolution blocks). Where no gradient
	 * will be asked for (metrics, sampling) and the factor is a power of two that divides the sides,
	 * by {@linkplain #halve halving}; otherwise libtorch's average pooling, whose backward is cheaper.
	 */
	public static NDArray downscale2d(NDArray x, int factor) {
		if (factor == 1) return x;
		Shape s = x.getShape();
		if (Integer.bitCount(factor) == 1 && s.get(2) % factor == 0 && s.get(3) % factor == 0 && !Autograd.requiresGrad(x)) {
			NDArray y = x;
			for (int f = factor; f > 1; f /= 2) {
				NDArray next = halve(y);
				if (y != x) y.close();
				y = next;
			}
			return y;
		}
		Shape k = factor == 2 ? S2 : new Shape(factor, factor);
		return Pool.avgPool2d(x, k, k, P0, false, true);
	}

	/**
	 * 2×2 box average of [N, C, H, W] with even sides: the two rows of each pair are the two halves
	 * of a [N, C, H/2, 2W] view (one contiguous add), then the two columns of each pair (one strided
	 * add). libtorch's CPU average pooling walks window by window: 3.0 → 0.7 ms for [64, 32, 32, 32],
	 * 0.72 → 0.19 ms for [64, 128, 8, 8] (the metrics network's pools). Sums in another order than the
	 * pooling, so results differ from it by an ulp. Forward only: a slice's gradient is a zero-filled
	 * array of the sliced one's size, which made forward + backward slower than the pooling's.
	 */
	static NDArray halve(NDArray x) {
		Shape s = x.getShape();
		long n = s.get(0), c = s.get(1), h = s.get(2), w = s.get(3);
		try (NDArray pairs = x.reshape(n, c, h / 2, 2 * w); NDArray upper = pairs.get(new NDIndex(":, :, :, :{}", w));
				NDArray lower = pairs.get(new NDIndex(":, :, :, {}:", w)); NDArray rows = upper.add(lower);
				NDArray even = rows.get(new NDIndex(":, :, :, 0::2")); NDArray odd = rows.get(new NDIndex(":, :, :, 1::2"))) {
			return even.add(odd).muli(0.25f);
		}
	}

	/**
	 * Depthwise [1,2,1]⊗[1,2,1]/16 low-pass filter with zero padding, as blur2d in the official code.
	 * (Measured in a training step at 32²: two 2×2 box averages and separable shifted adds both took
	 * longer than this one depthwise convolution, forward and backward.)
	 */
	public static NDArray blur(NDArray x) {
		return blur(x, null);
	}

	/** {@link #blur} with a per-channel bias [C] (or null) added by the same convolution. */
	public static NDArray blur(NDArray x, NDArray bias) {
		int c = (int) x.getShape().get(1);
		NDManager m = x.getManager();
		float[] k = new float[c * 9];
		float[] f = {1, 2, 1, 2, 4, 2, 1, 2, 1};
		for (int i = 0; i < c; i++)
			for (int j = 0; j < 9; j++) k[i * 9 + j] = f[j] / 16f;
		NDArray kernel = HostArrays.upload(m, k, new Shape(c, 1, 3, 3)).toDevice(x.getDevice(), false).toType(x.getDataType(), false);
		return Convolutions.conv2d(x, kernel, bias, 1, 1, c);
	}

	// ---- normalisation and styles -------------------------------------------------------------

	public static NDArray lrelu(NDArray x) {
		return Activation.leakyRelu(x, LRELU_ALPHA);
	}

	/** x / √(mean over channels of x² + 1e-8), for z [N, D] (axis 1). */
	public static NDArray pixelNorm(NDArray x) {
		return x.div(x.square().mean(new int[] {1}, true).add(EPS).sqrt());
	}

	/**
	 * Instance normalisation: (x − μ) / √(σ² + 1e-8) per sample and channel over H×W. Computed by
	 * libtorch's fused layer norm over the last two axes, which is exactly this formula.
	 */
	public static NDArray instanceNorm(NDArray x) {
		Shape s = x.getShape();
		Shape hw = new Shape(s.get(2), s.get(3));
		NDManager m = x.getManager();
		return x.getNDArrayInternal().layerNorm(x, hw, m.ones(hw, x.getDataType(), x.getDevice()),
			m.zeros(hw, x.getDataType(), x.getDevice()), EPS).singletonOrThrow();
	}

	/** Mean over H and W, kept as [N, C, 1, 1] (DJL's PyTorch engine reduces one axis at a time). */
	static NDArray meanHw(NDArray x) {
		Shape s = x.getShape();
		return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}, true).reshape(s.get(0), s.get(1), 1, 1);
	}

	/** AdaIN's style step: x · (y_s + 1) + y_b with style [N, 2C] from an affine map of w. */
	public static NDArray styleMod(NDArray x, NDArray style) {
		long n = x.getShape().get(0), c = x.getShape().get(1);
		NDArray scale = style.get(":, :" + c).add(1f).reshape(n, c, 1, 1);
		NDArray shift = style.get(":, " + c + ":").reshape(n, c, 1, 1);
		return x.mul(scale).add(shift);
	}

	/** Adds per-pixel noise [N, 1, H, W] scaled by a learned per-channel strength. */
	public static NDArray applyNoise(NDArray x, NDArray noise, NDArray strength) {
		return x.add(noise.mul(strength.reshape(1, -1, 1, 1)));
	}

	/** a + (b − a)·clip(t, 0, 1), skipping the arithmetic at the ends. */
	public static NDArray lerpClip(NDArray a, NDArray b, double t) {
		if (t <= 0) return a;
		if (t >= 1) return b;
		return a.add(Scalars.mul(b.sub(a), t));
	}

	/** Minibatch standard deviation (ProGAN §3), appended as extra feature maps. */
	public static NDArray minibatchStddev(NDArray x, int groupSize, int numFeatures) {
		return minibatchStddev(x, groupSize, numFeatures, 1);
	}

	/**
	 * {@link #minibatchStddev} of {@code parts} equal minibatches stacked along the batch axis, each
	 * grouped on its own: the same values as one call per minibatch.
	 */
	public static NDArray minibatchStddev(NDArray x, int groupSize, int numFeatures, int parts) {
		Shape s = x.getShape();
		long n = s.get(0) / parts, c = s.get(1), h = s.get(2), w = s.get(3);
		int g = groupSizeFor((int) n, groupSize);
		long m = n / g;
		long f = numFeatures;
		NDArray y = x.reshape(parts, g, m, f, c / f, h, w);
		y = y.sub(y.mean(new int[] {1}, true));
		y = y.square().mean(new int[] {1}).add(EPS).sqrt(); // [P, M, F, c/F, H, W]
		y = y.reshape(parts, m, f, -1).mean(new int[] {3}).reshape(parts, 1, m, f, 1, 1); // mean over c/F, H, W
		// sample i of a minibatch: group member i mod M
		y = y.broadcast(new Shape(parts, g, m, f, h, w)).reshape(parts * n, f, h, w);
		return x.concat(y, 1);
	}

	/**
	 * The group size actually used: the configured size, limited by the batch, reduced to a divisor
	 * of the batch (the official code requires divisibility and fails otherwise).
	 */
	public static int groupSizeFor(int batch, int groupSize) {
		int g = Math.min(groupSize, batch);
		while (g > 1 && batch % g != 0) g--;
		return Math.max(g, 1);
	}
}

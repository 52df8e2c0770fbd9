package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * w (one per style layer) → image. Learned 4×4 constant (or the traditional dense input); per style
 * layer conv → noise → bias → leaky ReLU → instance norm → style; 2× upsampling with the [1,2,1] blur;
 * a toRGB per resolution, blended by the level of detail {@code lod} (0 = full resolution, as
 * {@code G_synthesis(structure='linear')}). Blocks whose output the blend ignores are not computed.
 */
public final class SynthesisNetwork {

	public static final String PREFIX = "G_synthesis/";

	private final StyleGanConfig c;

	public SynthesisNetwork(StyleGanConfig config) {
		this.c = config;
	}

	public static String noiseName(int layer) {
		return PREFIX + "noise" + layer;
	}

	static String scope(int res) {
		return PREFIX + res + "x" + res + "/";
	}

	static String toRgbName(int lod) {
		return PREFIX + "ToRGB_lod" + lod;
	}

	public void declare(List<ParamSpec> specs) {
		int r2 = c.resolutionLog2();
		for (int layer = 0; layer < c.numLayers(); layer++) {
			int res = c.layerResolution(layer);
			specs.add(new ParamSpec(noiseName(layer), new long[] {1, 1, res, res}, ParamSpec.Init.NORMAL, 1.0, false));
		}
		int nf1 = c.nf(1);
		String s4 = scope(4);
		if (c.constInput) {
			specs.add(new ParamSpec(s4 + "Const/const", new long[] {1, nf1, 4, 4}, ParamSpec.Init.ONES, 0, true));
			specs.add(new ParamSpec(s4 + "Const/bias", new long[] {nf1}, ParamSpec.Init.ZEROS, 0, true));
			declareEpilogue(specs, s4 + "Const", nf1);
		} else {
			specs.add(new ParamSpec(s4 + "Dense/weight", new long[] {nf1 * 16L, c.dlatentSize}, ParamSpec.Init.NORMAL, 1.0, true));
			specs.add(new ParamSpec(s4 + "Dense/bias", new long[] {nf1}, ParamSpec.Init.ZEROS, 0, true));
			declareEpilogue(specs, s4 + "Dense", nf1);
		}
		Layers.declareConv(specs, s4 + "Conv", nf1, nf1, 3, true);
		declareEpilogue(specs, s4 + "Conv", nf1);
		for (int r = 3; r <= r2; r++) {
			int res = 1 << r;
			int in = c.nf(r - 2), out = c.nf(r - 1);
			Layers.declareConv(specs, scope(res) + "Conv0_up", in, out, 3, true);
			declareEpilogue(specs, scope(res) + "Conv0_up", out);
			Layers.declareConv(specs, scope(res) + "Conv1", out, out, 3, true);
			declareEpilogue(specs, scope(res) + "Conv1", out);
		}
		for (int r = 2; r <= r2; r++) {
			Layers.declareConv(specs, toRgbName(r2 - r), c.nf(r - 1), c.channels, 1, true);
		}
	}

	private void declareEpilogue(List<ParamSpec> specs, String scope, int channels) {
		if (c.useNoise)
			specs.add(new ParamSpec(scope + "/Noise/weight", new long[] {channels}, ParamSpec.Init.ZEROS, 0, true));
		Layers.declareDense(specs, scope + "/StyleMod", c.dlatentSize, 2 * channels, 1.0);
	}

	/**
	 * Renders images [N, channels, res, res].
	 *
	 * @param w     one dlatent [N, dlatentSize] per style layer (the same array may repeat)
	 * @param noise noise per layer; ignored when the architecture has no noise inputs
	 * @param lod   level of detail in [0, log2(res) − 2]; 0 for a fully grown network
	 */
	public NDArray forward(Params p, NDArray[] w, NoiseSource noise, double lod, LayerObserver observer) {
		if (w.length != c.numLayers())
			throw new IllegalArgumentException("expected " + c.numLayers() + " dlatents, got " + w.length);
		int r2 = c.resolutionLog2();
		lod = Math.max(0, Math.min(lod, r2 - 2));
		int rEnd = r2 - (int) Math.floor(lod);
		double frac = lod - Math.floor(lod);
		int batch = (int) w[0].getShape().get(0);

		// Each style layer runs in a scope of its own (ArrayScope.local) and its input is freed once it
		// has been read: arrays live as long as in the Python reference, not until the caller's scope
		// ends (issue 17). Under autograd this only drops our handles; autograd keeps what it saved.
		String s4 = scope(4);
		NDArray x = ArrayScope.local(() -> epilogue(p, input(p, w[0], batch), c.constInput ? s4 + "Const" : s4 + "Dense", 0, w, noise, observer));
		x = ArrayScope.advance(x, in -> epilogue(p, Layers.conv(in, p, s4 + "Conv", Layers.SQRT2), s4 + "Conv", 1, w, noise, observer));

		NDArray previous = null; // the block before rEnd, when the fade-in needs it: kept, freed at the end
		for (int r = 3; r <= rEnd; r++) {
			int res = 1 << r, layer = 2 * r - 4;
			String s = scope(res);
			UnaryOperator<NDArray> up = in -> epilogue(p, upConv(p, in, s, res), s + "Conv0_up", layer, w, noise, observer);
			if (r == rEnd && frac > 0) {
				NDArray kept = x;
				previous = kept;
				x = ArrayScope.local(() -> up.apply(kept));
			} else {
				x = ArrayScope.advance(x, up);
			}
			x = ArrayScope.advance(x, in -> epilogue(p, Layers.conv(in, p, s + "Conv1", Layers.SQRT2), s + "Conv1", layer + 1, w, noise, observer));
		}
		NDArray lower = previous;
		NDArray image = ArrayScope.advance(x, last -> toRgb(p, last, lower, rEnd, frac));
		if (lower != null) ArrayScope.release(lower);
		return image;
	}

	/** The image of the last block computed, blended with the block before it during a fade-in, at full size. */
	private NDArray toRgb(Params p, NDArray x, NDArray previous, int rEnd, double frac) {
		int r2 = c.resolutionLog2();
		NDArray img = Layers.conv(x, p, toRgbName(r2 - rEnd), 1.0);
		if (previous != null) {
			NDArray lower = Layers.conv(previous, p, toRgbName(r2 - rEnd + 1), 1.0);
			img = Layers.lerpClip(img, Layers.upscale2d(lower, 2), frac);
		}
		return Layers.upscale2d(img, 1 << (r2 - rEnd));
	}

	/** The 4×4 input before its epilogue: the learned constant, or the traditional dense layer of w. */
	private NDArray input(Params p, NDArray w0, int batch) {
		String s4 = scope(4);
		if (c.constInput)
			return Layers.expandBatch(p.get(s4 + "Const/const"), batch).add(p.get(s4 + "Const/bias").reshape(1, -1, 1, 1));
		NDArray dw = p.get(s4 + "Dense/weight");
		double coef = Layers.heCoefficient(Layers.SQRT2 / 4, dw.getShape().get(1), 1.0);
		return Linear.linear(w0, Scalars.mul(dw, coef)).singletonOrThrow().reshape(batch, -1, 4, 4)
			.add(p.get(s4 + "Dense/bias").reshape(1, -1, 1, 1));
	}

	/** The upsampling conv of a block with its blur and bias, in the order of the model's graph version. */
	private NDArray upConv(Params p, NDArray x, String s, int res) {
		NDArray y = Layers.upConv(x, p, s + "Conv0_up", Layers.SQRT2, c.flipsUpsamplingKernel(res), c.fused(res));
		if (c.graphVersion < 2) { // graph 1: bias before the blur
			y = Layers.addBias(y, p, s + "Conv0_up");
			return c.blur ? Layers.blur(y) : y;
		}
		// official: blur → noise → bias; additions commute, so the blur's convolution adds the bias
		return c.blur ? Layers.blur(y, p.get(s + "Conv0_up/bias")) : Layers.addBias(y, p, s + "Conv0_up");
	}

	private NDArray epilogue(Params p, NDArray x, String scope, int layer, NDArray[] w, NoiseSource noise,
			LayerObserver observer) {
		if (c.useNoise) {
			int res = (int) x.getShape().get(2);
			NDArray n = noise.noise(layer, res, (int) x.getShape().get(0), x.getManager());
			if (n != null) x = Layers.applyNoise(x, n, p.get(scope + "/Noise/weight"));
		}
		x = Layers.instanceNorm(Layers.lrelu(x));
		x = Layers.styleMod(x, Layers.dense(w[layer], p, scope + "/StyleMod", 1.0, 1.0));
		observer.accept(layer, x);
		return x;
	}
}

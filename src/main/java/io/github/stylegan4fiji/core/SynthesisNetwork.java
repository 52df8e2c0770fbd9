package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;

import java.util.List;

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

		String s4 = scope(4);
		NDArray x;
		if (c.constInput) {
			x = p.get(s4 + "Const/const");
			x = Layers.expandBatch(x, batch);
			x = x.add(p.get(s4 + "Const/bias").reshape(1, -1, 1, 1));
			x = epilogue(p, x, s4 + "Const", 0, w, noise, observer);
		} else {
			NDArray dw = p.get(s4 + "Dense/weight");
			double coef = Layers.heCoefficient(Layers.SQRT2 / 4, dw.getShape().get(1), 1.0);
			x = Linear.linear(w[0], Scalars.mul(dw, coef)).singletonOrThrow().reshape(batch, -1, 4, 4);
			x = x.add(p.get(s4 + "Dense/bias").reshape(1, -1, 1, 1));
			x = epilogue(p, x, s4 + "Dense", 0, w, noise, observer);
		}
		x = epilogue(p, Layers.conv(x, p, s4 + "Conv", Layers.SQRT2), s4 + "Conv", 1, w, noise, observer);

		NDArray previous = null; // the block before rEnd, when the fade-in needs it
		for (int r = 3; r <= rEnd; r++) {
			if (r == rEnd && frac > 0) previous = x;
			int res = 1 << r;
			String s = scope(res);
			NDArray y = Layers.upConv(x, p, s + "Conv0_up", Layers.SQRT2, c.flipsUpsamplingKernel(res), c.fused(res));
			if (c.graphVersion < 2) { // graph 1: bias before the blur
				y = Layers.addBias(y, p, s + "Conv0_up");
				if (c.blur) y = Layers.blur(y);
			} else { // official: blur → noise → bias; additions commute, so the blur's convolution adds the bias
				y = c.blur ? Layers.blur(y, p.get(s + "Conv0_up/bias")) : Layers.addBias(y, p, s + "Conv0_up");
			}
			x = epilogue(p, y, s + "Conv0_up", 2 * r - 4, w, noise, observer);
			x = epilogue(p, Layers.conv(x, p, s + "Conv1", Layers.SQRT2), s + "Conv1", 2 * r - 3, w, noise, observer);
		}
		NDArray img = Layers.conv(x, p, toRgbName(r2 - rEnd), 1.0);
		if (previous != null) {
			NDArray lower = Layers.conv(previous, p, toRgbName(r2 - rEnd + 1), 1.0);
			img = Layers.lerpClip(img, Layers.upscale2d(lower, 2), frac);
		}
		return Layers.upscale2d(img, 1 << (r2 - rEnd));
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

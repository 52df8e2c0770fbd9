package io.github.stylegan4fiji.project;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.Choices;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.LayerObserver;
import io.github.stylegan4fiji.core.Labels;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.metrics.FeatureNetwork;
import io.github.stylegan4fiji.optim.Adam;
import io.github.stylegan4fiji.sampling.ProjectedLatents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import io.github.stylegan4fiji.core.SynthesisNetwork;

/**
 * Projection of real images into a generator's latent space, as the StyleGAN2 projector (Karras et
 * al. 2020, Appendix D; stylegan2-ada-pytorch {@code projector.py}): w (one for all layers, or one
 * per layer: W+) and the per-layer noise maps are optimised from the average w with Adam (0.9, 0.999)
 * to minimise a perceptual distance to the target (the built-in feature network's LPIPS-style
 * distance, or pixel L2), with a learning-rate ramp (up over the first 5 %, cosine down over the
 * last 25 %), Gaussian noise on w that fades out over the first 75 % (5 % of W's spread at the start),
 * a regulariser that keeps the noise maps free of spatial autocorrelation at every scale (weight
 * 10⁵) and noise maps renormalised after each step. Several images are projected at once; every term
 * is per image, so a batch gives exactly what the images would give one by one. Everything is drawn
 * from {@link Options#seed}: the same call gives the same result.
 */
public final class Projector {

	public enum Distance {
		/** The feature network's perceptual distance (LPIPS-style, as PPL uses). */
		PERCEPTUAL("perceptual"),
		/** Mean squared pixel difference in the model's range. */
		PIXEL("pixel"),
		/**
		 * Both, summed. The perceptual distance alone scores an all-dark image fairly well wherever the
		 * target has features (unit-normalised zero activations count 1, mismatched shapes up to 2), so
		 * thin or dark objects on a black background can collapse to dark reconstructions; the pixel
		 * term rules that out (see docs/projection.md).
		 */
		PERCEPTUAL_PIXEL("perceptual+pixel");

		public final String key;

		Distance(String key) {
			this.key = key;
		}

		public boolean needsFeatureNetwork() {
			return this != PIXEL;
		}

		public static Distance parse(String key) {
			return Choices.parse(Distance.class, key, d -> d.key, "distance");
		}

		@Override
		public String toString() {
			return key;
		}
	}

	public static final class Options {
		public int steps = 1000;
		public double initialLearningRate = 0.1;
		public double initialNoiseFactor = 0.05;
		public double noiseRampLength = 0.75;
		public double lrRampdownLength = 0.25;
		public double lrRampupLength = 0.05;
		public double noiseRegularization = 1e5;
		/** One w per style layer (W+) instead of one w for all layers. */
		public boolean perLayer = false;
		/** Optimise the noise maps too (else the model's constant maps are used). */
		public boolean optimizeNoise = true;
		public Distance distance = Distance.PERCEPTUAL_PIXEL;
		/** Samples for the average w and W's spread. */
		public int wAverageSamples = 10_000;
		public long seed = 0;
		/** Conditional models: the class to project into (−1 for unconditional models). */
		public int classLabel = -1;

		public Options validate() {
			if (steps < 1) throw new IllegalArgumentException("projection needs at least 1 step");
			if (!(initialLearningRate > 0)) throw new IllegalArgumentException("the learning rate must be > 0");
			if (wAverageSamples < 2) throw new IllegalArgumentException("w average samples must be ≥ 2");
			if (noiseRegularization < 0 || initialNoiseFactor < 0) throw new IllegalArgumentException("weights must be ≥ 0");
			return this;
		}
	}

	/** What a projection found and how well. */
	public static final class Result {
		/** w and noise maps per image (the model's constant maps if noise was not optimised). */
		public ProjectedLatents latents;
		/** Distance of each image at each step (with the step's noise on w): [steps][n]. */
		public double[][] curve;
		/** The reconstructions (w without the added noise, the projected noise maps), model range. */
		public float[] images;
		public double[] finalDistance;
		public Distance distance;
	}

	private Projector() {}

	/** Learning rate at fraction {@code t} of the run (the StyleGAN2 schedule). */
	static double learningRate(Options o, double t) {
		double ramp = Math.min(1.0, (1.0 - t) / o.lrRampdownLength);
		ramp = 0.5 - 0.5 * Math.cos(ramp * Math.PI);
		ramp *= Math.min(1.0, t / o.lrRampupLength);
		return o.initialLearningRate * ramp;
	}

	/** Scale of the noise added to w at fraction {@code t}, relative to W's spread. */
	static double wNoiseFactor(Options o, double t) {
		double r = Math.max(0.0, 1.0 - t / o.noiseRampLength);
		return o.initialNoiseFactor * r * r;
	}

	/**
	 * Projects {@code n} target images (host [n, channels, res, res] in the model's range) with G_ema.
	 * {@code net} gives the perceptual distance (may be null for {@link Distance#PIXEL}).
	 */
	public static Result project(StyleGanModel model, FeatureNetwork net, float[] targets, int n, String[] names, Options o,
			Progress progress) {
		o.validate();
		StyleGanConfig c = model.config;
		GeneratorNetwork gen = model.generator;
		if (c.isConditional() && (o.classLabel < 0 || o.classLabel >= c.labelSize))
			throw new IllegalArgumentException("this model is conditional: choose the class to project into (" + c.classList() + ")");
		if (!c.isConditional() && o.classLabel >= 0) throw new IllegalArgumentException("this model has no classes");
		int per = c.channels * c.resolution * c.resolution;
		if (n < 1 || targets.length != n * per)
			throw new IllegalArgumentException("targets must be " + n + " images of " + c.channels + "×" + c.resolution + "² (model range)");
		if (o.distance.needsFeatureNetwork()) {
			if (net == null || !net.hasPerceptualDistance())
				throw new IllegalArgumentException("the perceptual distance needs the built-in feature network (or choose the pixel distance)");
			net.checkCompatible(c.channels, c.resolution);
		}
		int d = c.dlatentSize, layers = c.numLayers(), wLayers = o.perLayer ? layers : 1;
		Params g = model.gEma();
		NDManager base = model.manager();
		NumpyRandom rng = new NumpyRandom(o.seed);
		float[] stats = averageAndSpread(model, o);
		float wStd = stats[d];
		Result r = new Result();
		r.distance = o.distance;
		r.curve = new double[o.steps][];

		try (Params vars = new Params(base); Adam adam = new Adam(base, 0.9, 0.999, 1e-8)) {
			float[] w0 = new float[n * wLayers * d];
			for (int i = 0; i < n * wLayers; i++) System.arraycopy(stats, 0, w0, i * d, d);
			vars.put("w", HostArrays.upload(vars.manager(), w0, new Shape(n, wLayers, d)), true);
			List<String> optimised = new ArrayList<>();
			optimised.add("w");
			for (int l = 0; l < layers; l++) {
				int res = c.layerResolution(l);
				NDArray init;
				if (o.optimizeNoise) {
					float[] v = new float[n * res * res];
					rng.randnInto(v, 0, v.length);
					init = HostArrays.upload(vars.manager(), v, new Shape(n, 1, res, res));
					optimised.add(noiseName(l));
				} else {
					init = g.get(SynthesisNetwork.noiseName(l)).repeat(0, n);
				}
				vars.put(noiseName(l), init, o.optimizeNoise);
			}
			for (String name : optimised) vars.get(name).setRequiresGradient(true);
			NDArray target = HostArrays.upload(vars.manager(), targets, new Shape(n, c.channels, c.resolution, c.resolution));

			for (int step = 0; step < o.steps; step++) {
				progress.checkCancelled();
				double t = step / (double) o.steps;
				float[] wNoise = new float[n * wLayers * d];
				rng.randnInto(wNoise, 0, wNoise.length);
				float scale = (float) (wStd * wNoiseFactor(o, t));
				for (int i = 0; i < wNoise.length; i++) wNoise[i] *= scale;
				try (ArrayScope scope = new ArrayScope()) {
					scope.suppressNotUsedWarning();
					Autograd.gradMode(true);
					NDArray ws = vars.get("w").add(HostArrays.upload(base, wNoise, new Shape(n, wLayers, d)));
					NDArray images = synthesize(model, g, vars, ws, layers, wLayers);
					NDArray dist = distance(net, o.distance, images, target);
					NDArray loss = dist.sum();
					if (o.optimizeNoise && o.noiseRegularization > 0)
						loss = loss.add(noiseRegularizer(vars, layers).sum().mul((float) o.noiseRegularization));
					Autograd.backward(loss);
					Autograd.gradMode(false);
					adam.step(vars, optimised, learningRate(o, t));
					if (o.optimizeNoise) normalizeNoise(vars, layers);
					r.curve[step] = toDoubles(dist.toFloatArray());
				} finally {
					Autograd.gradMode(false);
				}
				progress.update("projection steps", step + 1, o.steps);
			}
			// the result: w without the added noise, the projected noise maps
			for (String name : optimised) vars.get(name).setRequiresGradient(false);
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray images = synthesize(model, g, vars, vars.get("w"), layers, wLayers);
				r.images = images.toFloatArray();
				r.finalDistance = toDoubles(distance(net, o.distance, images, target).toFloatArray());
			}
			float[][] noise = new float[layers][];
			for (int l = 0; l < layers; l++) noise[l] = vars.get(noiseName(l)).toFloatArray();
			r.latents = new ProjectedLatents(n, wLayers, d, vars.get("w").toFloatArray(), noise, o.classLabel, names);
		}
		return r;
	}

	private static String noiseName(int layer) {
		return "noise" + layer;
	}

	private static NDArray oneHotRows(NDManager m, int label, int n, int classes) {
		int[] k = new int[n];
		Arrays.fill(k, label);
		return Labels.oneHot(m, k, classes);
	}

	/** Images from w [n, wLayers, D] and the noise maps in {@code vars}. */
	private static NDArray synthesize(StyleGanModel model, Params g, Params vars, NDArray ws, int layers, int wLayers) {
		NDArray[] perLayer = new NDArray[layers];
		NDArray shared = wLayers == 1 ? ws.squeeze(1) : null;
		for (int l = 0; l < layers; l++) perLayer[l] = shared != null ? shared : ws.get(":, " + l + ", :");
		return model.generator.synthesize(g, perLayer, (layer, res, batch, m) -> vars.get(noiseName(layer)), 0, LayerObserver.NONE);
	}

	/** Per-image distance [n]. */
	static NDArray distance(FeatureNetwork net, Distance kind, NDArray images, NDArray target) {
		long n = images.getShape().get(0);
		NDArray pixel = kind == Distance.PERCEPTUAL ? null : images.sub(target).square().reshape(n, -1).mean(new int[] {1});
		if (kind == Distance.PIXEL) return pixel;
		NDArray perceptual = net.perceptualDistance(images, target);
		return pixel == null ? perceptual : perceptual.add(pixel);
	}

	/**
	 * Per image [n]: Σ over layers and scales (down to 8², by 2×2 averaging) of the squared mean
	 * product of each noise map with itself shifted by one pixel in x and in y (StyleGAN2's regulariser).
	 */
	static NDArray noiseRegularizer(Params vars, int layers) {
		NDArray total = null;
		for (int l = 0; l < layers; l++) {
			NDArray v = vars.get(noiseName(l));
			while (true) {
				long n = v.getShape().get(0), res = v.getShape().get(2);
				NDArray sx = v.mul(roll(v, 3)).reshape(n, -1).mean(new int[] {1}).square();
				NDArray sy = v.mul(roll(v, 2)).reshape(n, -1).mean(new int[] {1}).square();
				NDArray term = sx.add(sy);
				total = total == null ? term : total.add(term);
				if (res <= 8) break;
				v = v.reshape(n, 1, res / 2, 2, res / 2, 2).mean(new int[] {5}).mean(new int[] {3});
			}
		}
		return total;
	}

	/** torch.roll(v, 1, dim): the last row/column first. */
	private static NDArray roll(NDArray v, int axis) {
		long size = v.getShape().get(axis);
		String last = axis == 3 ? ":, :, :, " + (size - 1) + ":" : ":, :, " + (size - 1) + ":, :";
		String rest = axis == 3 ? ":, :, :, :" + (size - 1) : ":, :, :" + (size - 1) + ", :";
		return v.get(last).concat(v.get(rest), axis);
	}

	/** Each noise map of each image to mean 0, mean square 1 (in place, outside autograd). */
	private static void normalizeNoise(Params vars, int layers) {
		for (int l = 0; l < layers; l++) {
			NDArray v = vars.get(noiseName(l));
			long n = v.getShape().get(0);
			NDArray mean = v.reshape(n, -1).mean(new int[] {1}).reshape(n, 1, 1, 1);
			v.subi(mean);
			NDArray rms = v.square().reshape(n, -1).mean(new int[] {1}).sqrt().reshape(n, 1, 1, 1);
			v.divi(rms);
		}
	}

	/** The average w (under the class, if any) and W's spread sqrt(E‖w − w̄‖²) in the last slot: [D + 1]. */
	static float[] averageAndSpread(StyleGanModel model, Options o) {
		StyleGanConfig c = model.config;
		int d = c.dlatentSize, zDim = c.latentSize, n = o.wAverageSamples;
		NumpyRandom rng = new NumpyRandom(123); // as the StyleGAN2 projector's w_avg sampling
		float[] w = new float[n * d];
		int batch = 1000;
		for (int b0 = 0; b0 < n; b0 += batch) {
			int b = Math.min(batch, n - b0);
			float[] z = new float[b * zDim];
			rng.randnInto(z, 0, z.length);
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDManager m = model.manager();
				NDArray labels = o.classLabel >= 0 ? oneHotRows(m, o.classLabel, b, c.labelSize) : null;
				float[] wb = model.generator.map(model.gEma(), HostArrays.upload(m, z, new Shape(b, zDim)), labels).toFloatArray();
				System.arraycopy(wb, 0, w, b0 * d, wb.length);
			}
		}
		double[] avg = new double[d];
		for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) avg[j] += w[i * d + j];
		for (int j = 0; j < d; j++) avg[j] /= n;
		double ss = 0;
		for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) ss += Math.pow(w[i * d + j] - avg[j], 2);
		float[] out = new float[d + 1];
		for (int j = 0; j < d; j++) out[j] = (float) avg[j];
		out[d] = (float) Math.sqrt(ss / n);
		return out;
	}

	private static double[] toDoubles(float[] f) {
		double[] out = new double[f.length];
		for (int i = 0; i < f.length; i++) out[i] = f[i];
		return out;
	}

	/** Peak signal-to-noise ratio in dB of a reconstruction in the model's range (peak-to-peak 2). */
	public static double psnr(float[] a, int offA, float[] b, int offB, int count) {
		double se = 0;
		for (int i = 0; i < count; i++) se += Math.pow(a[offA + i] - b[offB + i], 2);
		double mse = se / count;
		return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(4.0 / mse);
	}

	public static String summary(Result r) {
		double mean = Arrays.stream(r.finalDistance).average().orElse(Double.NaN);
		return String.format(Locale.ROOT, "%d image(s) projected (%s, %s distance): mean final distance %.5g",
			r.latents.n, r.latents.wLayers == 1 ? "one w" : "W+ (" + r.latents.wLayers + " layers)", r.distance, mean);
	}
}

package io.github.stylegan4fiji.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.DiscriminatorNetwork;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.LayerObserver;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The loss gradients training uses, against central finite differences in float64: D's logistic
 * loss with the R1 penalty (double back-propagation) and G's non-saturating loss.
 */
class GradientCheckTest {

	private static Params toDouble(Params p, NDManager m) {
		Params d = new Params(m);
		for (String n : p.names()) d.put(n, p.get(n).toType(DataType.FLOAT64, true), p.isTrainable(n));
		return d;
	}

	private static NDArray randn(NDManager m, long seed, long... shape) {
		int n = 1;
		for (long s : shape) n *= (int) s;
		double[] v = new NumpyRandom(seed).randn(n);
		return m.create(v, new Shape(shape));
	}

	/** Central difference of f with respect to element i of tensor a. */
	private static double numeric(NDArray a, int i, DoubleSupplier f) {
		double[] v = a.toDoubleArray();
		double h = 1e-5 * Math.max(1, Math.abs(v[i]));
		double orig = v[i];
		v[i] = orig + h;
		a.set(v);
		double up = f.getAsDouble();
		v[i] = orig - h;
		a.set(v);
		double down = f.getAsDouble();
		v[i] = orig;
		a.set(v);
		return (up - down) / (2 * h);
	}

	/**
	 * Back-propagates {@code loss} to the {@code checked} tensors of {@code p}, then compares the first
	 * {@code perTensor} elements of each gradient with central differences of {@code f}; returns how
	 * many were compared.
	 */
	private static int checkAgainstFiniteDifferences(Params p, String[] checked, java.util.function.Supplier<NDArray> loss,
			DoubleSupplier f, int perTensor, double absTol) {
		for (String n : checked) p.get(n).setRequiresGradient(true);
		Autograd.gradMode(true);
		Autograd.backward(loss.get());
		Autograd.gradMode(false);
		double[][] analytic = new double[checked.length][];
		for (int k = 0; k < checked.length; k++) {
			analytic[k] = p.get(checked[k]).getGradient().toDoubleArray();
			p.get(checked[k]).setRequiresGradient(false);
		}
		int compared = 0;
		for (int k = 0; k < checked.length; k++) {
			for (int i = 0; i < Math.min(perTensor, analytic[k].length); i++) {
				double num = numeric(p.get(checked[k]), i, f);
				assertEquals(num, analytic[k][i], absTol + 1e-4 * Math.abs(num), checked[k] + "[" + i + "]");
				compared++;
			}
		}
		return compared;
	}

	private static StyleGanConfig config() {
		StyleGanConfig c = StyleGanConfig.tiny(8, 2);
		c.fmapBase = 16;
		c.fmapMax = 4;
		return c.validate();
	}

	@Test
	void discriminatorLossWithR1MatchesFiniteDifferences() {
		StyleGanConfig c = config();
		try (StyleGanModel model = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 3, Device.cpu());
				NDManager m = NDManager.newBaseManager(Device.cpu()); NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			Params d = toDouble(model.d(), m);
			DiscriminatorNetwork disc = model.discriminator;
			NDArray reals = randn(m, 1, 4, 2, 8, 8), fakes = randn(m, 2, 4, 2, 8, 8);
			double lod = 0.4, weight = 10 * 0.5;

			String[] checked = {"D/4x4/Dense1/weight", "D/4x4/Conv/weight", "D/8x8/Conv0/weight", "D/FromRGB_lod1/weight", "D/4x4/Dense0/bias"};
			// oracle: the same loss with ∇ₓD from autograd (weights not tracked), differenced numerically
			DoubleSupplier f = () -> {
				try (NDScope s = new NDScope()) {
					s.suppressNotUsedWarning();
					NDArray x = reals.duplicate();
					x.setRequiresGradient(true);
					Autograd.gradMode(true);
					NDArray real = disc.forward(d, x, lod);
					Autograd.backward(real.sum());
					Autograd.gradMode(false);
					double r1 = x.getGradient().square().sum().getDouble() / 4;
					double fake = Activation.softPlus(disc.forward(d, fakes, lod)).mean().getDouble();
					return fake + Activation.softPlus(real.neg()).mean().getDouble() + weight * r1;
				}
			};
			// analytic: the trainer's path (hand-written ∇ₓD inside the graph, one backward of the total)
			int compared = checkAgainstFiniteDifferences(d, checked,
				() -> Losses.discriminator(disc, d, reals, fakes, lod, weight, null), f, 4, 1e-6);
			assertTrue(compared >= 16);
			// the R1 term matters in this check
			assertNotEquals(0.0, f.getAsDouble() - (Activation.softPlus(disc.forward(d, fakes, lod)).mean().getDouble()
				+ Activation.softPlus(disc.forward(d, reals, lod).neg()).mean().getDouble()), 1e-6);
		}
	}

	@Test
	void wganGpLossMatchesFiniteDifferences() {
		StyleGanConfig c = config();
		try (StyleGanModel model = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 4, Device.cpu());
				NDManager m = NDManager.newBaseManager(Device.cpu()); NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			Params d = toDouble(model.d(), m);
			DiscriminatorNetwork disc = model.discriminator;
			NDArray reals = randn(m, 5, 4, 2, 8, 8), fakes = randn(m, 6, 4, 2, 8, 8);
			NDArray alpha = m.create(new double[] {0.1, 0.5, 0.7, 0.95}, new Shape(4, 1, 1, 1));
			double lod = 0.3;
			TrainingOptions o = new TrainingOptions();
			o.loss = TrainingOptions.Loss.WGAN_GP;

			String[] checked = {"D/4x4/Dense1/weight", "D/4x4/Conv/weight", "D/8x8/Conv1_down/weight", "D/FromRGB_lod0/weight"};
			// oracle: the official formula with ∇D(mix) from autograd, per sample, then the batch mean
			DoubleSupplier f = () -> {
				try (NDScope s = new NDScope()) {
					s.suppressNotUsedWarning();
					NDArray mix = reals.add(fakes.sub(reals).mul(alpha));
					mix.setRequiresGradient(true);
					Autograd.gradMode(true);
					Autograd.backward(disc.forward(d, mix, lod).sum());
					Autograd.gradMode(false);
					double[] g = mix.getGradient().toDoubleArray(), real = disc.forward(d, reals, lod).toDoubleArray(),
						fake = disc.forward(d, fakes, lod).toDoubleArray();
					double total = 0;
					int per = g.length / 4;
					for (int i = 0; i < 4; i++) {
						double sq = 0;
						for (int j = 0; j < per; j++) sq += g[i * per + j] * g[i * per + j];
						total += fake[i] - real[i] + 10 * Math.pow(Math.sqrt(sq) - 1, 2) + 0.001 * real[i] * real[i];
					}
					return total / 4;
				}
			};
			int compared = checkAgainstFiniteDifferences(d, checked, () -> Losses.wganGp(disc, d, reals, fakes, null, alpha, lod, o, null), f, 4, 1e-6);
			assertTrue(compared >= 12);
		}
	}

	@Test
	void handWrittenInputGradientEqualsAutograd() {
		for (boolean fused : new boolean[] {true, false}) {
			StyleGanConfig c = StyleGanConfig.tiny(16, 3);
			c.fmapBase = 32;
			c.fmapMax = 6;
			c.fusedScale = fused ? StyleGanConfig.FusedScale.ALWAYS : StyleGanConfig.FusedScale.NEVER;
			c.validate();
			try (StyleGanModel model = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 8, Device.cpu());
					NDManager m = NDManager.newBaseManager(Device.cpu()); NDScope scope = new NDScope()) {
				scope.suppressNotUsedWarning();
				Params d = toDouble(model.d(), m);
				for (double lod : new double[] {0, 0.35, 1, 1.5, 2}) {
					NDArray x = randn(m, 11, 8, 3, 16, 16);
					NDArray[] sg = model.discriminator.forwardWithInputGradient(d, x, lod);
					x.setRequiresGradient(true);
					Autograd.gradMode(true);
					NDArray scores = model.discriminator.forward(d, x, lod);
					Autograd.backward(scores.sum());
					Autograd.gradMode(false);
					assertArrayEquals(scores.toDoubleArray(), sg[0].toDoubleArray(), 1e-12, "scores at lod " + lod);
					assertArrayEquals(x.getGradient().toDoubleArray(), sg[1].toDoubleArray(), 1e-10,
						"∇x at lod " + lod + (fused ? " (fused)" : ""));
				}
			}
		}
	}

	@Test
	void pairedPassEqualsSeparatePasses() {
		// reals and fakes in one pass (the D loss): scores and ∇x as two passes give them, for a conditional
		// and an unconditional D; minibatch stddev groups of 4 in minibatches of 8 must stay within each
		for (int labels : new int[] {0, 3}) {
			StyleGanConfig c = StyleGanConfig.tiny(16, 3);
			c.fmapBase = 32;
			c.fmapMax = 6;
			c.labelSize = labels;
			c.validate();
			try (StyleGanModel model = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 8, Device.cpu());
					NDManager m = NDManager.newBaseManager(Device.cpu()); NDScope scope = new NDScope()) {
				scope.suppressNotUsedWarning();
				Params d = toDouble(model.d(), m);
				NDArray oneHot = labels == 0 ? null : io.github.stylegan4fiji.core.Labels.oneHot(m, new int[] {0, 1, 2, 0, 1, 2, 2, 1}, labels)
					.toType(DataType.FLOAT64, false);
				for (double lod : new double[] {0, 0.35, 1}) {
					NDArray x = randn(m, 11, 8, 3, 16, 16), y = randn(m, 12, 8, 3, 16, 16).mul(2);
					NDArray[] sg = model.discriminator.forwardWithInputGradient(d, x, oneHot, lod);
					NDArray[] pair = model.discriminator.forwardPairWithInputGradient(d, x, y, oneHot, lod);
					String at = "lod " + lod + ", " + labels + " labels";
					assertArrayEquals(sg[0].toDoubleArray(), pair[0].toDoubleArray(), 1e-12, "scores of x, " + at);
					assertArrayEquals(sg[1].toDoubleArray(), pair[1].toDoubleArray(), 1e-12, "∇x, " + at);
					assertArrayEquals(model.discriminator.forward(d, y, oneHot, lod).toDoubleArray(), pair[2].toDoubleArray(), 1e-12, "scores of y, " + at);
				}
			}
		}
	}

	@Test
	void generatorLossMatchesFiniteDifferences() {
		StyleGanConfig c = config();
		try (StyleGanModel model = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 4, Device.cpu());
				NDManager m = NDManager.newBaseManager(Device.cpu()); NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			io.github.stylegan4fiji.TestModels.perturb(model.g(), 6); // a non-constant 4×4 input keeps instance norm smooth
			Params g = toDouble(model.g(), m), d = toDouble(model.d(), m);
			GeneratorNetwork gen = model.generator;
			NDArray z = randn(m, 5, 3, c.latentSize);
			NoiseSource noise = NoiseSource.constant(g);
			DoubleSupplier loss = () -> {
				try (NDScope s = new NDScope()) {
					s.suppressNotUsedWarning();
					NDArray img = gen.synthesize(g, gen.broadcast(gen.map(g, z)), noise, 0.3, LayerObserver.NONE);
					return Activation.softPlus(model.discriminator.forward(d, img, 0.3).neg()).mean().getDouble();
				}
			};
			String[] checked = {"G_mapping/Dense0/weight", "G_synthesis/4x4/Const/const", "G_synthesis/8x8/Conv0_up/weight",
				"G_synthesis/8x8/Conv1/StyleMod/weight", "G_synthesis/ToRGB_lod1/weight", "G_synthesis/4x4/Conv/Noise/weight"};
			for (String n : checked) g.get(n).setRequiresGradient(true);
			Autograd.gradMode(true);
			NDArray img = gen.synthesize(g, gen.broadcast(gen.map(g, z)), noise, 0.3, LayerObserver.NONE);
			Autograd.backward(Activation.softPlus(model.discriminator.forward(d, img, 0.3).neg()).mean());
			Autograd.gradMode(false);
			for (String n : checked) {
				double[] analytic = g.get(n).getGradient().toDoubleArray();
				g.get(n).setRequiresGradient(false);
				for (int i = 0; i < Math.min(3, analytic.length); i++) {
					double num = numeric(g.get(n), i, loss);
					assertEquals(num, analytic[i], 1e-7 + 1e-4 * Math.abs(num), n + "[" + i + "]");
				}
			}
		}
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.NumpyRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The building blocks against hand computation in double precision. */
class LayersTest {

	private NDManager m;

	@BeforeEach
	void open() {
		m = NDManager.newBaseManager(ai.djl.Device.cpu());
	}

	@AfterEach
	void close() {
		m.close();
	}

	private static float[] randn(long seed, int n) {
		float[] v = new float[n];
		new NumpyRandom(seed).randnInto(v, 0, n);
		return v;
	}

	@Test
	void equalizedLearningRateCoefficients() {
		// conv 3×3 with 512 inputs: √2/√(512·9); mapping dense 512→512 at lr×0.01: √2/√512·0.01
		assertEquals(Math.sqrt(2) / Math.sqrt(4608), Layers.heCoefficient(Math.sqrt(2), 512 * 9, 1), 1e-15);
		assertEquals(Math.sqrt(2) / Math.sqrt(512) * 0.01, Layers.heCoefficient(Math.sqrt(2), 512, 0.01), 1e-15);
		// dense layer output = x·(w·coef)ᵀ + b·lrmul
		List<ParamSpec> specs = new ArrayList<>();
		Layers.declareDense(specs, "L", 3, 2, 0.01);
		Params p = Params.initialize(specs, m, 5);
		float[] w = p.get("L/weight").toFloatArray();
		p.get("L/bias").set(new float[] {0.5f, -2f});
		float[] x = {1f, -2f, 0.5f};
		float[] y = Layers.dense(m.create(x, new Shape(1, 3)), p, "L", Math.sqrt(2), 0.01).toFloatArray();
		double coef = Math.sqrt(2) / Math.sqrt(3) * 0.01;
		for (int o = 0; o < 2; o++) {
			double e = (o == 0 ? 0.5 : -2) * 0.01;
			for (int i = 0; i < 3; i++) e += x[i] * w[o * 3 + i] * coef;
			assertEquals(e, y[o], 1e-6);
		}
		// initial weights are N(0, 1/lrmul): std ≈ 100
		assertEquals(100, std(Params.initialize(bigDense(), m, 1).get("B/weight").toFloatArray()), 5);
	}

	private static List<ParamSpec> bigDense() {
		List<ParamSpec> s = new ArrayList<>();
		Layers.declareDense(s, "B", 64, 64, 0.01);
		return s;
	}

	private static double std(float[] v) {
		double s = 0, s2 = 0;
		for (float x : v) {
			s += x;
			s2 += x * x;
		}
		double mean = s / v.length;
		return Math.sqrt(s2 / v.length - mean * mean);
	}

	@Test
	void instanceNormAndAdaInMatchHandComputation() {
		int n = 2, c = 3, h = 4, w = 5;
		float[] x = randn(1, n * c * h * w);
		for (int i = 0; i < x.length; i++) x[i] = x[i] * 3 + 1.5f;
		float[] style = randn(2, n * 2 * c);
		NDArray xa = m.create(x, new Shape(n, c, h, w));
		float[] fused = Layers.instanceNorm(xa).toFloatArray();
		NDArray centred = xa.sub(Layers.meanHw(xa)); // op by op, the formula the fused form must equal
		float[] ref = centred.div(Layers.meanHw(centred.square()).add(1e-8f).sqrt()).toFloatArray();
		float[] ada = Layers.styleMod(Layers.instanceNorm(xa), m.create(style, new Shape(n, 2 * c))).toFloatArray();
		for (int b = 0; b < n; b++) {
			for (int ch = 0; ch < c; ch++) {
				int off = (b * c + ch) * h * w;
				double mean = 0, var = 0;
				for (int i = 0; i < h * w; i++) mean += x[off + i];
				mean /= h * w;
				for (int i = 0; i < h * w; i++) var += (x[off + i] - mean) * (x[off + i] - mean);
				var /= h * w;
				double ys = style[b * 2 * c + ch], yb = style[b * 2 * c + c + ch];
				for (int i = 0; i < h * w; i++) {
					double norm = (x[off + i] - mean) / Math.sqrt(var + 1e-8);
					assertEquals(norm, fused[off + i], 1e-5);
					assertEquals(norm, ref[off + i], 1e-5);
					// AdaIN as in the official style_mod: x·(y_s + 1) + y_b
					assertEquals(norm * (ys + 1) + yb, ada[off + i], 1e-5);
				}
			}
		}
	}

	@Test
	void pixelNormAndNoise() {
		float[] z = randn(3, 2 * 6);
		float[] pn = Layers.pixelNorm(m.create(z, new Shape(2, 6))).toFloatArray();
		for (int b = 0; b < 2; b++) {
			double ms = 0;
			for (int i = 0; i < 6; i++) ms += z[b * 6 + i] * z[b * 6 + i];
			ms /= 6;
			for (int i = 0; i < 6; i++) assertEquals(z[b * 6 + i] / Math.sqrt(ms + 1e-8), pn[b * 6 + i], 1e-5);
		}
		float[] x = randn(4, 2 * 3 * 2 * 2), noise = randn(5, 2 * 2 * 2), s = {0.5f, -1f, 2f};
		float[] y = Layers.applyNoise(m.create(x, new Shape(2, 3, 2, 2)), m.create(noise, new Shape(2, 1, 2, 2)),
			m.create(s, new Shape(3))).toFloatArray();
		for (int b = 0; b < 2; b++)
			for (int c = 0; c < 3; c++)
				for (int i = 0; i < 4; i++)
					assertEquals(x[(b * 3 + c) * 4 + i] + noise[b * 4 + i] * s[c], y[(b * 3 + c) * 4 + i], 1e-6);
	}

	@Test
	void blurIsTheNormalisedBinomialFilterWithZeroPadding() {
		float[] x = randn(6, 5 * 5);
		float[] y = Layers.blur(m.create(x, new Shape(1, 1, 5, 5))).toFloatArray();
		int[] k = {1, 2, 1};
		for (int i = 0; i < 5; i++)
			for (int j = 0; j < 5; j++) {
				double e = 0;
				for (int a = -1; a <= 1; a++)
					for (int b = -1; b <= 1; b++)
						if (i + a >= 0 && i + a < 5 && j + b >= 0 && j + b < 5) e += k[a + 1] * k[b + 1] * x[(i + a) * 5 + j + b] / 16.0;
				assertEquals(e, y[i * 5 + j], 1e-6);
			}
	}

	@Test
	void fusedResamplingConvolutionsEqualTheSeparateForm() {
		List<ParamSpec> specs = new ArrayList<>();
		Layers.declareConv(specs, "C", 3, 4, 3, true);
		Params p = Params.initialize(specs, m, 7);
		p.get("C/bias").set(new float[] {0.1f, -0.2f, 0.3f, 0.4f});
		NDArray x = m.create(randn(8, 2 * 3 * 6 * 6), new Shape(2, 3, 6, 6));
		NDArray k = Layers.convWeight(p, "C", Math.sqrt(2));
		NDArray upA = Layers.upConv(x, k, true), upB = Layers.upConv(x, k, false);
		assertEquals(new Shape(2, 4, 12, 12), upA.getShape());
		assertArrayEquals(upB.toFloatArray(), upA.toFloatArray(), 1e-5f);
		NDArray dnA = Layers.convDown(x, p, "C", Math.sqrt(2), true), dnB = Layers.convDown(x, p, "C", Math.sqrt(2), false);
		assertEquals(new Shape(2, 4, 3, 3), dnA.getShape());
		assertArrayEquals(dnB.toFloatArray(), dnA.toFloatArray(), 1e-5f);
	}

	@Test
	void fusedResamplingGradientsEqualTheSeparateForm() {
		// backward through the phase split/crop/interleave and the padded kernel sums, in float64:
		// gradients of Σ y·r with respect to input and weight, fused against resample + 3×3 conv
		NDArray x0 = m.create(randn(21, 2 * 5 * 6 * 8), new Shape(2, 5, 6, 8)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
		NDArray w0 = m.create(randn(22, 3 * 5 * 9), new Shape(3, 5, 3, 3)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
		NDArray rUp = m.create(randn(23, 2 * 3 * 12 * 16), new Shape(2, 3, 12, 16)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
		NDArray rDown = m.create(randn(24, 2 * 3 * 3 * 4), new Shape(2, 3, 3, 4)).toType(ai.djl.ndarray.types.DataType.FLOAT64, false);
		for (boolean up : new boolean[] {true, false}) {
			NDArray[][] grads = new NDArray[2][];
			for (int fused = 0; fused < 2; fused++) {
				NDArray x = x0.duplicate(), w = w0.duplicate();
				x.setRequiresGradient(true);
				w.setRequiresGradient(true);
				Autograd.gradMode(true);
				try {
					NDArray y = up ? Layers.upConv(x, w, fused == 1) : convDownWith(x, w, fused == 1);
					Autograd.backward(y.mul(up ? rUp : rDown).sum());
				} finally {
					Autograd.gradMode(false);
				}
				grads[fused] = new NDArray[] {x.getGradient().duplicate(), w.getGradient().duplicate()};
			}
			for (int i = 0; i < 2; i++)
				assertTrue(EngineCheck.relativeError(grads[1][i], grads[0][i]) < 1e-12,
					(up ? "upConv" : "convDown") + (i == 0 ? " ∂x " : " ∂w ") + EngineCheck.relativeError(grads[1][i], grads[0][i]));
		}
		// the stride-2 adjoint (R1 through a fused convDown) against the adjoint of the separate form
		NDArray dy = rDown;
		Params p = new Params(m);
		p.put("C/weight", w0.duplicate(), true);
		NDArray fusedAdj = Layers.convDownInputGrad(dy, p, "C", 1.0, true);
		NDArray plainAdj = Layers.convDownInputGrad(dy, p, "C", 1.0, false);
		assertEquals(new Shape(2, 5, 6, 8), fusedAdj.getShape());
		assertTrue(EngineCheck.relativeError(fusedAdj, plainAdj) < 1e-12, "convDownInputGrad " + EngineCheck.relativeError(fusedAdj, plainAdj));
	}

	/** convDown with a given (already scaled) weight and no bias. */
	private static NDArray convDownWith(NDArray x, NDArray w, boolean fused) {
		Params p = new Params(x.getManager());
		p.put("C/weight", w, true);
		return Layers.convDown(x, p, "C", Math.sqrt(w.getShape().get(1) * 9.0), fused); // gain·(1/√fan_in) = 1
	}

	@Test
	void upscaleRepeatsPixelsAndDownscaleAverages() {
		float[] x = {1, 2, 3, 4};
		assertArrayEquals(new float[] {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4},
			Layers.upscale2d(m.create(x, new Shape(1, 1, 2, 2)), 2).toFloatArray());
		assertArrayEquals(new float[] {2.5f}, Layers.downscale2d(m.create(x, new Shape(1, 1, 2, 2))).toFloatArray());
	}

	/**
	 * Box downsampling by 2 and 4, without gradient (halving) and with (libtorch's pooling), against
	 * the window means in double precision; the gradient is 1/f² at every input pixel.
	 */
	@Test
	void downscaleIsTheWindowMeanWithAndWithoutGradient() {
		int n = 2, c = 3, h = 8, w = 12;
		float[] x = randn(11, n * c * h * w);
		for (int f : new int[] {2, 4}) {
			double[] expect = new double[n * c * (h / f) * (w / f)];
			for (int nc = 0; nc < n * c; nc++)
				for (int i = 0; i < h / f; i++)
					for (int j = 0; j < w / f; j++) {
						double sum = 0;
						for (int a = 0; a < f; a++)
							for (int b = 0; b < f; b++) sum += x[nc * h * w + (i * f + a) * w + j * f + b];
						expect[(nc * (h / f) + i) * (w / f) + j] = sum / (f * f);
					}
			NDArray plain = m.create(x, new Shape(n, c, h, w));
			NDArray tracked = m.create(x, new Shape(n, c, h, w));
			tracked.setRequiresGradient(true);
			Autograd.gradMode(true);
			NDArray pooled = Layers.downscale2d(tracked, f);
			Autograd.backward(pooled.sum());
			Autograd.gradMode(false);
			float[] fast = Layers.downscale2d(plain, f).toFloatArray(), slow = pooled.toFloatArray();
			assertEquals(expect.length, fast.length);
			for (int k = 0; k < expect.length; k++) {
				assertEquals(expect[k], fast[k], 1e-6, "halving, factor " + f + " at " + k);
				assertEquals(expect[k], slow[k], 1e-6, "pooling, factor " + f + " at " + k);
			}
			for (float g : tracked.getGradient().toFloatArray()) assertEquals(1.0 / (f * f), g, 1e-7);
		}
		// odd sides: the last row and column dropped, as average pooling does
		float[] y = Layers.downscale2d(m.create(new float[] {1, 2, 9, 3, 4, 9, 9, 9, 9}, new Shape(1, 1, 3, 3))).toFloatArray();
		assertArrayEquals(new float[] {2.5f}, y);
	}

	@Test
	void minibatchStddevMatchesHandComputation() {
		int n = 8, c = 2, h = 2, w = 2;
		float[] x = randn(9, n * c * h * w);
		float[] y = Layers.minibatchStddev(m.create(x, new Shape(n, c, h, w)), 4, 1).toFloatArray();
		int g = 4, groups = n / g;
		for (int s = 0; s < n; s++) {
			int member = s % groups; // sample s belongs to group s mod M
			double acc = 0;
			for (int ch = 0; ch < c; ch++)
				for (int p = 0; p < h * w; p++) {
					double mean = 0, var = 0;
					for (int k = 0; k < g; k++) mean += x[((k * groups + member) * c + ch) * h * w + p];
					mean /= g;
					for (int k = 0; k < g; k++) {
						double d = x[((k * groups + member) * c + ch) * h * w + p] - mean;
						var += d * d;
					}
					acc += Math.sqrt(var / g + 1e-8);
				}
			double expected = acc / (c * h * w);
			for (int p = 0; p < h * w; p++) assertEquals(expected, y[(s * (c + 1) + c) * h * w + p], 1e-5);
			for (int ch = 0; ch < c; ch++)
				for (int p = 0; p < h * w; p++)
					assertEquals(x[(s * c + ch) * h * w + p], y[(s * (c + 1) + ch) * h * w + p]);
		}
		assertEquals(3, Layers.groupSizeFor(6, 4));
		assertEquals(1, Layers.groupSizeFor(1, 4));
		assertEquals(4, Layers.groupSizeFor(16, 4));
	}
}

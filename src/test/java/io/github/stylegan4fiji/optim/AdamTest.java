package io.github.stylegan4fiji.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.io.SafeTensors;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Adam against its formula in float64; a tensor's update must not depend on which other tensors
 * share the step, on steps that leave it out, or on a save and load of the state in between (what
 * resuming a checkpoint relies on).
 */
class AdamTest {

	private static final long[][] SHAPES = {{3, 4}, {5}, {2, 1, 3, 3}};
	private static final String[] NAMES = {"a", "b", "c"};

	private static Params params(NDManager m) {
		Params p = new Params(m);
		Random r = new Random(1);
		for (int i = 0; i < NAMES.length; i++) p.put(NAMES[i], HostArrays.upload(m, values(r, SHAPES[i]), new Shape(SHAPES[i])), true);
		for (String n : NAMES) p.get(n).setRequiresGradient(true);
		return p;
	}

	private static float[] values(Random r, long[] shape) {
		float[] v = new float[(int) new Shape(shape).size()];
		for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
		return v;
	}

	/** The gradient of Σ w·c is c: step {@code step}'s c for tensor {@code i}, the same in every run. */
	private static float[] gradient(int step, int i) {
		return values(new Random(100L * step + i), SHAPES[i]);
	}

	private static void setGradients(Params p, int step, List<String> names) {
		Autograd.gradMode(true);
		NDArray loss = null;
		for (String n : names) {
			int i = List.of(NAMES).indexOf(n);
			NDArray w = p.get(n);
			NDArray term = w.mul(HostArrays.upload(w.getManager(), gradient(step, i), w.getShape())).sum();
			loss = loss == null ? term : loss.add(term);
		}
		Autograd.backward(loss);
		Autograd.gradMode(false);
	}

	private static void run(Params p, List<Adam> adams, List<List<String>> groups, int from, int to) {
		for (int step = from; step < to; step++)
			for (int k = 0; k < adams.size(); k++) {
				setGradients(p, step, groups.get(k));
				adams.get(k).step(p, groups.get(k), 0.01 * (1 + step % 3));
			}
	}

	@Test
	void followsTheFormulaInFloat64() {
		for (double beta1 : new double[] {0, 0.9}) {
			double beta2 = 0.99, eps = 1e-8;
			try (NDManager m = NDManager.newBaseManager(); Adam adam = new Adam(m, beta1, beta2, eps)) {
				Params p = params(m);
				double[][] w = new double[NAMES.length][], mm = new double[NAMES.length][], vv = new double[NAMES.length][];
				for (int i = 0; i < NAMES.length; i++) {
					float[] f = p.hostValues(NAMES[i]);
					w[i] = new double[f.length];
					for (int j = 0; j < f.length; j++) w[i][j] = f[j];
					mm[i] = new double[f.length];
					vv[i] = new double[f.length];
				}
				run(p, List.of(adam), List.of(List.of(NAMES)), 0, 5);
				for (int t = 1; t <= 5; t++) {
					double lr = 0.01 * (1 + (t - 1) % 3), lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
					for (int i = 0; i < NAMES.length; i++) {
						float[] g = gradient(t - 1, i);
						for (int j = 0; j < g.length; j++) {
							vv[i][j] = beta2 * vv[i][j] + (1 - beta2) * g[j] * g[j];
							mm[i][j] = beta1 * mm[i][j] + (1 - beta1) * g[j];
							w[i][j] -= lrT * mm[i][j] / (Math.sqrt(vv[i][j]) + eps);
						}
					}
				}
				for (int i = 0; i < NAMES.length; i++) {
					float[] got = p.hostValues(NAMES[i]);
					for (int j = 0; j < got.length; j++)
						assertEquals(w[i][j], got[j], 1e-5 * Math.max(1, Math.abs(w[i][j])), "β1 " + beta1 + ", " + NAMES[i] + "[" + j + "]");
					assertEquals(5, adam.steps());
				}
				Map<String, SafeTensors.Tensor> s = adam.state();
				assertEquals(beta1 == 0 ? 3 : 6, s.size(), "moments saved: v, and m when β1 ≠ 0");
				assertArrayEquals(SHAPES[2], s.get("c/v").shape);
				for (int j = 0; j < vv[2].length; j++) assertEquals(vv[2][j], s.get("c/v").data[j], 1e-6 * Math.max(1, vv[2][j]));
			}
		}
	}

	@Test
	void sameBitsWhicheverTensorsShareAStepAcrossPartialStepsAndReload() {
		try (NDManager m = NDManager.newBaseManager()) {
			// all three in one step; then b alone (a and c keep their moments); then, after a save and load, all three again
			Params joint = params(m);
			try (Adam adam = new Adam(m, 0.9, 0.99, 1e-8)) {
				run(joint, List.of(adam), List.of(List.of(NAMES)), 0, 3);
				run(joint, List.of(adam), List.of(List.of("b")), 3, 4);
				Map<String, SafeTensors.Tensor> saved = adam.state();
				assertEquals(6, saved.size(), "a and c kept their moments while b stepped alone");
				try (Adam resumed = new Adam(m, 0.9, 0.99, 1e-8)) { // a save and a load in between
					resumed.load(saved, adam.steps());
					run(joint, List.of(resumed), List.of(List.of(NAMES)), 4, 6);
				}
			}
			// b alone, with an optimiser of its own: six steps, as above
			Params single = params(m);
			try (Adam adamB = new Adam(m, 0.9, 0.99, 1e-8)) {
				for (int step = 0; step < 6; step++) {
					setGradients(single, step, List.of("b"));
					adamB.step(single, List.of("b"), 0.01 * (1 + step % 3));
				}
			}
			assertArrayEquals(single.hostValues("b"), joint.hostValues("b"), "b, bit for bit");
			// a and c: the same six bias corrections as in the joint run, moments updated at steps 0–2 and 4–5
			Params ref = params(m);
			try (Adam adamA = new Adam(m, 0.9, 0.99, 1e-8); Adam adamC = new Adam(m, 0.9, 0.99, 1e-8)) {
				for (int step = 0; step < 6; step++) {
					if (step == 3) { // the joint run stepped b alone here: same t, no update of a and c
						adamA.load(adamA.state(), adamA.steps() + 1);
						adamC.load(adamC.state(), adamC.steps() + 1);
						continue;
					}
					setGradients(ref, step, List.of("a", "c"));
					adamA.step(ref, List.of("a"), 0.01 * (1 + step % 3));
					adamC.step(ref, List.of("c"), 0.01 * (1 + step % 3));
				}
			}
			assertArrayEquals(ref.hostValues("a"), joint.hostValues("a"), "a, bit for bit");
			assertArrayEquals(ref.hostValues("c"), joint.hostValues("c"), "c, bit for bit");
		}
	}
}

package io.github.stylegan4fiji.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.io.SafeTensors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.github.stylegan4fiji.core.HostArrays;

/**
 * Adam as in TensorFlow (the official code's optimiser): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * θ ← θ − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε). Updates run in place with grad mode off. The state
 * (m, v, t) is saved with checkpoints so a resumed run continues exactly.
 */
public final class Adam implements AutoCloseable {

	private final double beta1, beta2, eps;
	private final NDManager manager;
	private final Map<String, NDArray> m = new LinkedHashMap<>();
	private final Map<String, NDArray> v = new LinkedHashMap<>();
	private long t;

	public Adam(NDManager parent, double beta1, double beta2, double eps) {
		this.manager = parent.newSubManager();
		this.beta1 = beta1;
		this.beta2 = beta2;
		this.eps = eps;
	}

	public long steps() {
		return t;
	}

	/** One update of {@code names} in {@code p} from their gradients, which are then zeroed. */
	public void step(Params p, List<String> names, double lr) {
		t++;
		double lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
		for (String name : names) {
			try (ArrayScope scope = new ArrayScope()) { // each tensor's temporaries freed before the next's
				scope.suppressNotUsedWarning();
				update(p.get(name), name, lrT);
			}
		}
	}

	private void update(NDArray w, String name, double lrT) {
		NDArray g = w.getGradient();
		NDArray vs = v.computeIfAbsent(name, k -> persistent(manager.zeros(w.getShape(), w.getDataType())));
		vs.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
		NDArray step;
		if (beta1 == 0) { // m = g: no state needed
			step = g;
		} else {
			NDArray ms = m.computeIfAbsent(name, k -> persistent(manager.zeros(w.getShape(), w.getDataType())));
			ms.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
			step = ms;
		}
		w.subi(step.div(vs.sqrt().addi((float) eps)).muli((float) lrT));
		g.close();
		Autograd.zeroGrad(w);
	}

	/** Moments outlive the scopes they are made in. */
	private static NDArray persistent(NDArray a) {
		NDScope.unregister(a);
		return a;
	}

	/** Forgets all moments (the official code does this when a new resolution starts). */
	public void reset() {
		m.values().forEach(NDArray::close);
		v.values().forEach(NDArray::close);
		m.clear();
		v.clear();
		t = 0;
	}

	public Map<String, SafeTensors.Tensor> state() {
		Map<String, SafeTensors.Tensor> s = new LinkedHashMap<>();
		v.forEach((k, a) -> s.put(k + "/v", new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray())));
		m.forEach((k, a) -> s.put(k + "/m", new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray())));
		return s;
	}

	public void load(Map<String, SafeTensors.Tensor> state, long steps) {
		reset();
		state.forEach((k, tensor) -> {
			NDArray a = persistent(HostArrays.upload(manager, tensor.data, new Shape(tensor.shape)));
			String name = k.substring(0, k.length() - 2);
			(k.endsWith("/m") ? m : v).put(name, a);
		});
		t = steps;
	}

	@Override
	public void close() {
		manager.close();
	}
}

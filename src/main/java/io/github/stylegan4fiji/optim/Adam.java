package io.github.stylegan4fiji.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.io.SafeTensors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam as in TensorFlow (the official code's optimiser): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
 * θ ← θ − lr·√(1−β2ᵗ)/(1−β1ᵗ) · m/(√v + ε). Updates run in place with grad mode off. The state
 * (m, v, t) is saved with checkpoints so a resumed run continues exactly.
 * <p>
 * The moments of the tensors a step updates live in one flat buffer each, and the gradients are
 * gathered into one before the arithmetic: a step is a dozen operations on long arrays, not a dozen
 * per tensor (G and D have ≈ 40 tensors each; updated one by one, Adam issued ≈ 1,000 of the
 * ≈ 2,300 operations of a training iteration). Element by element the arithmetic is unchanged, so
 * the results are bit for bit those of updating tensor by tensor ({@code AdamTest}).
 */
public final class Adam implements AutoCloseable {

	private final double beta1, beta2, eps;
	private final NDManager manager;
	/** The tensors the flat moments hold, in order, and their shapes; empty before the first step. */
	private List<String> layout = List.of();
	private final List<Shape> shapes = new ArrayList<>();
	private NDArray vFlat, mFlat; // mFlat stays null when β1 = 0 (m = g needs no state)
	/** Moments by name of tensors outside the layout (loaded, or left out of the last step): kept, not lost. */
	private final Map<String, NDArray> otherV = new LinkedHashMap<>(), otherM = new LinkedHashMap<>();
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
		if (!names.equals(layout)) relayout(p, names);
		try (ArrayScope scope = new ArrayScope()) { // the gathered gradient and the update freed at the end
			scope.suppressNotUsedWarning();
			NDList grads = new NDList(names.size());
			for (String name : names) grads.add(p.get(name).getGradient().reshape(-1));
			NDArray g = grads.size() == 1 ? grads.head() : NDArrays.concat(grads);
			vFlat.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
			NDArray step = g;
			if (beta1 != 0) step = mFlat.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
			NDList update = step.div(vFlat.sqrt().addi((float) eps)).muli((float) lrT).split(splitPoints());
			for (int i = 0; i < names.size(); i++) {
				NDArray w = p.get(names.get(i));
				w.subi(update.get(i).reshape(w.getShape()));
				Autograd.zeroGrad(w);
			}
		}
	}

	/** Where the flat buffers split into tensors: the start of every tensor but the first. */
	private long[] splitPoints() {
		long[] points = new long[shapes.size() - 1];
		long at = 0;
		for (int i = 0; i < points.length; i++) points[i] = at += shapes.get(i).size();
		return points;
	}

	/** Flat moments for {@code names}: each tensor's moments carried over where it has them, zeros where not. */
	private void relayout(Params p, List<String> names) {
		unflatten();
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDList vs = new NDList(names.size()), ms = new NDList(names.size());
			for (String name : names) {
				NDArray w = p.get(name);
				vs.add(take(otherV, name, w));
				if (beta1 != 0) ms.add(take(otherM, name, w));
				shapes.add(w.getShape());
			}
			vFlat = persistent(NDArrays.concat(vs));
			if (beta1 != 0) mFlat = persistent(NDArrays.concat(ms));
		}
		layout = List.copyOf(names);
	}

	/** A tensor's moment, flat, taken out of {@code from} (the caller's scope frees it), or zeros. */
	private NDArray take(Map<String, NDArray> from, String name, NDArray like) {
		NDArray a = from.remove(name);
		if (a == null) return manager.zeros(like.getShape(), like.getDataType()).reshape(-1);
		if (!a.getShape().equals(like.getShape()))
			throw new IllegalStateException("Adam moment of '" + name + "' has shape " + a.getShape() + ", its tensor " + like.getShape());
		NDScope.register(a);
		return a.reshape(-1);
	}

	/** The flat moments back into per-name arrays (otherV, otherM); the layout is then empty. */
	private void unflatten() {
		if (vFlat != null) {
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDScope.register(vFlat);
				split(vFlat).forEach((name, a) -> otherV.put(name, persistent(a.duplicate())));
				if (mFlat != null) {
					NDScope.register(mFlat);
					split(mFlat).forEach((name, a) -> otherM.put(name, persistent(a.duplicate())));
				}
			}
		}
		vFlat = mFlat = null;
		layout = List.of();
		shapes.clear();
	}

	/** Views of a flat buffer's parts, by name, in their tensors' shapes. */
	private Map<String, NDArray> split(NDArray flat) {
		Map<String, NDArray> parts = new LinkedHashMap<>();
		NDList views = flat.split(splitPoints());
		for (int i = 0; i < layout.size(); i++) parts.put(layout.get(i), views.get(i).reshape(shapes.get(i)));
		return parts;
	}

	/** Moments outlive the scopes they are made in. */
	private static NDArray persistent(NDArray a) {
		NDScope.unregister(a);
		return a;
	}

	/** Forgets all moments (the official code does this when a new resolution starts). */
	public void reset() {
		unflatten();
		otherM.values().forEach(NDArray::close);
		otherV.values().forEach(NDArray::close);
		otherM.clear();
		otherV.clear();
		t = 0;
	}

	/** The moments by tensor name: {@code name/v}, and {@code name/m} when β1 ≠ 0, in the tensors' shapes. */
	public Map<String, SafeTensors.Tensor> state() {
		Map<String, SafeTensors.Tensor> s = new LinkedHashMap<>();
		try (ArrayScope scope = new ArrayScope()) { // the views of the flat buffers
			scope.suppressNotUsedWarning();
			if (vFlat != null) {
				split(vFlat).forEach((name, a) -> s.put(name + "/v", host(a)));
				if (mFlat != null) split(mFlat).forEach((name, a) -> s.put(name + "/m", host(a)));
			}
		}
		otherV.forEach((name, a) -> s.put(name + "/v", host(a)));
		otherM.forEach((name, a) -> s.put(name + "/m", host(a)));
		return s;
	}

	private static SafeTensors.Tensor host(NDArray a) {
		return new SafeTensors.Tensor(a.getShape().getShape(), a.toFloatArray());
	}

	public void load(Map<String, SafeTensors.Tensor> state, long steps) {
		reset();
		state.forEach((k, tensor) -> {
			NDArray a = persistent(HostArrays.upload(manager, tensor.data, new Shape(tensor.shape)));
			String name = k.substring(0, k.length() - 2);
			(k.endsWith("/m") ? otherM : otherV).put(name, a);
		});
		t = steps;
	}

	@Override
	public void close() {
		manager.close();
	}
}

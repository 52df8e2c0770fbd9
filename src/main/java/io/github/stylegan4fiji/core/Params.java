package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.NumpyRandom;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A set of named float32 tensors (the weights of one network, e.g. G, G_ema or D) living in their
 * own {@link NDManager}. Names are the official StyleGAN variable names, so a set maps one to one
 * onto the model file and onto official checkpoints.
 */
public final class Params implements AutoCloseable {

	static {
		EngineSetup.init(); // before libtorch's first operation
	}

	private final NDManager manager;
	private final Map<String, NDArray> tensors = new LinkedHashMap<>();
	private final Set<String> buffers = new java.util.HashSet<>();
	/** Values derived from the tensors, kept by a {@linkplain #samplingView sampling view}; null otherwise. */
	private final Map<String, NDArray> derived;

	public Params(NDManager parent) {
		this.manager = parent.newSubManager();
		this.derived = null;
	}

	private Params(Params of, NDManager parent) {
		this.manager = parent.newSubManager();
		this.tensors.putAll(of.tensors); // shared, still owned by {@code of}
		this.buffers.addAll(of.buffers);
		this.derived = new HashMap<>();
	}

	/**
	 * The same tensors for sampling, where they do not change: values derived from them (weights
	 * scaled for the equalized learning rate, resampling kernels, constant filters) are computed on
	 * first use and kept until the view is closed, instead of once per batch. The tensors must not
	 * change while the view is in use — the trainer updates G_ema in place between steps, so its
	 * samplers live within one grid or metric job. Closing the view frees only the derived values.
	 */
	public Params samplingView(NDManager parent) {
		return new Params(this, parent);
	}

	/**
	 * {@code compute}'s value: once per view in a {@linkplain #samplingView sampling view}, on every
	 * call otherwise (in training the tensors change every step and gradients must reach them).
	 * {@code key} names what is computed and must determine it, e.g. the tensor name and the gain.
	 */
	public NDArray derived(String key, Supplier<NDArray> compute) {
		if (derived == null) return compute.get();
		NDArray v = derived.get(key);
		if (v == null) {
			v = compute.get();
			for (NDArray t : tensors.values())
				if (t == v) return v; // e.g. a scale of 1: the tensor itself, owned elsewhere
			NDScope.unregister(v); // computed inside a batch's scope, kept beyond it
			v.attach(manager);
			derived.put(key, v);
		}
		return v;
	}

	/** Creates every declared tensor, drawing normal ones from a machine-independent generator. */
	public static Params initialize(List<ParamSpec> specs, NDManager parent, long seed) {
		Params p = new Params(parent);
		NumpyRandom rng = new NumpyRandom(seed);
		for (ParamSpec s : specs) {
			float[] v = new float[Math.toIntExact(s.size())];
			switch (s.init) {
				case NORMAL:
					for (int i = 0; i < v.length; i++) v[i] = (float) (rng.gauss() * s.std);
					break;
				case ONES:
					java.util.Arrays.fill(v, 1f);
					break;
				default:
					break;
			}
			p.put(s.name, HostArrays.upload(p.manager, v, new Shape(s.shape)), s.trainable);
		}
		return p;
	}

	public NDManager manager() {
		return manager;
	}

	/** Adds or replaces a tensor; it moves into this set's manager. */
	public void put(String name, NDArray value, boolean trainable) {
		if (derived != null) throw new IllegalStateException("a sampling view is read-only");
		NDArray old = tensors.put(name, value);
		if (old != null && old != value) old.close();
		value.attach(manager);
		value.setName(name);
		if (trainable) buffers.remove(name);
		else buffers.add(name);
	}

	public NDArray get(String name) {
		NDArray a = tensors.get(name);
		if (a == null) throw new IllegalStateException("no tensor named '" + name + "'");
		return a;
	}

	public boolean contains(String name) {
		return tensors.containsKey(name);
	}

	public boolean isTrainable(String name) {
		return tensors.containsKey(name) && !buffers.contains(name);
	}

	public Set<String> names() {
		return Collections.unmodifiableSet(tensors.keySet());
	}

	/** Deep copy into a new set owned by {@code parent}. */
	public Params copy(NDManager parent) {
		Params p = new Params(parent);
		for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
			NDArray c = e.getValue().stopGradient().duplicate();
			p.put(e.getKey(), c, !buffers.contains(e.getKey()));
		}
		return p;
	}

	/** Copies this set to a device (e.g. for GPU sampling). */
	public Params toDevice(ai.djl.Device device, NDManager parent) {
		Params p = new Params(parent);
		for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
			p.put(e.getKey(), e.getValue().toDevice(device, true), !buffers.contains(e.getKey()));
		}
		return p;
	}

	/** Values on the host, for saving (float32, row-major). */
	public float[] hostValues(String name) {
		NDArray a = get(name);
		if (a.getDataType() != DataType.FLOAT32) a = a.toType(DataType.FLOAT32, false);
		return a.toFloatArray();
	}

	@Override
	public void close() {
		manager.close();
	}
}

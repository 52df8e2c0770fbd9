package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.NumpyRandom;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

	public Params(NDManager parent) {
		this.manager = parent.newSubManager();
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

package io.github.stylegan4fiji.io;

import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the network pickles of the official StyleGAN code (NVlabs/stylegan, TensorFlow): a tuple
 * {@code (G, D, Gs)} of {@code dnnlib.tflib.network.Network} objects, or a single one. A Network
 * pickles as its {@code __getstate__} dictionary (format version 2 or 3): {@code name},
 * {@code build_func_name}, {@code static_kwargs}, {@code components} (sub-networks) and
 * {@code variables}, a list of (name, NumPy array) pairs in TensorFlow layout.
 * <p>
 * Only data is read. The unpickler constructs nothing but these Networks, NumPy arrays, dtypes and
 * scalars and plain containers; any other class becomes an inert map, and no code runs (the module
 * source stored in each Network, which Python would {@code exec}, is ignored).
 */
public final class OfficialPickle {

	/** The official class every network of a StyleGAN (1 and 2) TensorFlow pickle is. */
	static final String NETWORK_CLASS = "dnnlib.tflib.network.Network";

	/** One network: the parts of its pickled state the importer needs. */
	public static final class Network {
		public final String name;
		/** The official build function, e.g. {@code G_style}, {@code G_synthesis}, {@code D_basic}. */
		public final String buildFunc;
		/** Keyword arguments the network was built with (the official defaults apply to the rest). */
		public final Map<String, Object> kwargs;
		/** Sub-networks by role, e.g. {@code mapping}, {@code synthesis}. */
		public final Map<String, Network> components;
		/** Own variables (not the components'), in pickled order, TensorFlow layout. */
		public final Map<String, Array> variables;

		Network(String name, String buildFunc, Map<String, Object> kwargs, Map<String, Network> components,
				Map<String, Array> variables) {
			this.name = name;
			this.buildFunc = buildFunc;
			this.kwargs = Collections.unmodifiableMap(kwargs);
			this.components = Collections.unmodifiableMap(components);
			this.variables = Collections.unmodifiableMap(variables);
		}
	}

	/** A NumPy array as pickled: raw bytes, converted to float32 on request (keeps one copy in memory). */
	public static final class Array {
		public final long[] shape;
		final byte[] raw;
		final char kind;
		final int itemSize;
		final ByteOrder order;
		final boolean fortran;

		Array(long[] shape, byte[] raw, char kind, int itemSize, ByteOrder order, boolean fortran) {
			this.shape = shape;
			this.raw = raw;
			this.kind = kind;
			this.itemSize = itemSize;
			this.order = order;
			this.fortran = fortran;
		}

		public long size() {
			long n = 1;
			for (long d : shape) n *= d;
			return n;
		}

		/** The values as float32 in C (row-major) order. */
		public float[] floats() {
			int n = (int) size();
			float[] out = new float[n];
			ByteBuffer b = ByteBuffer.wrap(raw).order(order);
			for (int i = 0; i < n; i++) {
				int at = i * itemSize;
				float v;
				if (kind == 'f' && itemSize == 4) v = b.getFloat(at);
				else if (kind == 'f' && itemSize == 8) v = (float) b.getDouble(at);
				else if (kind == 'f' && itemSize == 2) v = halfToFloat(b.getShort(at));
				else if (kind == 'i' || kind == 'u') v = integer(b, at);
				else if (kind == 'b' && itemSize == 1) v = raw[at] != 0 ? 1 : 0;
				else throw new IllegalStateException("unsupported dtype " + kind + itemSize);
				out[i] = v;
			}
			return fortran && shape.length > 1 ? toRowMajor(out) : out;
		}

		private float integer(ByteBuffer b, int at) {
			long v;
			switch (itemSize) {
				case 1: v = kind == 'u' ? raw[at] & 0xFF : raw[at]; break;
				case 2: v = kind == 'u' ? b.getShort(at) & 0xFFFF : b.getShort(at); break;
				case 4: v = kind == 'u' ? b.getInt(at) & 0xFFFFFFFFL : b.getInt(at); break;
				default: v = b.getLong(at);
			}
			return v;
		}

		private float[] toRowMajor(float[] f) {
			int r = shape.length;
			float[] out = new float[f.length];
			int[] idx = new int[r];
			for (int c = 0; c < out.length; c++) { // c walks row-major; the Fortran offset has the first axis fastest
				int off = 0, stride = 1;
				for (int k = 0; k < r; k++) {
					off += idx[k] * stride;
					stride *= (int) shape[k];
				}
				out[c] = f[off];
				for (int k = r - 1; k >= 0; k--) {
					if (++idx[k] < shape[k]) break;
					idx[k] = 0;
				}
			}
			return out;
		}
	}

	private OfficialPickle() {}

	/**
	 * The Networks in a pickle, in the pickled order ({@code [G, D, Gs]} for the official snapshots).
	 * Also accepts a dict of Networks (values in order) or a single Network.
	 */
	public static List<Network> read(Path file) throws IOException {
		String where = file.toString();
		if (!Files.isRegularFile(file)) throw new ModelFormatException("Pickle file not found: " + where);
		Object top;
		try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
			in.mark(2);
			int b0 = in.read(), b1 = in.read();
			in.reset();
			if (b0 == 'P' && b1 == 'K')
				throw new ModelFormatException(where + " is a zip archive (a StyleGAN-for-Fiji model, or a PyTorch file such as"
					+ " StyleGAN2-ADA/StyleGAN3 .pt), not an official StyleGAN (TensorFlow) network pickle");
			if (b0 != 0x80)
				throw new ModelFormatException(where + " is not a Python pickle of protocol 2 or later (first byte 0x"
					+ Integer.toHexString(b0 & 0xFF) + "); official StyleGAN pickles start with 0x80");
			SafeUnpickler u = new SafeUnpickler();
			try {
				top = u.load(in);
			} finally {
				u.close();
			}
		} catch (PickleException | ClassCastException | IllegalStateException e) {
			throw new ModelFormatException(where + ": not a StyleGAN network pickle, or damaged (" + e.getMessage() + ")", e);
		} catch (IOException e) {
			if (e instanceof ModelFormatException) throw e;
			throw new ModelFormatException(where + ": could not read the pickle — truncated or damaged? (" + e.getMessage() + ")", e);
		}
		List<Object> items = new ArrayList<>();
		if (top instanceof Object[]) Collections.addAll(items, (Object[]) top);
		else if (top instanceof List) items.addAll((List<?>) top);
		else if (top instanceof Map && !(top instanceof NetworkState)) items.addAll(((Map<?, ?>) top).values());
		else items.add(top);
		List<Network> out = new ArrayList<>();
		for (Object o : items) {
			if (!(o instanceof NetworkState))
				throw new ModelFormatException(where + ": expected " + NETWORK_CLASS + " objects (G, D, Gs), found "
					+ describe(o) + ". Pickles of StyleGAN2-ADA/StyleGAN3 (PyTorch) are not this format.");
			out.add(((NetworkState) o).toNetwork(where));
		}
		if (out.isEmpty()) throw new ModelFormatException(where + ": the pickle holds no network");
		return out;
	}

	private static String describe(Object o) {
		if (o == null) return "None";
		if (o instanceof PyObject) return "a " + ((PyObject) o).className + " object";
		return "a " + o.getClass().getSimpleName();
	}

	// ---- what the unpickler builds ---------------------------------------------------------------

	/** A pickled object of a class this reader does not model: its state as a map, nothing executed. */
	public static class PyObject extends LinkedHashMap<String, Object> {
		private static final long serialVersionUID = 1L;
		final String className;

		PyObject(String className) {
			this.className = className;
		}

		/** BUILD with a dict state (called reflectively by the unpickler). */
		public void __setstate__(HashMap<?, ?> state) {
			for (Map.Entry<?, ?> e : state.entrySet()) put(String.valueOf(e.getKey()), e.getValue());
		}
	}

	/** dnnlib.tflib.network.Network: its {@code __getstate__} dict. */
	public static final class NetworkState extends PyObject {
		private static final long serialVersionUID = 1L;

		NetworkState() {
			super(NETWORK_CLASS);
		}

		Network toNetwork(String where) throws ModelFormatException {
			Object version = get("version");
			if (!(version instanceof Number) || ((Number) version).intValue() < 2 || ((Number) version).intValue() > 4)
				throw new ModelFormatException(where + ": Network state version " + version + " (expected 2 or 3)");
			String name = String.valueOf(get("name"));
			String func = String.valueOf(get("build_func_name"));
			Map<String, Object> kwargs = new LinkedHashMap<>();
			if (get("static_kwargs") instanceof Map)
				for (Map.Entry<?, ?> e : ((Map<?, ?>) get("static_kwargs")).entrySet()) kwargs.put(String.valueOf(e.getKey()), e.getValue());
			Map<String, Network> components = new LinkedHashMap<>();
			if (get("components") instanceof Map) {
				for (Map.Entry<?, ?> e : ((Map<?, ?>) get("components")).entrySet()) {
					if (!(e.getValue() instanceof NetworkState))
						throw new ModelFormatException(where + ": component '" + e.getKey() + "' of " + name + " is not a Network");
					components.put(String.valueOf(e.getKey()), ((NetworkState) e.getValue()).toNetwork(where));
				}
			}
			Map<String, Array> vars = new LinkedHashMap<>();
			Object list = get("variables");
			if (!(list instanceof List))
				throw new ModelFormatException(where + ": network " + name + " has no variable list");
			for (Object pair : (List<?>) list) {
				Object[] p = pair instanceof Object[] ? (Object[]) pair : pair instanceof List ? ((List<?>) pair).toArray() : null;
				if (p == null || p.length != 2 || !(p[0] instanceof String))
					throw new ModelFormatException(where + ": network " + name + ": a variable entry is not a (name, array) pair");
				vars.put((String) p[0], asArray(p[1], where + ": " + name + "/" + p[0]));
			}
			return new Network(name, func, kwargs, components, vars);
		}
	}

	private static Array asArray(Object v, String where) throws ModelFormatException {
		if (v instanceof NdArrayState) return ((NdArrayState) v).array(where);
		if (v instanceof Number) { // a NumPy scalar (e.g. lod) arrives as a boxed number
			ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(((Number) v).doubleValue());
			return new Array(new long[0], b.array(), 'f', 8, ByteOrder.LITTLE_ENDIAN, false);
		}
		throw new ModelFormatException(where + " is not a NumPy array but " + describe(v));
	}

	/** numpy.dtype(spec, align, copy) with its BUILD state (version, byte order, ...). */
	public static final class DType {
		final char kind;
		final int itemSize;
		ByteOrder order = ByteOrder.LITTLE_ENDIAN;
		String byteOrderChar = "<";

		DType(String spec) {
			// 'f4', 'f8', 'i8', 'u1', 'b1', 'f2'; numpy's pickles use the kind + size code
			if (spec.length() < 2 || !Character.isLetter(spec.charAt(0)))
				throw new IllegalStateException("unsupported NumPy dtype '" + spec + "'");
			kind = spec.charAt(0);
			itemSize = Integer.parseInt(spec.substring(1));
		}

		public void __setstate__(Object[] state) {
			if (state.length > 1 && state[1] instanceof String) {
				byteOrderChar = (String) state[1];
				order = byteOrderChar.equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
			}
		}
	}

	/** numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') followed by BUILD (version, shape, dtype, fortran, data). */
	public static final class NdArrayState {
		private Object[] state;

		public void __setstate__(Object[] s) {
			state = s;
		}

		Array array(String where) throws ModelFormatException {
			if (state == null || state.length < 5)
				throw new ModelFormatException(where + ": a NumPy array without data");
			Object[] shapeObj = state[1] instanceof Object[] ? (Object[]) state[1] : new Object[0];
			long[] shape = new long[shapeObj.length];
			for (int i = 0; i < shape.length; i++) shape[i] = ((Number) shapeObj[i]).longValue();
			if (!(state[2] instanceof DType)) throw new ModelFormatException(where + ": a NumPy array without a dtype");
			DType dt = (DType) state[2];
			if (!(state[4] instanceof byte[]))
				throw new ModelFormatException(where + ": NumPy array data of an unsupported kind (" + describe(state[4])
					+ "); re-save the pickle with Python 3");
			byte[] raw = (byte[]) state[4];
			long n = 1;
			for (long d : shape) n *= d;
			if (n * dt.itemSize != raw.length)
				throw new ModelFormatException(where + ": NumPy array of shape " + java.util.Arrays.toString(shape) + " and dtype "
					+ dt.kind + dt.itemSize + " has " + raw.length + " bytes");
			if ("fbiu".indexOf(dt.kind) < 0) throw new ModelFormatException(where + ": unsupported NumPy dtype " + dt.kind + dt.itemSize);
			return new Array(shape, raw, dt.kind, dt.itemSize, dt.order, Boolean.TRUE.equals(state[3]));
		}
	}

	/** numpy.core.multiarray.scalar(dtype, bytes): a NumPy scalar, returned as a boxed Java number. */
	private static Object scalar(Object[] args) {
		DType dt = (DType) args[0];
		byte[] raw = args[1] instanceof byte[] ? (byte[]) args[1] : String.valueOf(args[1]).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
		float[] v = new Array(new long[0], raw, dt.kind, dt.itemSize, dt.order, false).floats();
		return dt.kind == 'f' ? (Object) (double) v[0] : (Object) (long) v[0];
	}

	/** Resolves pickled globals to the few constructors above; everything else becomes an inert {@link PyObject}. */
	private static final class SafeUnpickler extends Unpickler {
		@Override
		protected Object dispatch(short key) throws PickleException, IOException {
			if (key == Opcodes.GLOBAL) {
				String module = PickleUtils.readline(input);
				String name = PickleUtils.readline(input);
				stack.add(constructor(module, name));
				return NO_RETURN_VALUE;
			}
			if (key == Opcodes.STACK_GLOBAL) {
				String name = (String) stack.pop();
				String module = (String) stack.pop();
				stack.add(constructor(module, name));
				return NO_RETURN_VALUE;
			}
			return super.dispatch(key);
		}

		private static IObjectConstructor constructor(String module, String name) {
			String full = module + "." + name;
			boolean multiarray = module.equals("numpy.core.multiarray") || module.equals("numpy._core.multiarray");
			if (full.equals(NETWORK_CLASS)) return args -> new NetworkState();
			if (multiarray && name.equals("_reconstruct")) return args -> new NdArrayState();
			if (multiarray && name.equals("scalar")) return OfficialPickle::scalar;
			if (full.equals("numpy.dtype")) return args -> new DType(String.valueOf(args[0]));
			if (full.equals("numpy.ndarray")) return args -> new PyObject(full);
			if (full.equals("builtins.set") || full.equals("__builtin__.set")) return args -> args.length > 0 && args[0] instanceof List
				? new java.util.LinkedHashSet<>((List<?>) args[0]) : new java.util.LinkedHashSet<>();
			if (full.equals("collections.OrderedDict")) return args -> new PyObject(full);
			if (full.equals("_codecs.encode")) return args -> String.valueOf(args[0]).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
			return args -> {
				if (args.length > 0 && !(full.startsWith("dnnlib.")))
					throw new PickleException("the pickle contains a " + full + " object, which an official StyleGAN network"
						+ " pickle does not have");
				return new PyObject(full);
			};
		}
	}

	/** IEEE 754 half → float (Java 17 has no Float.float16ToFloat). */
	static float halfToFloat(short h) {
		int bits = h & 0xFFFF, sign = (bits >>> 15) << 31, exp = (bits >>> 10) & 0x1F, mant = bits & 0x3FF;
		if (exp == 0) return (sign != 0 ? -1 : 1) * mant * 0x1p-24f;
		if (exp == 31) return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
		return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
	}
}

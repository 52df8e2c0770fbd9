package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Self-check of the engine: computes each convolution shape a job will run — forward, input
 * gradient and weight gradient, through the route {@link Convolutions} takes — and compares it with
 * libtorch's float64 convolution of the same data (a separate code path: oneDNN does not do float64),
 * after filling the allocator with freed NaN-filled blocks, so that a kernel reading memory it never
 * wrote shows up as NaN rather than passing by luck.
 * <p>
 * {@link #ensureCorrect} runs before training and metric jobs: shapes that fail are routed to GEMM and
 * checked again; if something is still wrong the job stops with a message. Shapes that passed on a
 * device are remembered for the rest of the process.
 */
public final class EngineCheck {

	/** Largest relative error (max |float32 − float64| / max |float64|) accepted. */
	public static final double TOLERANCE = 1e-4;
	/**
	 * The self-check before a job runs each shape at the job's batch size up to this and spatial sides
	 * up to {@link #CHECK_SIDE}, which keeps it well under a second for typical models (the float64
	 * oracle is the slow part). The test suite checks real sizes.
	 */
	public static final int CHECK_BATCH = 4, CHECK_SIDE = 16;

	private static final String[] PARTS = {"output", "input gradient", "weight gradient"};
	private static final Set<String> passed = ConcurrentHashMap.newKeySet();

	private EngineCheck() {}

	/** One wrong result. */
	public static final class Failure {
		public final ConvShape shape;
		public final Convolutions.Route route;
		public final String part;
		public final double relativeError;

		Failure(ConvShape shape, Convolutions.Route route, String part, double relativeError) {
			this.shape = shape;
			this.route = route;
			this.part = part;
			this.relativeError = relativeError;
		}

		@Override
		public String toString() {
			return shape + " (" + route + "): " + part + " off by " + (Double.isInfinite(relativeError) ? "NaN/Inf" : String.format("%.2g", relativeError));
		}
	}

	/** What one check found. */
	public static final class Report {
		public final Device device;
		public final List<ConvShape> shapes;
		public final List<Failure> failures;
		public final double seconds;

		Report(Device device, List<ConvShape> shapes, List<Failure> failures, double seconds) {
			this.device = device;
			this.shapes = Collections.unmodifiableList(shapes);
			this.failures = Collections.unmodifiableList(failures);
			this.seconds = seconds;
		}

		public boolean ok() {
			return failures.isEmpty();
		}

		public String summary() {
			if (ok()) return String.format("engine check: %d convolution shapes on %s agree with float64 (%.2f s)", shapes.size(), device, seconds);
			Set<ConvShape> bad = new LinkedHashSet<>();
			for (Failure f : failures) bad.add(f.shape);
			return String.format("engine check: %d of %d convolution shapes on %s are WRONG against float64 (%.2f s); first: %s", bad.size(),
				shapes.size(), device, seconds, failures.get(0));
		}
	}

	/** {@link #shapesOf(StyleGanConfig, boolean)} as the self-check runs them for a job with this batch size. */
	public static Set<ConvShape> shapesOf(StyleGanConfig c, int batch, boolean discriminator) {
		return forJob(shapesOf(c, discriminator), batch);
	}

	/** Recorded shapes as the self-check runs them for a job with this batch size. */
	public static Set<ConvShape> forJob(Collection<ConvShape> shapes, int batch) {
		return capped(shapes, batch, CHECK_BATCH, CHECK_SIDE);
	}

	/**
	 * The convolution shapes (at batch 1) of a model's G at every level of detail and, with
	 * {@code discriminator}, of D and R1's input gradient. Found by running the networks with
	 * convolutions replaced by zeros, so it costs no convolution time. Fade-ins need no run of their
	 * own: they combine the toRGB/fromRGB layers of the two neighbouring levels.
	 */
	public static Set<ConvShape> shapesOf(StyleGanConfig c, boolean discriminator) {
		Set<ConvShape> recorded;
		try (NDManager m = Engine.getInstance().newBaseManager(Device.cpu())) {
			GeneratorNetwork g = NetworkFamily.generator(c);
			DiscriminatorNetwork d = NetworkFamily.discriminator(c);
			Params gp = zeros(g.parameters(), m), dp = discriminator ? zeros(d.parameters(), m) : null;
			recorded = Convolutions.record(() -> {
				int maxLod = c.resolutionLog2() - 2;
				for (int lod = 0; lod <= maxLod; lod++) {
					NDArray z = m.zeros(new Shape(1, c.latentSize));
					NDArray labels = c.isConditional() ? Labels.oneHot(m, new int[] {0}, c.labelSize) : null;
					NDArray img = g.synthesize(gp, g.broadcast(g.map(gp, z, labels)), NoiseSource.NONE, lod, LayerObserver.NONE);
					if (dp != null) d.forwardWithInputGradient(dp, img, labels, lod);
				}
			});
		}
		return recorded;
	}

	/** Shapes with the batch set to min(batch, maxBatch) and spatial sides capped at maxSide. */
	public static Set<ConvShape> capped(Collection<ConvShape> shapes, int batch, int maxBatch, int maxSide) {
		Set<ConvShape> out = new LinkedHashSet<>();
		int n = Math.max(1, Math.min(batch, maxBatch));
		for (ConvShape s : shapes) out.add(s.resized(n, Math.min(s.height, maxSide), Math.min(s.width, maxSide)));
		return out;
	}

	/** Checks each shape on its current route; no side effects on the routing. */
	public static Report check(Collection<ConvShape> shapes, Device device) {
		return check(shapes, device, null);
	}

	/** Checks each shape on the given route (null: the route {@link Convolutions} would take). */
	public static Report check(Collection<ConvShape> shapes, Device device, Convolutions.Route route) {
		long t0 = System.nanoTime();
		List<ConvShape> list = new ArrayList<>(shapes);
		List<Failure> failures = new ArrayList<>();
		try (NDManager root = Engine.getInstance().newBaseManager(device)) {
			long seed = 1;
			for (ConvShape s : list) failures.addAll(checkOne(root, s, route != null ? route : Convolutions.route(s, device), seed++));
		}
		return new Report(device, list, failures, (System.nanoTime() - t0) / 1e9);
	}

	/**
	 * Checks the shapes not yet known to be right on this device; failing shapes are routed to GEMM
	 * and checked again. Messages go to {@code log}.
	 *
	 * @throws IllegalStateException if some convolution is wrong even on the GEMM route
	 */
	public static Report ensureCorrect(Collection<ConvShape> shapes, Device device, Consumer<String> log) {
		List<ConvShape> todo = new ArrayList<>();
		for (ConvShape s : shapes)
			if (!passed.contains(key(s, device))) todo.add(s);
		Report r = check(todo, device);
		if (!r.ok()) {
			log.accept(r.summary());
			Set<ConvShape> bad = new LinkedHashSet<>();
			for (Failure f : r.failures) bad.add(f.shape);
			for (ConvShape s : bad) Convolutions.distrust(s);
			Report again = check(bad, device);
			if (!again.ok())
				throw new IllegalStateException("The engine computes wrong convolutions on " + device + " even on the GEMM route: " + again.failures.get(0)
					+ ". Results would be wrong; try another device, or report this with the output of 'bin/stylegan doctor'.");
			log.accept("engine check: the " + bad.size() + " wrong shape(s) now run as matrix products (GEMM) and agree with float64; continuing");
		}
		for (ConvShape s : todo) passed.add(key(s, device));
		if (r.ok() && !todo.isEmpty()) log.accept(r.summary());
		return r;
	}

	private static String key(ConvShape s, Device device) {
		return device + "|" + s + "|" + Convolutions.route(s, device);
	}

	private static List<Failure> checkOne(NDManager root, ConvShape s, Convolutions.Route route, long seed) {
		List<Failure> failures = new ArrayList<>();
		try (NDManager m = root.newSubManager()) {
			Random rng = new Random(seed); // not libtorch's generator: a check must not change a job's random draws
			NDArray x = gaussian(m, rng, new Shape(s.batch, s.in, s.height, s.width));
			NDArray w = gaussian(m, rng, new Shape(s.out, s.in / s.groups, s.kernel, s.kernel));
			NDArray g = gaussian(m, rng, new Shape(s.batch, s.out, s.outHeight(), s.outWidth()));
			NDArray[] single = run(m, s, x, w, g, route, DataType.FLOAT32);
			NDArray[] dbl = run(m, s, x, w, g, Convolutions.Route.LIBTORCH, DataType.FLOAT64);
			for (int i = 0; i < 3; i++) {
				double e = relativeError(single[i], dbl[i]);
				if (!(e <= TOLERANCE)) failures.add(new Failure(s, route, PARTS[i], e));
			}
		}
		return failures;
	}

	/** Output, input gradient and weight gradient of Σ conv(x, w)·g, as float64. */
	private static NDArray[] run(NDManager m, ConvShape s, NDArray x0, NDArray w0, NDArray g0, Convolutions.Route route, DataType type) {
		poison(m, s);
		NDArray x = x0.toType(type, true), w = w0.toType(type, true), g = g0.toType(type, true);
		x.setRequiresGradient(true);
		w.setRequiresGradient(true);
		NDArray y;
		Autograd.gradMode(true);
		try {
			y = Convolutions.compute(x, w, null, s, route);
			Autograd.backward(y.mul(g).sum());
		} finally {
			Autograd.gradMode(false);
		}
		return new NDArray[] {y.toType(DataType.FLOAT64, true), x.getGradient().toType(DataType.FLOAT64, true),
			w.getGradient().toType(DataType.FLOAT64, true)};
	}

	/** Frees NaN-filled blocks of the sizes the convolution will ask for, and some smaller ones. */
	private static void poison(NDManager m, ConvShape s) {
		long[] sizes = {(long) s.batch * s.in * s.height * s.width, (long) s.batch * s.out * s.outHeight() * s.outWidth(),
			(long) s.out * s.in / s.groups * s.kernel * s.kernel};
		for (int i = 0; i < 24; i++) m.full(new Shape(1 + (i * 997) % 60000), Float.NaN).close();
		for (long n : sizes)
			for (int rep = 0; rep < 2; rep++) m.full(new Shape(n * (rep + 1)), Float.NaN).close();
	}

	static double relativeError(NDArray a, NDArray b) {
		double scale = b.abs().max().getDouble();
		double e = a.sub(b).abs().max().getDouble() / (scale + 1e-30);
		return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
	}

	private static NDArray gaussian(NDManager m, Random rng, Shape shape) {
		float[] v = new float[Math.toIntExact(shape.size())];
		for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
		return HostArrays.upload(m, v, shape);
	}

	private static Params zeros(List<ParamSpec> specs, NDManager m) {
		Params p = new Params(m);
		for (ParamSpec s : specs) p.put(s.name, m.zeros(new Shape(s.shape)), s.trainable);
		return p;
	}
}

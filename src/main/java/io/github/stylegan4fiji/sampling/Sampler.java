package io.github.stylegan4fiji.sampling;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.LayerObserver;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Labels;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sampling API the Fiji commands call: images from seeds with truncation, style mixing, noise
 * control and interpolation. Uses the averaged generator (G_ema) of a model on a chosen device and
 * works in batches, each in its own {@link NDScope}, so native memory stays flat however many
 * images are asked for. Results come back to the host as {@link Images} in the model's range.
 */
public final class Sampler implements AutoCloseable {

	private final StyleGanModel model;
	private final StyleGanConfig config;
	private final GeneratorNetwork generator;
	private final Device device;
	private final NDManager manager;
	private final Params params;
	private int batchSize = 16;
	private Progress progress = Progress.NONE;
	/** Level of detail to render at; NaN: the model's own (a snapshot renders what it was trained to). */
	private double lod = Double.NaN;
	/** Class of every image of a conditional model; −1: by seed (seed mod classes) where seeds are known. */
	private int fixedClass = -1;
	/** Per-class truncation centres [labelSize × dlatentSize] on the host, read once. */
	private float[] classCentres;

	public Sampler(StyleGanModel model, Device device) {
		this.model = model;
		this.config = model.config;
		this.generator = model.generator;
		this.device = device;
		this.manager = Engine.getInstance().newBaseManager(device);
		Params weights = model.device().equals(device) ? model.gEma() : model.gEma().toDevice(device, manager);
		this.params = weights.samplingView(manager); // scaled weights and kernels once, not per batch
	}

	/** Renders at this level of detail instead of the model's (e.g. the trainer's current phase). */
	public Sampler lod(double lod) {
		this.lod = lod;
		return this;
	}

	/**
	 * The class every image is made of (a conditional model's label, 0-based), also the centre of
	 * truncation (that class's average w); −1 (the default): seed s makes class s mod the number of
	 * classes, and calls without seeds need explicit classes.
	 */
	public Sampler classLabel(int label) {
		if (label >= 0 && !config.isConditional())
			throw new IllegalArgumentException("this model has no classes (it was trained without labels)");
		if (label >= config.labelSize && config.isConditional())
			throw new IllegalArgumentException("class " + label + " does not exist; the model's classes are " + config.classList());
		this.fixedClass = Math.max(-1, label);
		return this;
	}

	/** The class set by {@link #classLabel}, −1 if none. */
	public int classLabel() {
		return fixedClass;
	}

	/** The class of each seed's image (null for an unconditional model): the set class, else seed mod classes. */
	public int[] classesOf(long[] seeds) {
		if (!config.isConditional()) return null;
		int[] k = new int[seeds.length];
		for (int i = 0; i < seeds.length; i++) k[i] = fixedClass >= 0 ? fixedClass : (int) Math.floorMod(seeds[i], (long) config.labelSize);
		return k;
	}

	/**
	 * Classes for {@code n} images without seeds (e.g. metrics): the set class, else drawn uniformly
	 * from {@code rng}; null for an unconditional model.
	 */
	public int[] classesFor(int n, NumpyRandom rng) {
		if (!config.isConditional()) return null;
		if (fixedClass >= 0) return fixedClasses(n);
		int[] k = new int[n];
		for (int i = 0; i < n; i++) k[i] = rng.nextInt(config.labelSize);
		return k;
	}

	private int[] fixedClasses(int n) {
		if (!config.isConditional()) return null;
		if (fixedClass < 0)
			throw new IllegalArgumentException("this model is conditional: choose a class (" + config.classList() + ")");
		int[] k = new int[n];
		Arrays.fill(k, fixedClass);
		return k;
	}

	public Sampler batchSize(int size) {
		if (size < 1) throw new IllegalArgumentException("batch size must be ≥ 1");
		this.batchSize = size;
		return this;
	}

	/**
	 * Told, after each batch, how many images of the current call are done; asked before each batch
	 * whether to stop (a {@link java.util.concurrent.CancellationException} then ends the call).
	 */
	public Sampler progress(Progress progress) {
		this.progress = progress;
		return this;
	}

	public StyleGanModel model() {
		return model;
	}

	public Device device() {
		return device;
	}

	/** Engine, version and device actually used. */
	public String describeDevice() {
		return Devices.describe(device);
	}

	// ---- latents --------------------------------------------------------------------------------

	/** w for each seed, host row-major [n, dlatentSize], each of the class {@link #classesOf} gives it. */
	public float[] mapSeeds(long[] seeds) {
		return mapZ(Latents.zBatch(seeds, config.latentSize), seeds.length, classesOf(seeds));
	}

	/** w for host z [n, latentSize]; a conditional model needs {@link #classLabel} set (or use the form with classes). */
	public float[] mapZ(float[] z, int n) {
		return mapZ(z, n, fixedClasses(n));
	}

	/** w for host z [n, latentSize] of the given classes (one per row; null for an unconditional model). */
	public float[] mapZ(float[] z, int n, int[] classes) {
		if (config.isConditional() && (classes == null || classes.length != n))
			throw new IllegalArgumentException("this model is conditional: a class is needed for each of the " + n + " latents");
		return mapLabels(z, n, classes == null ? null : Labels.oneHot(classes, config.labelSize));
	}

	/** The same w for every layer. */
	public float[][] broadcast(float[] w) {
		float[][] ws = new float[config.numLayers()][];
		Arrays.fill(ws, w);
		return ws;
	}

	// ---- rendering ------------------------------------------------------------------------------

	/** Images for seeds: z = RandomState(seed).randn, one w on all layers (of each seed's class, see {@link #classesOf}). */
	public Images generate(long[] seeds, Truncation t, NoiseSpec noise) {
		int[] k = classesOf(seeds);
		return render(broadcast(mapSeeds(seeds)), seeds.length, k == null ? null : broadcastClasses(k), t, noise);
	}

	/** The same classes for every layer (the companion of {@link #broadcast}). */
	public int[][] broadcastClasses(int[] classes) {
		int[][] k = new int[config.numLayers()][];
		Arrays.fill(k, classes);
		return k;
	}

	/**
	 * Renders from per-layer w: {@code ws[layer]} is host [n, dlatentSize]; layers may share one
	 * array. Truncation is applied here (per layer, with the cutoff), toward the set class's average
	 * w or, without one, the tracked average w.
	 */
	public Images render(float[][] ws, int n, Truncation t, NoiseSpec noise) {
		return render(ws, n, fixedClass >= 0 ? broadcastClasses(fixedClasses(n)) : null, t, noise);
	}

	/**
	 * As {@link #render(float[][], int, Truncation, NoiseSpec)}, each layer's w of image i truncated
	 * toward the average w of class {@code classes[layer][i]} (the class that w was mapped under);
	 * {@code classes} null: toward the tracked average w.
	 */
	public Images render(float[][] ws, int n, int[][] classes, Truncation t, NoiseSpec noise) {
		if (classes != null && classes.length != ws.length)
			throw new IllegalArgumentException("need classes for " + ws.length + " layers, got " + classes.length);
		return renderCentred(ws, n, classes == null || t.psi == 1.0 ? null : classCentres(classes, n), t, noise);
	}

	/** The renderer behind every call: per-layer w and truncation centres ([n, dlatentSize] host arrays, or null = w_avg). */
	private Images renderCentred(float[][] ws, int n, float[][] centres, Truncation t, NoiseSpec noise) {
		if (ws.length != config.numLayers())
			throw new IllegalArgumentException("need w for " + config.numLayers() + " layers, got " + ws.length);
		int per = config.channels * config.resolution * config.resolution;
		float[] out = new float[n * per];
		for (int b0 = 0; b0 < n; b0 += batchSize) {
			progress.checkCancelled();
			int b = Math.min(batchSize, n - b0);
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray[] wb = uploadRows(ws, b0, b);
				wb = generator.truncate(params, wb, centres == null ? null : uploadRows(centres, b0, b), t.psi, t.cutoff);
				// at the model's level of detail: a snapshot taken mid-growth renders what it was trained to
				NDArray img = generator.synthesize(params, wb, noise.source(config, params, b0),
					Double.isNaN(lod) ? model.progress.lod : lod, LayerObserver.NONE);
				float[] host = img.toFloatArray();
				System.arraycopy(host, 0, out, b0 * per, host.length);
			}
			progress.update("images", b0 + b, n);
		}
		return new Images(n, config.channels, config.resolution, config.resolution, out);
	}

	/** Rows {@code from … from+b−1} of per-layer host arrays [n, dlatentSize]; layers sharing an array share the upload. */
	private NDArray[] uploadRows(float[][] layers, int from, int b) {
		int d = config.dlatentSize;
		Map<float[], NDArray> uploaded = new IdentityHashMap<>();
		NDArray[] out = new NDArray[layers.length];
		for (int l = 0; l < layers.length; l++)
			out[l] = uploaded.computeIfAbsent(layers[l], a -> HostArrays.upload(manager, Arrays.copyOfRange(a, from * d, (from + b) * d), new Shape(b, d)));
		return out;
	}

	/** Per-layer host centres [n, dlatentSize] from per-layer classes (layers sharing a class array share the result). */
	private float[][] classCentres(int[][] classes, int n) {
		if (classCentres == null) classCentres = params.hostValues(GeneratorNetwork.CLASS_DLATENT_AVG);
		int d = config.dlatentSize;
		float[][] out = new float[classes.length][];
		Map<int[], float[]> done = new IdentityHashMap<>();
		for (int l = 0; l < classes.length; l++) {
			out[l] = done.computeIfAbsent(classes[l], k -> {
				float[] c = new float[n * d];
				for (int i = 0; i < n; i++) System.arraycopy(classCentres, k[i] * d, c, i * d, d);
				return c;
			});
		}
		return out;
	}

	// ---- projected latents ----------------------------------------------------------------------

	/** Renders projected latents with their own noise maps (the reconstructions, when ψ = 1). */
	public Images render(ProjectedLatents p, Truncation t) {
		p.checkFits(config);
		return render(p.perLayer(config.numLayers()), p.n, classesOfLatents(p, p.n), t, NoiseSpec.given(p.noise));
	}

	private int[][] classesOfLatents(ProjectedLatents p, int n) {
		if (p.classLabel < 0) return null;
		int[] k = new int[n];
		Arrays.fill(k, p.classLabel);
		return broadcastClasses(k);
	}

	/**
	 * Style mixing with projected images as the rows (source A, e.g. real cells): cell (r, c) takes the
	 * layers in {@code fromColumn} from column seed c, all others and the noise from projected image r.
	 */
	public Images styleMix(ProjectedLatents rows, long[] colSeeds, int[] colClasses, LayerRange fromColumn, Truncation t) {
		rows.checkFits(config);
		int nr = rows.n, nc = colSeeds.length, d = config.dlatentSize, layers = config.numLayers();
		float[] wc = mapZ(Latents.zBatch(colSeeds, config.latentSize), nc, colClasses);
		float[][] rowLayers = rows.perLayer(layers);
		float[][] ws = new float[layers][];
		int[][] ks = config.isConditional() ? new int[layers][] : null;
		int[] rowK = new int[nr * nc], colK = new int[nr * nc];
		for (int r = 0; r < nr; r++)
			for (int c = 0; c < nc; c++) {
				rowK[r * nc + c] = Math.max(0, rows.classLabel);
				if (colClasses != null) colK[r * nc + c] = colClasses[c];
			}
		float[] colW = new float[nr * nc * d];
		for (int r = 0; r < nr; r++)
			for (int c = 0; c < nc; c++) System.arraycopy(wc, c * d, colW, (r * nc + c) * d, d);
		for (int l = 0; l < layers; l++) {
			if (fromColumn.contains(l)) {
				ws[l] = colW;
			} else {
				ws[l] = new float[nr * nc * d];
				for (int r = 0; r < nr; r++)
					for (int c = 0; c < nc; c++) System.arraycopy(rowLayers[l], r * d, ws[l], (r * nc + c) * d, d);
			}
			if (ks != null) ks[l] = fromColumn.contains(l) ? colK : rowK;
		}
		int[] cellRow = new int[nr * nc];
		for (int i = 0; i < cellRow.length; i++) cellRow[i] = i / nc;
		return render(ws, nr * nc, ks, t, NoiseSpec.given(rows.select(cellRow).noise));
	}

	/** Frames from projected image a to projected image b: w lerped per layer, noise maps lerped too (the ends are the reconstructions). */
	public Images interpolate(ProjectedLatents p, int a, int b, int frames, Truncation t) {
		p.checkFits(config);
		if (frames < 2) throw new IllegalArgumentException("interpolation needs at least 2 frames");
		int layers = config.numLayers(), d = config.dlatentSize;
		float[][] ws = new float[layers][];
		for (int l = 0; l < layers; l++) {
			ws[l] = new float[frames * d];
			float[] wa = p.w(a, l), wb = p.w(b, l);
			for (int f = 0; f < frames; f++) System.arraycopy(Latents.lerp(wa, wb, f / (double) (frames - 1)), 0, ws[l], f * d, d);
		}
		ProjectedLatents ends = p.select(new int[] {a, b});
		float[][] noise = new float[layers][];
		for (int l = 0; l < layers; l++) {
			int per = ends.noise[l].length / 2;
			noise[l] = new float[frames * per];
			float[] na = Arrays.copyOfRange(ends.noise[l], 0, per), nb = Arrays.copyOfRange(ends.noise[l], per, 2 * per);
			for (int f = 0; f < frames; f++) System.arraycopy(Latents.lerp(na, nb, f / (double) (frames - 1)), 0, noise[l], f * per, per);
		}
		return render(ws, frames, classesOfLatents(p, frames), t, NoiseSpec.given(noise));
	}

	/**
	 * Style mixing grid, row-major: image (r, c) takes the layers in {@code fromColumn} from column
	 * seed c and all other layers from row seed r (the paper's Figure 3 with rows = source A).
	 */
	public Images styleMix(long[] rowSeeds, long[] colSeeds, LayerRange fromColumn, Truncation t, NoiseSpec noise) {
		return styleMix(rowSeeds, classesOf(rowSeeds), colSeeds, classesOf(colSeeds), fromColumn, t, noise);
	}

	/**
	 * As {@link #styleMix(long[], long[], LayerRange, Truncation, NoiseSpec)} with the rows' and the
	 * columns' classes given (null for an unconditional model), e.g. coarse styles of one class with
	 * fine styles of another; each layer is truncated toward the centre of the class its w came from.
	 */
	public Images styleMix(long[] rowSeeds, int[] rowClasses, long[] colSeeds, int[] colClasses, LayerRange fromColumn,
			Truncation t, NoiseSpec noise) {
		int rows = rowSeeds.length, cols = colSeeds.length;
		float[] wr = mapZ(Latents.zBatch(rowSeeds, config.latentSize), rows, rowClasses);
		float[] wc = mapZ(Latents.zBatch(colSeeds, config.latentSize), cols, colClasses);
		int d = config.dlatentSize;
		float[] rowW = new float[rows * cols * d], colW = new float[rows * cols * d];
		int[] rowK = new int[rows * cols], colK = new int[rows * cols];
		for (int r = 0; r < rows; r++) {
			for (int c = 0; c < cols; c++) {
				System.arraycopy(wr, r * d, rowW, (r * cols + c) * d, d);
				System.arraycopy(wc, c * d, colW, (r * cols + c) * d, d);
				if (rowClasses != null) rowK[r * cols + c] = rowClasses[r];
				if (colClasses != null) colK[r * cols + c] = colClasses[c];
			}
		}
		float[][] ws = new float[config.numLayers()][];
		int[][] ks = config.isConditional() ? new int[ws.length][] : null;
		for (int l = 0; l < ws.length; l++) {
			ws[l] = fromColumn.contains(l) ? colW : rowW;
			if (ks != null) ks[l] = fromColumn.contains(l) ? colK : rowK;
		}
		return render(ws, rows * cols, ks, t, noise);
	}

	/** Frames from seed a to seed b: slerp in Z (then mapped) or lerp in W; each seed of the class {@link #classesOf} gives it. */
	public Images interpolate(long seedA, long seedB, int frames, boolean inW, Truncation t, NoiseSpec noise) {
		int[] k = classesOf(new long[] {seedA, seedB});
		return interpolate(seedA, k == null ? -1 : k[0], seedB, k == null ? -1 : k[1], frames, inW, t, noise);
	}

	/**
	 * Frames from (seed a, class a) to (seed b, class b) of a conditional model (classes −1 when
	 * unconditional). In W the two w are mapped under their own classes and lerped; in Z z is slerped
	 * and the one-hot label lerped (the label embedding is linear, so this lerps the embeddings).
	 * Truncation centres move from class a's average w to class b's along the path.
	 */
	public Images interpolate(long seedA, int classA, long seedB, int classB, int frames, boolean inW, Truncation t, NoiseSpec noise) {
		if (frames < 2) throw new IllegalArgumentException("interpolation needs at least 2 frames");
		boolean cond = config.isConditional();
		if (cond) {
			classLabelCheck(classA);
			classLabelCheck(classB);
		}
		int dim = inW ? config.dlatentSize : config.latentSize, k = config.labelSize;
		float[] a, b;
		if (inW) {
			float[] w = mapZ(Latents.zBatch(new long[] {seedA, seedB}, config.latentSize), 2, cond ? new int[] {classA, classB} : null);
			a = Arrays.copyOfRange(w, 0, dim);
			b = Arrays.copyOfRange(w, dim, 2 * dim);
		} else {
			a = Latents.z(seedA, dim);
			b = Latents.z(seedB, dim);
		}
		float[] path = new float[frames * dim];
		float[] labels = cond ? new float[frames * k] : null;
		for (int i = 0; i < frames; i++) {
			double s = i / (double) (frames - 1);
			float[] v = inW ? Latents.lerp(a, b, s) : Latents.slerpKeepNorm(a, b, s);
			System.arraycopy(v, 0, path, i * dim, dim);
			if (cond) {
				labels[i * k + classA] += (float) (1 - s);
				labels[i * k + classB] += (float) s;
			}
		}
		float[] w = inW ? path : mapLabels(path, frames, labels);
		return renderCentred(broadcast(w), frames, cond && t.psi != 1.0 ? lerpCentres(classA, classB, frames) : null, t, noise);
	}

	/**
	 * Class translation (for conditional models): for each seed, z and the noise stay, the class goes
	 * from A to B — w lerped in {@code steps} frames from w(z, A) to w(z, B), or with
	 * {@code centroidShift} w(z, A) + s·(w̄_B − w̄_A), moving by the difference of the classes' average
	 * w. Row-major: one row per seed, {@code steps} frames each; frame 0 equals plain generation of
	 * class A and the last frame (without the shift) of class B, with the seed's noise (noise seed = seed).
	 */
	public Images translate(long[] seeds, int classA, int classB, int steps, boolean centroidShift, Truncation t) {
		if (!config.isConditional())
			throw new IllegalArgumentException("class translation needs a conditional model (trained with class labels)");
		classLabelCheck(classA);
		classLabelCheck(classB);
		if (steps < 2) throw new IllegalArgumentException("class translation needs at least 2 steps");
		int n = seeds.length, d = config.dlatentSize;
		float[] z = Latents.zBatch(seeds, config.latentSize);
		int[] ka = new int[n], kb = new int[n];
		Arrays.fill(ka, classA);
		Arrays.fill(kb, classB);
		float[] wa = mapZ(z, n, ka), wb = centroidShift ? null : mapZ(z, n, kb);
		float[] centres = params.hostValues(GeneratorNetwork.CLASS_DLATENT_AVG);
		float[] ws = new float[n * steps * d];
		long[] noiseSeeds = new long[n * steps];
		for (int i = 0; i < n; i++) {
			for (int f = 0; f < steps; f++) {
				double s = f / (double) (steps - 1);
				int at = (i * steps + f) * d;
				for (int j = 0; j < d; j++) {
					float from = wa[i * d + j];
					ws[at + j] = centroidShift
						? (float) (from + s * (centres[classB * d + j] - centres[classA * d + j]))
						: (float) (from + s * (wb[i * d + j] - from));
				}
				noiseSeeds[i * steps + f] = seeds[i];
			}
		}
		return renderCentred(broadcast(ws), n * steps, translationCentres(classA, classB, steps, n, t), t,
			NoiseSpec.perSample(noiseSeeds));
	}

	/**
	 * Class translation of projected images (a conditional model; the file's images were projected into
	 * class A, the class they are shown under): each image's w — every layer's, for W+ — moves by
	 * s·(w̄_B − w̄_A), s from 0 to 1 in {@code steps} frames, with the image's own noise maps. A projected
	 * image has no z to map under class B, so the path is the centroid shift; frame 0 is the reconstruction.
	 */
	public Images translate(ProjectedLatents p, int classB, int steps, Truncation t) {
		p.checkFits(config);
		if (!config.isConditional() || p.classLabel < 0)
			throw new IllegalArgumentException("class translation of projected images needs a conditional model and images projected into one of its classes");
		classLabelCheck(p.classLabel);
		classLabelCheck(classB);
		if (steps < 2) throw new IllegalArgumentException("class translation needs at least 2 steps");
		int n = p.n, d = config.dlatentSize, classA = p.classLabel;
		float[] centres = params.hostValues(GeneratorNetwork.CLASS_DLATENT_AVG);
		float[][] from = p.perLayer(config.numLayers());
		float[][] ws = new float[from.length][];
		Map<float[], float[]> moved = new IdentityHashMap<>(); // layers sharing one w share the path
		for (int l = 0; l < from.length; l++)
			ws[l] = moved.computeIfAbsent(from[l], a -> {
				float[] out = new float[n * steps * d];
				for (int i = 0; i < n; i++)
					for (int f = 0; f < steps; f++) {
						double s = f / (double) (steps - 1);
						for (int j = 0; j < d; j++)
							out[(i * steps + f) * d + j] = (float) (a[i * d + j] + s * (centres[classB * d + j] - centres[classA * d + j]));
					}
				return out;
			});
		int[] frameImage = new int[n * steps];
		for (int i = 0; i < frameImage.length; i++) frameImage[i] = i / steps;
		return renderCentred(ws, n * steps, translationCentres(classA, classB, steps, n, t), t, NoiseSpec.given(p.select(frameImage).noise));
	}

	/** Truncation centres along translation paths from class A to B ({@code n} rows of {@code steps}); null for ψ = 1. */
	private float[][] translationCentres(int classA, int classB, int steps, int n, Truncation t) {
		if (t.psi == 1.0) return null;
		int d = config.dlatentSize;
		float[] one = lerpCentres(classA, classB, steps)[0];
		float[] all = new float[n * steps * d];
		for (int i = 0; i < n; i++) System.arraycopy(one, 0, all, i * steps * d, steps * d);
		return broadcastCentres(all);
	}

	private void classLabelCheck(int label) {
		if (label < 0 || label >= config.labelSize)
			throw new IllegalArgumentException("class " + label + " does not exist; the model's classes are " + config.classList());
	}

	/** w for z [n, latentSize] under (soft) labels [n, labelSize] (null for an unconditional model). */
	private float[] mapLabels(float[] z, int n, float[] labels) {
		float[] w = new float[n * config.dlatentSize];
		int k = config.labelSize;
		for (int b0 = 0; b0 < n; b0 += batchSize) {
			int b = Math.min(batchSize, n - b0);
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray zb = HostArrays.upload(manager, Arrays.copyOfRange(z, b0 * config.latentSize, (b0 + b) * config.latentSize),
					new Shape(b, config.latentSize));
				NDArray lb = labels == null ? null : HostArrays.upload(manager, Arrays.copyOfRange(labels, b0 * k, (b0 + b) * k), new Shape(b, k));
				float[] wb = generator.map(params, zb, lb).toFloatArray();
				System.arraycopy(wb, 0, w, b0 * config.dlatentSize, wb.length);
			}
		}
		return w;
	}

	/** Centres for a path of {@code frames} from class a's average w to class b's, the same for every layer. */
	private float[][] lerpCentres(int classA, int classB, int frames) {
		float[] all = params.hostValues(GeneratorNetwork.CLASS_DLATENT_AVG);
		int d = config.dlatentSize;
		float[] c = new float[frames * d];
		for (int i = 0; i < frames; i++) {
			double s = frames == 1 ? 0 : i / (double) (frames - 1);
			for (int j = 0; j < d; j++) c[i * d + j] = (float) (all[classA * d + j] + s * (all[classB * d + j] - all[classA * d + j]));
		}
		return broadcastCentres(c);
	}

	private float[][] broadcastCentres(float[] c) {
		float[][] out = new float[config.numLayers()][];
		Arrays.fill(out, c);
		return out;
	}

	/**
	 * One latent rendered with {@code draws} different noise maps in {@code layers} (noise seeds
	 * 1…draws there; the other layers keep the maps of noise seed 0): the paper's Figure 4, or with
	 * a layer range, Figure 5's noise in chosen layers only.
	 */
	public Images noiseResample(long seed, int draws, LayerRange layers, Truncation t) {
		return noiseResample(seed, draws, layers, false, t);
	}

	/**
	 * As {@link #noiseResample(long, int, LayerRange, Truncation)}; with {@code noiseOnlyThere} the
	 * other layers get no noise at all (Figure 5: noise in all, fine or coarse layers only).
	 */
	public Images noiseResample(long seed, int draws, LayerRange layers, boolean noiseOnlyThere, Truncation t) {
		if (draws < 1) throw new IllegalArgumentException("need at least one noise draw");
		long[] noiseSeeds = new long[draws];
		for (int i = 0; i < draws; i++) noiseSeeds[i] = i + 1;
		float[] w = mapSeeds(new long[] {seed});
		float[] ws = new float[draws * w.length];
		for (int i = 0; i < draws; i++) System.arraycopy(w, 0, ws, i * w.length, w.length);
		NoiseSpec spec = NoiseSpec.seeded(0).withLayers(layers, noiseSeeds);
		int[] k = classesOf(new long[] {seed});
		int[] ks = null;
		if (k != null) {
			ks = new int[draws];
			Arrays.fill(ks, k[0]);
		}
		return render(broadcast(ws), draws, ks == null ? null : broadcastClasses(ks), t, noiseOnlyThere ? spec.onlyIn(layers) : spec);
	}

	/** One row per seed, one column per ψ (the paper's Figure 8), row-major. */
	public Images truncationSweep(long[] seeds, double[] psis, int cutoff, NoiseSpec noise) {
		float[] w = mapSeeds(seeds);
		int[] k = classesOf(seeds);
		List<Images> perPsi = new ArrayList<>();
		for (double psi : psis)
			perPsi.add(render(broadcast(w), seeds.length, k == null ? null : broadcastClasses(k), new Truncation(psi, cutoff), noise));
		int per = config.channels * config.resolution * config.resolution;
		float[] out = new float[seeds.length * psis.length * per];
		for (int s = 0; s < seeds.length; s++)
			for (int p = 0; p < psis.length; p++)
				System.arraycopy(perPsi.get(p).data, s * per, out, (s * psis.length + p) * per, per);
		return new Images(seeds.length * psis.length, config.channels, config.resolution, config.resolution, out);
	}

	@Override
	public void close() {
		manager.close();
	}
}

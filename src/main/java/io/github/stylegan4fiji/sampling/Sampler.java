package io.github.stylegan4fiji.sampling;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.LayerObserver;
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

	public Sampler(StyleGanModel model, Device device) {
		this.model = model;
		this.config = model.config;
		this.generator = model.generator;
		this.device = device;
		this.manager = Engine.getInstance().newBaseManager(device);
		this.params = model.device().equals(device) ? model.gEma() : model.gEma().toDevice(device, manager);
	}

	/** Renders at this level of detail instead of the model's (e.g. the trainer's current phase). */
	public Sampler lod(double lod) {
		this.lod = lod;
		return this;
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

	/** w for each seed, host row-major [n, dlatentSize]. */
	public float[] mapSeeds(long[] seeds) {
		return mapZ(Latents.zBatch(seeds, config.latentSize), seeds.length);
	}

	/** w for host z [n, latentSize]. */
	public float[] mapZ(float[] z, int n) {
		float[] w = new float[n * config.dlatentSize];
		for (int b0 = 0; b0 < n; b0 += batchSize) {
			int b = Math.min(batchSize, n - b0);
			try (NDScope scope = new NDScope()) {
				scope.suppressNotUsedWarning();
				NDArray zb = HostArrays.upload(manager, Arrays.copyOfRange(z, b0 * config.latentSize, (b0 + b) * config.latentSize),
					new Shape(b, config.latentSize));
				float[] wb = generator.map(params, zb).toFloatArray();
				System.arraycopy(wb, 0, w, b0 * config.dlatentSize, wb.length);
			}
		}
		return w;
	}

	/** The same w for every layer. */
	public float[][] broadcast(float[] w) {
		float[][] ws = new float[config.numLayers()][];
		Arrays.fill(ws, w);
		return ws;
	}

	// ---- rendering ------------------------------------------------------------------------------

	/** Images for seeds: z = RandomState(seed).randn, one w on all layers. */
	public Images generate(long[] seeds, Truncation t, NoiseSpec noise) {
		return render(broadcast(mapSeeds(seeds)), seeds.length, t, noise);
	}

	/**
	 * Renders from per-layer w: {@code ws[layer]} is host [n, dlatentSize]; layers may share one
	 * array. Truncation is applied here (per layer, with the cutoff).
	 */
	public Images render(float[][] ws, int n, Truncation t, NoiseSpec noise) {
		if (ws.length != config.numLayers())
			throw new IllegalArgumentException("need w for " + config.numLayers() + " layers, got " + ws.length);
		int d = config.dlatentSize;
		int per = config.channels * config.resolution * config.resolution;
		float[] out = new float[n * per];
		for (int b0 = 0; b0 < n; b0 += batchSize) {
			progress.checkCancelled();
			int b = Math.min(batchSize, n - b0);
			try (NDScope scope = new NDScope()) {
				scope.suppressNotUsedWarning();
				Map<float[], NDArray> uploaded = new IdentityHashMap<>();
				NDArray[] wb = new NDArray[ws.length];
				for (int l = 0; l < ws.length; l++) {
					final int from = b0;
					wb[l] = uploaded.computeIfAbsent(ws[l], a ->
						HostArrays.upload(manager, Arrays.copyOfRange(a, from * d, (from + b) * d), new Shape(b, d)));
				}
				wb = generator.truncate(params, wb, t.psi, t.cutoff);
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

	/**
	 * Style mixing grid, row-major: image (r, c) takes the layers in {@code fromColumn} from column
	 * seed c and all other layers from row seed r (the paper's Figure 3 with rows = source A).
	 */
	public Images styleMix(long[] rowSeeds, long[] colSeeds, LayerRange fromColumn, Truncation t, NoiseSpec noise) {
		float[] wr = mapSeeds(rowSeeds), wc = mapSeeds(colSeeds);
		int d = config.dlatentSize, rows = rowSeeds.length, cols = colSeeds.length;
		float[] rowW = new float[rows * cols * d], colW = new float[rows * cols * d];
		for (int r = 0; r < rows; r++) {
			for (int c = 0; c < cols; c++) {
				System.arraycopy(wr, r * d, rowW, (r * cols + c) * d, d);
				System.arraycopy(wc, c * d, colW, (r * cols + c) * d, d);
			}
		}
		float[][] ws = new float[config.numLayers()][];
		for (int l = 0; l < ws.length; l++) ws[l] = fromColumn.contains(l) ? colW : rowW;
		return render(ws, rows * cols, t, noise);
	}

	/** Frames from seed a to seed b: slerp in Z (then mapped) or lerp in W. */
	public Images interpolate(long seedA, long seedB, int frames, boolean inW, Truncation t, NoiseSpec noise) {
		if (frames < 2) throw new IllegalArgumentException("interpolation needs at least 2 frames");
		int dim = inW ? config.dlatentSize : config.latentSize;
		float[] a, b;
		if (inW) {
			float[] w = mapSeeds(new long[] {seedA, seedB});
			a = Arrays.copyOfRange(w, 0, dim);
			b = Arrays.copyOfRange(w, dim, 2 * dim);
		} else {
			a = Latents.z(seedA, dim);
			b = Latents.z(seedB, dim);
		}
		float[] path = new float[frames * dim];
		for (int i = 0; i < frames; i++) {
			double s = i / (double) (frames - 1);
			float[] v = inW ? Latents.lerp(a, b, s) : Latents.slerpKeepNorm(a, b, s);
			System.arraycopy(v, 0, path, i * dim, dim);
		}
		float[] w = inW ? path : mapZ(path, frames);
		return render(broadcast(w), frames, t, noise);
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
		return render(broadcast(ws), draws, t, noiseOnlyThere ? spec.onlyIn(layers) : spec);
	}

	/** One row per seed, one column per ψ (the paper's Figure 8), row-major. */
	public Images truncationSweep(long[] seeds, double[] psis, int cutoff, NoiseSpec noise) {
		float[] w = mapSeeds(seeds);
		List<Images> perPsi = new ArrayList<>();
		for (double psi : psis) perPsi.add(render(broadcast(w), seeds.length, new Truncation(psi, cutoff), noise));
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

package io.github.stylegan4fiji.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.EngineCheck;
import io.github.stylegan4fiji.core.EngineSetup;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.LayerObserver;
import io.github.stylegan4fiji.core.Labels;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.ProcessMemory;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.io.ModelFormatException;
import io.github.stylegan4fiji.metrics.FeatureNetwork;
import io.github.stylegan4fiji.metrics.FeatureNetworks;
import io.github.stylegan4fiji.metrics.FeatureStats;
import io.github.stylegan4fiji.metrics.Metrics;
import io.github.stylegan4fiji.optim.Adam;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.ClassCentres;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.SeedList;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import io.github.stylegan4fiji.core.Devices;

/**
 * The StyleGAN training loop (official {@code training_loop.py} recipe): non-saturating logistic
 * loss, R1 on reals by double back-propagation, Adam(0, 0.99, 1e-8), mixing regularisation,
 * progressive growing with fade-in, G_ema and dlatent_avg tracking, snapshots. A checkpoint holds
 * everything needed to continue exactly: weights, both optimisers' moments, images shown, phase,
 * and the position in the data order; all randomness is derived from (seed, step).
 */
public final class Trainer implements AutoCloseable {

	public static final String CHECKPOINT = "checkpoint.zip";


	private final StyleGanModel model;
	private final Dataset data;
	private final Path outDir;
	/** Held from start/resume to close: no other run writes into this folder meanwhile. */
	private final FolderLock lock;
	private final State state;
	private final TrainingOptions opts;
	private final Adam adamG, adamD;
	private final List<String> gTrainable = new ArrayList<>();
	private final List<String> dParams = new ArrayList<>();
	private final long[] gridSeeds;
	/** Metrics during training: loaded at the first evaluation, real statistics computed once. */
	private FeatureNetwork metricsNet;
	private FeatureStats metricsReals;
	private long lastMetricsInterval = -1;
	private final DataOrder order;
	private double lastLossG, lastLossD;

	private Trainer(StyleGanModel model, Dataset data, Path outDir, State state, FolderLock lock) {
		this.model = model;
		this.data = data;
		this.outDir = outDir;
		this.lock = lock;
		this.state = state;
		this.opts = state.options.validate();
		StyleGanConfig c = model.config;
		if (data.channels != c.channels)
			throw new IllegalArgumentException("the data has " + data.channels + " channel(s) but the model makes " + c.channels);
		if (data.resolution != c.resolution)
			throw new IllegalArgumentException("the data is " + data.resolution + "² but the model makes " + c.resolution + "²");
		checkClasses(c, data);
		this.gridSeeds = SeedList.parse(opts.gridSeeds);
		NDManager m = model.manager();
		this.adamG = new Adam(m, opts.adamBeta1, opts.adamBeta2, opts.adamEpsilon);
		this.adamD = new Adam(m, opts.adamBeta1, opts.adamBeta2, opts.adamEpsilon);
		for (String n : model.g().names()) if (model.g().isTrainable(n)) gTrainable.add(n);
		dParams.addAll(model.d().names());
		for (String n : gTrainable) model.g().get(n).setRequiresGradient(true);
		for (String n : dParams) model.d().get(n).setRequiresGradient(true);
		model.dataRange.copyFrom(data.range);
		this.order = new DataOrder(data, opts, state, model.config.labelSize);
	}

	/** A conditional model trains on data with the same classes, an unconditional one on data without. */
	private static void checkClasses(StyleGanConfig c, Dataset data) {
		if (!c.isConditional() && data.isLabelled())
			throw new IllegalArgumentException("the data has " + data.classNames.size() + " classes but the model is unconditional"
				+ " (train a new run with class labels, or load the data without them)");
		if (c.isConditional() && !data.isLabelled())
			throw new IllegalArgumentException("the model is conditional (" + c.classList() + ") but the data has no class labels"
				+ " (use class labels from subfolders or a CSV file)");
		if (c.isConditional() && c.classNames != null && !c.classNames.equals(data.classNames))
			throw new IllegalArgumentException("the model's classes " + c.classNames + " differ from the data's " + data.classNames);
	}

	/** A new run with a freshly initialised model. */
	public static Trainer start(StyleGanConfig arch, TrainingOptions options, Dataset data, Path outDir, Device device)
			throws IOException {
		FolderLock lock = RunFolder.open(outDir);
		StyleGanModel model = null;
		try {
			options.validate();
			State s = new State();
			s.options = options;
			s.nextSnapshotKimg = options.snapshotKimg;
			model = StyleGanModel.create(arch, data.range, options.seed, device);
			return new Trainer(model, data, outDir, s, lock);
		} catch (RuntimeException e) {
			if (model != null) model.close();
			lock.close();
			throw e;
		}
	}

	/**
	 * Continues a run from a checkpoint written by {@link #saveCheckpoint}; {@code totalKimg} may
	 * extend it (≤ 0 keeps the stored length). A damaged checkpoint is a {@link ModelFormatException}
	 * naming the file and what is wrong.
	 */
	public static Trainer resume(Path checkpoint, Dataset data, Path outDir, Device device, double totalKimg)
			throws IOException {
		FolderLock lock = RunFolder.open(outDir);
		StyleGanModel model = null;
		try {
			State s = Checkpoint.readState(checkpoint, data);
			if (totalKimg > 0) s.options.totalKimg = totalKimg;
			model = ModelFile.load(checkpoint, device);
			if (!model.canTrain())
				throw new ModelFormatException(checkpoint + " is a sampling-only model (G_ema alone): resume from a checkpoint");
			Trainer t = new Trainer(model, data, outDir, s, lock);
			t.loadOptimisers(checkpoint, s);
			return t;
		} catch (IOException | RuntimeException e) {
			if (model != null) model.close();
			lock.close();
			throw e;
		}
	}



	/** Adam moments of a checkpoint, checked against the model's tensors before use. */
	private void loadOptimisers(Path checkpoint, State s) throws IOException {
		adamG.load(Checkpoint.readOptimiser(checkpoint, Checkpoint.ADAM_G_ENTRY, model.g(), gTrainable, opts.adamBeta1), s.adamGSteps);
		adamD.load(Checkpoint.readOptimiser(checkpoint, Checkpoint.ADAM_D_ENTRY, model.d(), dParams, opts.adamBeta1), s.adamDSteps);
	}



	/**
	 * Restores weights, optimiser moments and state from {@code checkpoint} in place, and counts a
	 * restart so that the steps from there on draw other latents, noise and flips.
	 */
	private void rollBack(Path checkpoint) throws IOException {
		State saved = Checkpoint.readState(checkpoint, data);
		Autograd.gradMode(false);
		try (StyleGanModel good = ModelFile.load(checkpoint, model.device())) {
			copyValues(good.g(), model.g());
			copyValues(good.gEma(), model.gEma());
			copyValues(good.d(), model.d());
		}
		loadOptimisers(checkpoint, saved);
		state.rewindTo(saved);
		state.restarts++;
		order.rewound();
	}

	/** Overwrites every tensor of {@code dst} with the same-named one of {@code src} (NaNs included). */
	private static void copyValues(Params src, Params dst) {
		for (String name : dst.names()) dst.get(name).set(src.get(name).toFloatArray());
	}


	public StyleGanModel model() {
		return model;
	}

	public double kimg() {
		return state.nimg / 1000.0;
	}

	/** Roll-backs after divergence in this run so far. */
	public int restarts() {
		return state.restarts;
	}

	/** Iterations done so far. */
	public long steps() {
		return state.step;
	}

	public TrainingOptions options() {
		return opts;
	}

	public Schedule schedule() {
		return Schedule.at(kimg(), model.config.resolutionLog2(), opts);
	}

	static long mix(long seed, long salt) {
		long z = seed * 0x9E3779B97F4A7C15L + salt * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
		z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
		z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
		return z ^ (z >>> 31);
	}

	/**
	 * Per-layer w for a training minibatch of the given one-hot labels (null if unconditional), with
	 * mixing regularisation (both latents mapped under the image's class); w[0] is the first latent's.
	 */
	private NDArray[] trainingLatents(Params g, int n, NDArray labels, double lod, NumpyRandom rng) {
		GeneratorNetwork gen = model.generator;
		NDManager m = model.manager();
		int zDim = model.config.latentSize;
		NDArray w1 = gen.map(g, m.randomNormal(new Shape(n, zDim)), labels);
		NDArray[] ws = gen.broadcast(w1);
		if (rng.nextDouble() < opts.mixingProb) {
			NDArray w2 = gen.map(g, m.randomNormal(new Shape(n, zDim)), labels);
			int layers = model.config.numLayers() - 2 * (int) Math.floor(lod);
			if (layers > 1) {
				int cutoff = 1 + rng.nextInt(layers - 1); // uniform in [1, active layers)
				for (int l = cutoff; l < ws.length; l++) ws[l] = w2;
			}
		}
		return ws;
	}

	/** One training iteration: a D step (with R1 when due), then a G step, EMA and w_avg updates. */
	public void step() {
		Schedule sched = schedule();
		if (opts.resetOptimizerOnNewLod && state.prevLod >= 0
				&& (Math.floor(sched.lod) != Math.floor(state.prevLod) || Math.ceil(sched.lod) != Math.ceil(state.prevLod))) {
			adamG.reset();
			adamD.reset();
		}
		state.prevLod = sched.lod;
		int n = sched.minibatch;
		long seed = opts.seed + 7919L * state.restarts;
		NumpyRandom rng = new NumpyRandom(mix(seed, state.step) & 0xFFFFFFFFL);
		JniUtils.setSeed(mix(seed, ~state.step)); // libtorch draws (z, noise) of this step
		boolean r1Due = opts.r1Gamma > 0 && state.step % opts.r1Interval == 0;
		double[] r1 = {state.lastR1};
		// The D step and the G step each in a scope of their own: the D step's activations (reals,
		// fakes, D's graph with R1's) are freed before the G step allocates, so the G step no longer
		// runs on top of them (issue 17: peak in use 640–660 → 455–480 MiB at the reference config).
		try {
			discriminatorStep(sched, n, rng, r1Due, r1);
			generatorStep(sched, n, rng);
		} finally {
			Autograd.gradMode(false);
		}
		state.lastR1 = r1[0];
		state.nimg += n;
		state.step++;
		state.adamGSteps = adamG.steps();
		state.adamDSteps = adamD.steps();
		model.recordProgress(kimg(), sched.lod, state.step, state.trainingSeconds);
	}

	/** The D step: loss on reals and fakes (with R1 when due), its gradients, Adam. */
	private void discriminatorStep(Schedule sched, int n, NumpyRandom rng, boolean r1Due, double[] r1) {
		StyleGanConfig c = model.config;
		Params g = model.g(), d = model.d();
		NDManager m = model.manager();
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			int[] realLabels = c.isConditional() ? new int[n] : null;
			NDArray reals = Losses.processReals(HostArrays.upload(m, order.nextReals(n, rng, realLabels), new Shape(n, c.channels, c.resolution, c.resolution)), sched.lod);
			NDArray labels = realLabels == null ? null : Labels.oneHot(m, realLabels, c.labelSize);
			Autograd.gradMode(false);
			NDArray fakes = model.generator.synthesize(g, trainingLatents(g, n, labels, sched.lod, rng), NoiseSource.RANDOM, sched.lod, LayerObserver.NONE);
			Autograd.gradMode(true);
			NDArray lossD = opts.isWgan()
				? Losses.wganGp(model.discriminator, d, reals, fakes, labels, Losses.mixingFactors(m, n, rng), sched.lod, opts, r1)
				: Losses.discriminator(model.discriminator, d, reals, fakes, labels, sched.lod, r1Due ? opts.r1Gamma * 0.5 * opts.r1Interval : 0, r1);
			Autograd.backward(lossD);
			Autograd.gradMode(false);
			adamD.step(d, dParams, sched.lr);
			lastLossD = lossD.getFloat();
		}
	}

	/** The G step (D's weights need no gradients here), then dlatent_avg and G_ema. */
	private void generatorStep(Schedule sched, int n, NumpyRandom rng) {
		StyleGanConfig c = model.config;
		Params g = model.g(), d = model.d();
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			for (String name : dParams) d.get(name).setRequiresGradient(false);
			Autograd.gradMode(true);
			int[] fakeLabels = order.fakeLabels(n, rng);
			NDArray gLabels = fakeLabels == null ? null : Labels.oneHot(model.manager(), fakeLabels, c.labelSize);
			NDArray[] ws = trainingLatents(g, n, gLabels, sched.lod, rng);
			NDArray images = model.generator.synthesize(g, ws, NoiseSource.RANDOM, sched.lod, LayerObserver.NONE);
			NDArray fakeScores = model.discriminator.forward(d, images, gLabels, sched.lod);
			NDArray lossG = Losses.generator(fakeScores, opts);
			Autograd.backward(lossG);
			Autograd.gradMode(false);
			adamG.step(g, gTrainable, sched.lr);
			for (String name : dParams) d.get(name).setRequiresGradient(true);
			lastLossG = lossG.getFloat();

			// moving averages: dlatent_avg (β = 0.995) and G_ema (half-life gEmaKimg)
			double beta = c.dlatentAvgBeta;
			NDArray avg = g.get(GeneratorNetwork.DLATENT_AVG);
			avg.muli((float) beta).addi(ws[0].mean(new int[] {0}).muli((float) (1 - beta)));
			double emaBeta = opts.gEmaKimg > 0 ? Math.pow(0.5, n / (opts.gEmaKimg * 1000.0)) : 0;
			Params ema = model.gEma();
			for (String name : g.names()) {
				NDArray src = g.get(name), dst = ema.get(name);
				if (g.isTrainable(name)) {
					NDArray share = src.mul((float) (1 - emaBeta));
					dst.muli((float) emaBeta).addi(share);
					ArrayScope.release(share); // before the next tensor's: not all of G's size at once
				} else {
					dst.subi(dst).addi(src);
				}
			}
		}
	}

	/** Writes model + training state atomically (temporary file, then rename). */
	public void saveCheckpoint(Path file) throws IOException {
		model.recordProgress(kimg(), model.progress.lod, state.step, state.trainingSeconds);
		ClassCentres.update(model); // truncation toward a class needs each class's average w
		Checkpoint.save(file, model, state, adamG, adamD);
	}



	/** Renders the fixed grid seeds with G_ema (constant noise, no truncation) at the current level of detail. */
	public Images sampleGrid() {
		try (Sampler s = sampler()) {
			return s.batchSize(Math.max(1, gridSeeds.length)).generate(gridSeeds, Truncation.NONE, NoiseSpec.constant());
		}
	}

	/**
	 * Trains until total_kimg or until the listener says stop ({@link Progress#cancelled}, polled
	 * between steps); on either a checkpoint is written,
	 * so nothing is lost. Returns the final status.
	 */
	public TrainingStatus run(TrainingListener listener) throws IOException {
		listener.log("Training " + model.config.resolution + "² × " + model.config.channels + " channel(s) on "
			+ data.summary() + " with " + Devices.describe(model.device()));
		EngineCheck.ensureCorrect(EngineCheck.shapesOf(model.config, opts.minibatchBase, true), model.device(), listener::log);
		TrainingStatus status = status(Double.NaN, Double.NaN);
		long logEvery = 0;
		double windowStart = System.nanoTime(), windowKimg = kimg();
		Path logFile = outDir.resolve("training-log.jsonl");
		RunFolder.dropLogLinesAfter(logFile, state.step);
		try (Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
				StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
			Path checkpoint = outDir.resolve(CHECKPOINT);
			if (!Files.exists(checkpoint)) saveCheckpoint(checkpoint); // something to roll back to from the first step
			int rollbacks = 0;
			double phase = phaseOf(schedule().lod);
			while (kimg() < opts.totalKimg && !listener.cancelled()) {
				long t0 = System.nanoTime();
				step();
				double next = phaseOf(schedule().lod);
				if (next != phase) { // a fade-in starts or ends: other tensor sizes from here on
					phase = next;
					EngineSetup.releaseFreedMemory();
				}
				state.trainingSeconds += (System.nanoTime() - t0) / 1e9;
				if (!Double.isFinite(lastLossD) || !Double.isFinite(lastLossG)) {
					// never write these weights: they would overwrite the last good checkpoint with NaNs
					String where = String.format(Locale.ROOT, "Training diverged at %.2f kimg (loss G %s, D %s)", kimg(), lastLossG, lastLossD);
					if (rollbacks++ >= opts.maxRollbacks)
						throw new IOException(where + " " + rollbacks + " time(s) in this run. The last good checkpoint is "
							+ checkpoint + "; lower the learning rate or R1 gamma and resume from it.");
					rollBack(checkpoint);
					listener.log(where + "; rolled back to " + String.format(Locale.ROOT, "%.2f", kimg())
						+ " kimg (last checkpoint) and continuing with other random draws (" + rollbacks + "/" + opts.maxRollbacks + ")");
					continue;
				}
				if (++logEvery % 10 == 0 || kimg() >= opts.totalKimg || kimg() >= state.nextSnapshotKimg) {
					double now = System.nanoTime();
					double secPerKimg = (now - windowStart) / 1e9 / Math.max(1e-9, kimg() - windowKimg);
					windowStart = now;
					windowKimg = kimg();
					status = status(secPerKimg, 1000 / secPerKimg);
					log.write(Json.COMPACT.toJson(status) + "\n");
					log.flush();
					listener.onStatus(status);
					listener.update("images shown", state.nimg, Math.round(opts.totalKimg * 1000));
				}
				if (kimg() >= state.nextSnapshotKimg || kimg() >= opts.totalKimg) {
					// advanced before the snapshot is written: a run resumed from it must not snapshot again at once
					while (state.nextSnapshotKimg <= kimg()) state.nextSnapshotKimg += opts.snapshotKimg;
					snapshot(listener, status);
					EngineSetup.releaseFreedMemory(); // the grid's and the metrics' batches are not the training step's
				}
			}
		}
		saveCheckpoint(outDir.resolve(CHECKPOINT));
		listener.log(kimg() >= opts.totalKimg ? "Training finished at " + String.format(Locale.ROOT, kimg() < 10 ? "%.3f" : "%.1f", kimg()) + " kimg"
			: "Training stopped at " + String.format(Locale.ROOT, kimg() < 10 ? "%.3f" : "%.1f", kimg()) + " kimg; resume from " + outDir.resolve(CHECKPOINT));
		return status;
	}

	/** Distinguishes a stable resolution (integer lod) from the fade-in above it, and each from the others. */
	private static double phaseOf(double lod) {
		return lod == Math.floor(lod) ? lod : Math.floor(lod) + 0.5;
	}

	private void snapshot(TrainingListener listener, TrainingStatus status) throws IOException {
		String tag = String.format(Locale.ROOT, "%09.3f", kimg()); // three decimals: small runs snapshot below 0.1 kimg
		Path ckpt = outDir.resolve(CHECKPOINT);
		saveCheckpoint(ckpt);
		Path snap = outDir.resolve("snapshots").resolve("model-" + tag + "kimg.zip");
		AtomicFiles.copy(ckpt, snap);
		Images grid = sampleGrid();
		int cols = (int) Math.ceil(Math.sqrt(grid.n));
		Path png = outDir.resolve("grids").resolve("grid-" + tag + "kimg.png");
		ImageFiles.saveMontagePng(grid, cols, 1, "grid " + tag, png);
		listener.onSnapshot(snap, png, status);
		listener.log("Snapshot " + snap.getFileName() + " and " + png.getFileName());
		if (opts.metricsKimg > 0) {
			long interval = (long) Math.floor(kimg() / opts.metricsKimg + 1e-9);
			if (interval > lastMetricsInterval || kimg() >= opts.totalKimg) {
				lastMetricsInterval = interval;
				evaluate(listener);
			}
		}
	}

	/** Metrics of G_ema against the training images, appended to metrics.jsonl. */
	private void evaluate(TrainingListener listener) throws IOException {
		long t0 = System.nanoTime();
		Metrics.Options mo = new Metrics.Options();
		mo.metrics = Metrics.parseList(opts.metrics);
		mo.numGenerated = opts.metricsImages;
		mo.pplSamples = opts.metricsImages;
		mo.lsSamples = opts.metricsImages;
		mo.maxKept = Math.min(mo.maxKept, opts.metricsImages);
		if (metricsNet == null) {
			metricsNet = FeatureNetworks.load(java.nio.file.Paths.get(opts.metricsFeatureNetwork), model.device()); // built-in or TorchScript
			metricsNet.checkCompatible(model.config.channels, model.config.resolution);
			EngineCheck.ensureCorrect(EngineCheck.forJob(metricsNet.convolutionShapes(), 64), model.device(), listener::log);
		}
		if (metricsReals == null && mo.needsReals())
			metricsReals = Metrics.realStats(data, "training images", metricsNet, mo.maxKept, 64,
				Progress.NONE);
		Metrics.Result r;
		try (Sampler s = sampler()) {
			r = Metrics.compute(s.batchSize(64), metricsNet, metricsReals, mo,
				Progress.NONE);
		}
		r.details.put("kimg", kimg());
		r.details.put("seconds", (System.nanoTime() - t0) / 1e9);
		Files.write(outDir.resolve("metrics.jsonl"), (Json.COMPACT.toJson(r) + "\n").getBytes(StandardCharsets.UTF_8),
			StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		listener.log(String.format(Locale.ROOT, "Metrics at %.1f kimg: %s", kimg(),
			Metrics.format(r).trim().replace("\n", ", ")));
	}

	private TrainingStatus status(double secPerKimg, double imagesPerSec) {
		Schedule s = schedule();
		TrainingStatus t = new TrainingStatus();
		t.step = state.step;
		t.kimg = kimg();
		t.totalKimg = opts.totalKimg;
		t.lod = s.lod;
		t.resolution = s.resolution;
		t.minibatch = s.minibatch;
		t.lossG = lastLossG;
		t.lossD = lastLossD;
		t.r1 = state.lastR1;
		t.secPerKimg = secPerKimg;
		t.imagesPerSec = imagesPerSec;
		t.etaSeconds = secPerKimg * (opts.totalKimg - kimg());
		t.residentMiB = ProcessMemory.residentMiB();
		t.trainingSeconds = state.trainingSeconds;
		return t;
	}

	/** A sampler on the model being trained (uses G_ema), at the current phase's level of detail. */
	public Sampler sampler() {
		return new Sampler(model, model.device()).lod(schedule().lod);
	}

	@Override
	public void close() {
		try {
			if (metricsNet != null) metricsNet.close();
			adamG.close();
			adamD.close();
			model.close();
		} finally {
			try {
				lock.close();
			} catch (IOException e) {
				// the system releases the lock when the process ends anyway
			}
		}
	}
}

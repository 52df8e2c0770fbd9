package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * A complete model: architecture, the three weight sets (G, its moving average G_ema, D), the data's
 * intensity range and training progress. Owns a base {@link NDManager}; close it when done.
 */
public final class StyleGanModel implements AutoCloseable {

	static {
		EngineSetup.init(); // before libtorch's first operation
	}

	public final StyleGanConfig config;
	public final GeneratorNetwork generator;
	public final DiscriminatorNetwork discriminator;
	public final DataRange dataRange;
	public final TrainingProgress progress;
	private final NDManager manager;
	private Params g;
	private Params gEma;
	private Params d;

	public StyleGanModel(StyleGanConfig config, DataRange dataRange, TrainingProgress progress, NDManager manager,
			Params g, Params gEma, Params d) {
		this.config = config.validate();
		this.generator = NetworkFamily.generator(config);
		this.discriminator = NetworkFamily.discriminator(config);
		this.dataRange = dataRange.validate();
		this.progress = progress;
		this.manager = manager;
		this.g = g;
		this.gEma = gEma;
		this.d = d;
	}

	/** A freshly initialised model; weights drawn reproducibly from {@code seed}. */
	public static StyleGanModel create(StyleGanConfig config, DataRange range, long seed, Device device) {
		config.validate();
		NDManager m = Engine.getInstance().newBaseManager(device);
		GeneratorNetwork gen = NetworkFamily.generator(config);
		Params g = Params.initialize(gen.parameters(), m, seed);
		Params gEma = g.copy(m);
		Params d = Params.initialize(NetworkFamily.discriminator(config).parameters(), m, seed + 1);
		return new StyleGanModel(config, range, new TrainingProgress(), m, g, gEma, d);
	}

	/** Where training stands (the trainer's record, saved with the model). */
	public void recordProgress(double kimg, double lod, long steps, double trainingSeconds) {
		progress.kimg = kimg;
		progress.lod = lod;
		progress.steps = steps;
		progress.trainingSeconds = trainingSeconds;
	}

	public Params g() { return g; }

	/** The averaged generator: the one to sample from. */
	public Params gEma() { return gEma; }

	/** The discriminator; absent from sampling-only model files (see {@link #canTrain()}). */
	public Params d() {
		if (d == null) throw new IllegalStateException("this model file holds only the averaged generator (G_ema): it can sample but not train");
		return d;
	}

	/** False for sampling-only files, which hold G_ema alone. */
	public boolean canTrain() {
		return d != null;
	}

	public NDManager manager() { return manager; }

	public Device device() { return manager.getDevice(); }

	@Override
	public void close() {
		manager.close();
		EngineSetup.releaseFreedMemory(); // a job ends with its model: give back what the allocator kept for it
	}
}

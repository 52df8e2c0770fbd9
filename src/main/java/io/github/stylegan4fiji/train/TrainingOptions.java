package io.github.stylegan4fiji.train;

import io.github.stylegan4fiji.core.Choices;
import io.github.stylegan4fiji.core.Json;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything about how a model is trained (the architecture lives in StyleGanConfig). Defaults are
 * the official StyleGAN values except where docs/training.md says why not. Saved in checkpoints.
 */
public final class TrainingOptions {
	/** Length of the run in thousands of real images shown to D. */
	public double totalKimg = 1000;
	/** Progressive growing (true) or training at full resolution from the start (false). */
	public boolean progressive = true;
	public int lodInitialResolution = 8;
	/** Images per phase: train at a resolution, then fade the next one in. */
	public double lodTrainingKimg = 600;
	public double lodTransitionKimg = 600;
	/** Minibatch by resolution (keys are resolutions) and otherwise. */
	public int minibatchBase = 16;
	public Map<Integer, Integer> minibatchDict = new LinkedHashMap<>();
	/** Learning rate by resolution and otherwise (G and D alike, as in the official config). */
	public double lrBase = 0.001;
	public Map<Integer, Double> lrDict = new LinkedHashMap<>();
	/** The GAN loss; written to files and typed by users as "logistic" or "wgan-gp". */
	public enum Loss {
		/** The paper's non-saturating logistic loss with R1. */
		@com.google.gson.annotations.SerializedName("logistic") LOGISTIC("logistic"),
		/** WGAN-GP as the official {@code G_wgan}/{@code D_wgan_gp}; R1 settings are then unused. */
		@com.google.gson.annotations.SerializedName("wgan-gp") WGAN_GP("wgan-gp");

		public final String key;

		Loss(String key) {
			this.key = key;
		}

		public static Loss parse(String key) {
			return Choices.parse(Loss.class, key, l -> l.key, "loss");
		}

		@Override
		public String toString() {
			return key;
		}
	}

	public Loss loss = Loss.LOGISTIC;
	/** WGAN-GP: gradient penalty weight λ, target norm and the drift term ε·D(real)². */
	public double wganLambda = 10, wganTarget = 1, wganEpsilon = 0.001;
	/** R1 weight γ and how often it is applied (1 = every step; k > 1 = lazy, scaled by k). */
	public double r1Gamma = 10;
	public int r1Interval = 1;
	/** Probability that a minibatch uses two latents with a random crossover. */
	public double mixingProb = 0.9;
	/** How a conditional run picks classes: the data's own class frequencies or every class equally often. */
	public enum ClassSampling {
		/**
		 * As the official code: reals in the data's order (classes as frequent as in the data); fakes for
		 * D take the reals' labels, fakes for G the labels of randomly drawn training images.
		 */
		@com.google.gson.annotations.SerializedName(value = "natural", alternate = "NATURAL") NATURAL("natural"),
		/** Every class equally often: reals drawn class first, then an image of it; fakes' classes uniform. */
		@com.google.gson.annotations.SerializedName(value = "balanced", alternate = "BALANCED") BALANCED("balanced");

		public final String key;

		ClassSampling(String key) {
			this.key = key;
		}

		public static ClassSampling parse(String key) {
			return Choices.parse(ClassSampling.class, key, c -> c.key, "class sampling");
		}

		@Override
		public String toString() {
			return key;
		}
	}

	public ClassSampling classSampling = ClassSampling.NATURAL;
	/** Random horizontal flips of the real images. */
	public boolean mirror = true;
	/** Half-life of the generator's moving average, in kimg. */
	public double gEmaKimg = 10;
	/** Adam β1, β2, ε. */
	public double adamBeta1 = 0, adamBeta2 = 0.99, adamEpsilon = 1e-8;
	/** Reset Adam when the resolution changes (official reset_opt_for_new_lod). */
	public boolean resetOptimizerOnNewLod = true;
	/** Snapshot (checkpoint + sample grid) interval in kimg. */
	public double snapshotKimg = 50;
	/**
	 * Metrics during training: every this many kimg (at the next snapshot; 0 = off), with the
	 * feature network file {@link #metricsFeatureNetwork}, against the training images; results go
	 * to metrics.jsonl in the output folder and to the log.
	 */
	public double metricsKimg = 0;
	public String metricsFeatureNetwork = null;
	/** Comma-separated metric keys (see Metrics.ALL). */
	public String metrics = "fid";
	/** Generated images per evaluation (small: this runs inside training). */
	public int metricsImages = 5000;
	/**
	 * When the losses become NaN/infinite: roll back to the last checkpoint and continue with other
	 * random draws, at most this many times per run (then stop with an error).
	 */
	public int maxRollbacks = 3;
	/** Seeds of the sample grid (fixed for the whole run). */
	public String gridSeeds = "0-15";
	/** Seed of everything random in training (data order, flips, latents, noise). */
	public long seed = 1000;


	public boolean isWgan() {
		return loss == Loss.WGAN_GP;
	}

	public int minibatch(int resolution) {
		return minibatchDict.getOrDefault(resolution, minibatchBase);
	}

	public double lr(int resolution) {
		return lrDict.getOrDefault(resolution, lrBase);
	}

	public TrainingOptions validate() {
		check(totalKimg > 0, "total_kimg must be > 0");
		check(Integer.bitCount(lodInitialResolution) == 1 && lodInitialResolution >= 4, "lod_initial_resolution must be a power of two ≥ 4");
		check(lodTrainingKimg >= 0 && lodTransitionKimg >= 0, "lod_training_kimg and lod_transition_kimg must be ≥ 0");
		check(minibatchBase >= 1, "minibatch must be ≥ 1");
		minibatchDict.forEach((r, b) -> check(b >= 1, "minibatch at " + r + " must be ≥ 1"));
		check(lrBase > 0, "learning rate must be > 0");
		check(r1Gamma >= 0 && r1Interval >= 1, "r1_gamma ≥ 0 and r1_interval ≥ 1");
		check(mixingProb >= 0 && mixingProb <= 1, "mixing_prob must be in [0, 1]");
		check(gEmaKimg >= 0, "g_ema_kimg must be ≥ 0");
		check(snapshotKimg > 0, "snapshot_kimg must be > 0");
		check(metricsKimg >= 0, "metrics_kimg must be ≥ 0");
		check(loss != null, "loss must be logistic or wgan-gp");
		check(classSampling != null, "class sampling must be natural or balanced");
		check(wganLambda >= 0 && wganTarget > 0 && wganEpsilon >= 0, "wgan_lambda ≥ 0, wgan_target > 0, wgan_epsilon ≥ 0");
		check(metricsKimg == 0 || (metricsFeatureNetwork != null && !metricsFeatureNetwork.isEmpty()),
			"metrics during training need a feature network file");
		check(metricsImages >= 2, "metrics_images must be ≥ 2");
		check(maxRollbacks >= 0, "max_rollbacks must be ≥ 0");
		return this;
	}

	private static void check(boolean ok, String message) {
		if (!ok) throw new IllegalArgumentException(message);
	}

	@Override
	public String toString() {
		return Json.GSON.toJson(this);
	}

	/**
	 * CPU-friendly preset (docs/training.md): the official schedule shape with phases of
	 * {@code kimgPerPhase} and one minibatch size.
	 */
	public static TrainingOptions cpu(double totalKimg, double kimgPerPhase, int minibatch) {
		TrainingOptions o = new TrainingOptions();
		o.totalKimg = totalKimg;
		o.lodTrainingKimg = kimgPerPhase;
		o.lodTransitionKimg = kimgPerPhase;
		o.minibatchBase = minibatch;
		o.snapshotKimg = Math.max(1, totalKimg / 20);
		return o.validate();
	}
}

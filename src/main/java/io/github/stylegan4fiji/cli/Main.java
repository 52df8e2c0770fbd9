package io.github.stylegan4fiji.cli;

import ai.djl.Device;
import ij.ImagePlus;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.EngineDoctor;
import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.FashionMnist;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.data.LabelledImages;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.metrics.CnnFeatureNetwork;
import io.github.stylegan4fiji.metrics.FeatureNetwork;
import io.github.stylegan4fiji.metrics.FeatureNetworkTrainer;
import io.github.stylegan4fiji.metrics.FeatureNetworks;
import io.github.stylegan4fiji.metrics.FeatureStats;
import io.github.stylegan4fiji.metrics.MetricJob;
import io.github.stylegan4fiji.metrics.Metrics;
import io.github.stylegan4fiji.sampling.ClassTranslation;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.SeedList;
import io.github.stylegan4fiji.sampling.Truncation;
import io.github.stylegan4fiji.train.Trainer;
import io.github.stylegan4fiji.train.TrainingJob;
import io.github.stylegan4fiji.train.TrainingListener;
import io.github.stylegan4fiji.train.TrainingOptions;
import io.github.stylegan4fiji.train.TrainingStatus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;
import io.github.stylegan4fiji.fiji.LossChart;
import io.github.stylegan4fiji.fiji.ij1.MacroRunner;
import io.github.stylegan4fiji.io.OfficialImport;
import io.github.stylegan4fiji.io.ProjectionFile;
import io.github.stylegan4fiji.project.ProjectionJob;
import io.github.stylegan4fiji.project.Projector;
import io.github.stylegan4fiji.sampling.ProjectedLatents;

/**
 * Headless command line ({@code bin/stylegan}): prepare data, train, generate, inspect a model.
 * The same core calls as the Fiji commands, for batch jobs and servers.
 */
public final class Main {

	private static final String USAGE = String.join("\n",
		"usage: bin/stylegan <command> [--option value ...]",
		"  prepare-fashion-mnist --out DIR [--split train|t10k] [--limit N] [--by-class]   (--by-class: one subfolder per class)",
		"  train    --data DIR --out DIR [--resolution 32] [--kimg 200] [--phase-kimg 20] [--batch 16]",
		"           [--start-resolution 8] [--progressive true] [--loss logistic|wgan-gp] [--gamma 10] [--r1-interval 1] [--mixing 0.9]",
		"           [--mirror true] [--lr 0.001] [--ema-kimg 10] [--snapshot-kimg 10] [--seed 1000]",
		"           [--fmap-base 1024] [--fmap-max 128] [--latent 128] [--mapping-layers 8]",
		"           [--fit crop|pad|resize] [--normalization auto|type|percentile|minmax] [--recursive] [--skip-bad]",
		"           [--stream]   keep the images on disk (OUT/dataset-cache.f32, memory-mapped) for folders larger than memory",
		"           [--resume CHECKPOINT] [--device auto|cpu|gpu:N]",
		"           [--metrics-kimg 0] [--metrics fid] [--metrics-images 5000] [--metrics-network FILE]   metrics during training",
		"           [--classes none|subfolders] [--labels FILE.csv] [--class-sampling natural|balanced]   a conditional model:",
		"           one subfolder of --data per class, or file,label lines; classes as frequent as in the data, or equally",
		"  generate --model FILE --out DIR [--seeds 0-15] [--psi 0.7] [--cutoff 8] [--noise const|random|none] [--class NAME|N] [--device cpu]",
		"           --cutoff: truncate the first N style layers (the official truncation_cutoff 8; 0 = all)",
		"           --class: of a conditional model (default: seed s makes class s mod the number of classes)",
		"  generate --model FILE --out DIR --latents projection.zip [--psi 1]   render projected images (their w and noise)",
		"  project  --model FILE --images DIR --out DIR [--steps 1000] [--distance perceptual|pixel|perceptual+pixel] [--w-plus] [--optimize-noise true]",
		"           [--class NAME|N] [--limit N] [--fit crop|pad|resize] [--feature-network FILE] [--seed 0] [--lr 0.1] [--device auto]",
		"           real images → latents (StyleGAN2 projector): OUT/projection.zip, targets/reconstructions.tif, comparison.png, curve.csv",
		"  translate --model FILE --out DIR --from CLASS --to CLASS [--seeds 0-7] [--steps 8] [--centroid-shift] [--psi 1] [--cutoff 8]",
		"  translate --model FILE --out DIR --latents projection.zip --to CLASS [--steps 8]   projected real images, by the centroid shift",
		"           class translation: each seed's z and noise under class A, moved in W to class B (stack seeds × steps,",
		"           montage, and the difference B − A per seed)",
		"  info     --model FILE",
		"  import-official FILE.pkl [--out FILE.zip] [--overwrite]   an official StyleGAN (NVlabs, TensorFlow) network pickle",
		"           (G, D, Gs; e.g. karras2019stylegan-ffhq-1024x1024.pkl) as a model file; no Python needed",
		"  doctor   [--model FILE] [--batch 16] [--device auto]   engine, device, CPU, libtorch/oneDNN versions and the convolution self-check",
		"  export   --model CHECKPOINT --out FILE.zip   a sampling-only model (G_ema alone, a third of the size)",
		"  plot-log --log training-log.jsonl --out FILE.png   loss curves of a run",
		"  train-feature-network --out FILE.zip (--fashion-mnist | --data LABELLED_DIR [--test-data LABELLED_DIR])",
		"           [--resolution 32] [--epochs 4] [--batch 64] [--lr 0.001] [--seed 1] [--device auto]",
		"           a classifier whose features the metrics use; LABELLED_DIR has one subfolder per class",
		"  metrics  --model FILE (--data DIR | --real-stats FILE) [--metrics fid,kid,pr,ppl_wend,ls]",
		"           [--feature-network models/fashion-mnist-classifier.zip] [--num 50000] [--ppl-samples 50000]",
		"           [--ls-samples 200000] [--ppl-crop] [--seed 0] [--batch 64] [--psi 1] [--real-limit 0] [--recursive]",
		"           [--save-real-stats FILE] [--cache DIR] [--out results.json] [--jsonl log.jsonl] [--device auto]",
		"           [--class NAME|N]   a conditional model's images of one class (compare with --data of that class);",
		"           metric cls: the classifier check (images of each class classified by the feature network's head)",
		"  stats    --data DIR --out FILE.stats.zip [--resolution 32] [--normalization auto] [--limit 0] [--keep 50000]",
		"           [--feature-network FILE] [--recursive] [--device auto]   feature statistics of real images",
		"  plot-metrics --log metrics.jsonl --out FILE.png [--keys fid] [--floor VALUE] [--title TEXT]   a metric over kimg",
		"  compare  --a FILE.stats.zip --b FILE.stats.zip [--metrics fid,kid,pr]   e.g. train vs test set (the floor)",
		"  macro    FILE.ijm [--arg \"key=value ...\"]   run an ImageJ macro headless with the StyleGAN commands");

	private Main() {}

	public static void main(String[] argv) {
		if (argv.length == 0 || argv[0].equals("-h") || argv[0].equals("--help")) {
			System.out.println(USAGE);
			return;
		}
		try {
			boolean positional = argv[0].equals("macro") || argv[0].equals("import-official");
			Args a = new Args(argv, positional ? argv.length : 1);
			switch (argv[0]) {
				case "prepare-fashion-mnist": prepareFashionMnist(a); break;
				case "train": train(a); break;
				case "generate": generate(a); break;
				case "translate": translate(a); break;
				case "project": project(a); break;
				case "info": info(a); break;
				case "doctor": doctor(a); break;
				case "export": export(a); break;
				case "plot-log": plotLog(a); break;
				case "train-feature-network": trainFeatureNetwork(a); break;
				case "metrics": metrics(a); break;
				case "stats": stats(a); break;
				case "plot-metrics": plotMetrics(a); break;
				case "compare": compare(a); break;
				case "macro": macro(argv, a); break;
				case "import-official": importOfficial(argv); break;
				default: throw new IllegalArgumentException("unknown command '" + argv[0] + "'\n" + USAGE);
			}
		} catch (IllegalArgumentException | IOException e) {
			System.err.println("error: " + e.getMessage());
			System.exit(2);
		}
	}

	static void prepareFashionMnist(Args a) throws IOException {
		Path out = a.path("out");
		String split = a.string("split", "train");
		int limit = a.integer("limit", 0);
		boolean byClass = a.flag("by-class", false);
		a.checkAllUsed();
		int n = FashionMnist.exportFolder(FashionMnist.DEFAULT_DIR, split, out, limit, byClass);
		System.out.println("Fashion-MNIST " + split + ": " + n + " images as 32×32 PNG in " + out + (byClass ? " (one subfolder per class)" : ""));
	}

	static void train(Args a) throws IOException {
		TrainingJob job = new TrainingJob();
		job.data = a.path("data");
		job.out = a.path("out");
		job.device = Devices.parse(a.string("device", "auto"));
		ImageFolder.Options io = job.dataOptions;
		io.recursive = a.flag("recursive", false);
		io.skipBad = a.flag("skip-bad", false);
		io.fit = ImageFolder.Fit.valueOf(a.string("fit", "crop").toUpperCase(Locale.ROOT));
		io.normalization = DataRange.Normalization.parse(a.string("normalization", "auto"));
		io.limit = a.integer("limit", 0);
		if (a.flag("stream", false)) io.streamCache = job.out.resolve("dataset-cache.f32");
		String classes = a.string("classes", "none");
		if (classes.equals("subfolders")) job.classesFromSubfolders = true;
		else if (!classes.equals("none")) throw new IllegalArgumentException("--classes must be none or subfolders, got '" + classes + "'");
		String labels = a.string("labels", null);
		job.labelsCsv = labels == null ? null : java.nio.file.Paths.get(labels);
		String resume = a.string("resume", null);
		job.resume = resume == null ? null : java.nio.file.Paths.get(resume);
		job.totalKimg = a.number("kimg", Double.NaN); // absent: 200 for a new run, the stored length when resuming
		job.requestedResolution = a.has("resolution") ? a.integer("resolution", 32) : 0;

		StyleGanConfig c = job.architecture;
		c.resolution = a.integer("resolution", 32);
		c.fmapBase = a.integer("fmap-base", 1024);
		c.fmapMax = a.integer("fmap-max", 128);
		c.latentSize = c.dlatentSize = c.mappingFmaps = a.integer("latent", 128);
		c.mappingLayers = a.integer("mapping-layers", 8);

		TrainingOptions o = TrainingOptions.cpu(TrainingJob.DEFAULT_KIMG, a.number("phase-kimg", 20), a.integer("batch", 16));
		o.lodInitialResolution = a.integer("start-resolution", 8);
		o.progressive = a.flag("progressive", true);
		o.r1Gamma = a.number("gamma", 10);
		o.loss = TrainingOptions.Loss.parse(a.string("loss", "logistic"));
		o.r1Interval = a.integer("r1-interval", 1);
		o.mixingProb = a.number("mixing", 0.9);
		o.mirror = a.flag("mirror", true);
		o.lrBase = a.number("lr", 0.001);
		o.gEmaKimg = a.number("ema-kimg", 10);
		o.snapshotKimg = a.number("snapshot-kimg", 10);
		o.seed = a.integer("seed", 1000);
		o.metricsKimg = a.number("metrics-kimg", 0);
		o.metricsFeatureNetwork = a.string("metrics-network", o.metricsKimg > 0 ? defaultFeatureNetwork().toString() : null);
		o.metrics = a.string("metrics", o.metrics);
		o.metricsImages = a.integer("metrics-images", o.metricsImages);
		o.classSampling = TrainingOptions.ClassSampling.parse(a.string("class-sampling", "natural"));
		job.options = o;
		a.checkAllUsed();

		TrainingTerminal terminal = new TrainingTerminal();
		java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
		// Ctrl-C / SIGTERM: finish the step, write the checkpoint, and only then let the JVM exit
		Thread hook = new Thread(() -> {
			terminal.stop.set(true);
			try {
				finished.await(10, java.util.concurrent.TimeUnit.MINUTES);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
		});
		Runtime.getRuntime().addShutdownHook(hook);
		try {
			job.run(terminal);
		} finally {
			finished.countDown();
		}
	}

	/** The terminal's progress, messages and Ctrl-C, plus a line per training status. */
	private static final class TrainingTerminal extends TerminalProgress implements TrainingListener {
		@Override
		public void onStatus(TrainingStatus s) {
			System.out.println(s.line());
		}
	}

	static void trainFeatureNetwork(Args a) throws IOException {
		Path out = a.path("out");
		boolean fashion = a.flag("fashion-mnist", false);
		String data = a.string("data", null), testData = a.string("test-data", null);
		CnnFeatureNetwork.Config c = new CnnFeatureNetwork.Config();
		c.resolution = a.integer("resolution", 32);
		FeatureNetworkTrainer.Options o = new FeatureNetworkTrainer.Options();
		o.epochs = a.integer("epochs", o.epochs);
		o.batchSize = a.integer("batch", o.batchSize);
		o.learningRate = a.number("lr", o.learningRate);
		o.seed = a.integer("seed", 1);
		int limit = a.integer("limit", 0);
		Device device = Devices.parse(a.string("device", "auto"));
		a.checkAllUsed();
		if (fashion == (data != null)) throw new IllegalArgumentException("give either --fashion-mnist or --data LABELLED_DIR");
		LabelledImages train, test = null;
		if (fashion) {
			train = FashionMnist.labelled(FashionMnist.DEFAULT_DIR, "train", limit);
			test = FashionMnist.labelled(FashionMnist.DEFAULT_DIR, "t10k", 0);
			c.training.put("data", "Fashion-MNIST train split (" + train.images.count + " images, 32×32 zero-padded)");
		} else {
			ImageFolder.Options folderOptions = new ImageFolder.Options();
			folderOptions.limit = limit;
			train = LabelledImages.loadFolder(java.nio.file.Paths.get(data), c.resolution, folderOptions, System.out::println);
			if (testData != null)
				test = LabelledImages.loadFolder(java.nio.file.Paths.get(testData), c.resolution, folderOptions, System.out::println);
			c.training.put("data", data + " (" + train.images.count + " images)");
		}
		c.channels = train.images.channels;
		c.classNames = train.classNames;
		c.training.put("epochs", o.epochs);
		c.training.put("batch_size", o.batchSize);
		c.training.put("learning_rate", o.learningRate);
		c.training.put("seed", o.seed);
		long t0 = System.nanoTime();
		try (CnnFeatureNetwork net = CnnFeatureNetwork.create(c, o.seed, device)) {
			System.out.println("Training a feature network on " + train.images.count + " images, " + c.classNames.size()
				+ " classes, with " + Devices.describe(device));
			FeatureNetworkTrainer.train(net, train, o, new TerminalProgress());
			c.training.put("seconds", Math.round((System.nanoTime() - t0) / 1e9));
			c.training.put("train_accuracy", FeatureNetworkTrainer.accuracy(net, train, 256));
			if (test != null) c.training.put("test_accuracy", FeatureNetworkTrainer.accuracy(net, test, 256));
			net.save(out);
			System.out.println("Wrote " + out + ": " + Json.GSON.toJson(c.training));
		}
	}

	/** The shipped feature network, found next to the launcher (bin/../models). */
	static Path defaultFeatureNetwork() {
		return java.nio.file.Paths.get(System.getProperty("stylegan.root", "."), "models", "fashion-mnist-classifier.zip");
	}

	static void metrics(Args a) throws IOException {
		MetricJob job = new MetricJob();
		job.model = a.path("model");
		String data = a.string("data", null), stats = a.string("real-stats", null), save = a.string("save-real-stats", null);
		job.data = data == null ? null : java.nio.file.Paths.get(data);
		job.realStats = stats == null ? null : java.nio.file.Paths.get(stats);
		job.saveRealStats = save == null ? null : java.nio.file.Paths.get(save);
		job.featureNetwork = java.nio.file.Paths.get(a.string("feature-network", defaultFeatureNetwork().toString()));
		job.cacheDir = java.nio.file.Paths.get(a.string("cache", MetricJob.defaultCacheDir().toString()));
		job.recursive = a.flag("recursive", false);
		job.realLimit = a.integer("real-limit", 0);
		job.device = Devices.parse(a.string("device", "auto"));
		Metrics.Options o = job.options;
		o.metrics = Metrics.parseList(a.string("metrics", "fid"));
		o.numGenerated = a.integer("num", o.numGenerated);
		o.pplSamples = a.integer("ppl-samples", o.pplSamples);
		o.lsSamples = a.integer("ls-samples", o.lsSamples);
		o.pplCrop = a.flag("ppl-crop", false);
		o.seed = a.integer("seed", 0);
		o.batchSize = a.integer("batch", o.batchSize);
		o.truncation = new Truncation(a.number("psi", 1), 0);
		job.className = a.string("class", null);
		String out = a.string("out", null), jsonl = a.string("jsonl", null);
		a.checkAllUsed();
		if (data != null && stats != null) throw new IllegalArgumentException("give --data or --real-stats, not both");
		Metrics.Result r = job.run(new TerminalProgress());
		String json = Json.GSON.toJson(r);
		System.out.print(Metrics.format(r));
		if (out != null) {
			AtomicFiles.write(java.nio.file.Paths.get(out), json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
			System.out.println("Wrote " + out);
		} else if (jsonl == null) {
			System.out.println(json);
		}
		if (jsonl != null) {
			Files.write(java.nio.file.Paths.get(jsonl), (Json.COMPACT.toJson(r) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
				java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
			System.out.println("Appended to " + jsonl);
		}
	}

	static void stats(Args a) throws IOException {
		Path data = a.path("data");
		Path out = a.path("out");
		ImageFolder.Options io = new ImageFolder.Options();
		io.recursive = a.flag("recursive", false);
		io.normalization = DataRange.Normalization.parse(a.string("normalization", "auto"));
		io.limit = a.integer("limit", 0);
		int resolution = a.integer("resolution", 32), keep = a.integer("keep", 50_000);
		Path netFile = java.nio.file.Paths.get(a.string("feature-network", defaultFeatureNetwork().toString()));
		Device device = Devices.parse(a.string("device", "auto"));
		a.checkAllUsed();
		Dataset d = ImageFolder.load(data, resolution, io, System.out::println);
		try (FeatureNetwork net = FeatureNetworks.load(netFile, device)) {
			FeatureStats s = Metrics.realStats(d, data.toString(), net, keep, 64,
				Progress.NONE);
			s.save(out);
			System.out.println("Wrote " + out + ": " + s.info.count + " images, " + s.dimension() + "-d features of " + net.id()
				+ ", " + s.keptCount() + " kept");
		}
	}

	static void compare(Args a) throws IOException {
		FeatureStats x = FeatureStats.load(a.path("a"));
		FeatureStats y = FeatureStats.load(a.path("b"));
		Metrics.Options o = new Metrics.Options();
		o.metrics = Metrics.parseList(a.string("metrics", "fid"));
		a.checkAllUsed();
		o.validate();
		Metrics.Result r = new Metrics.Result();
		try (ai.djl.ndarray.NDManager m = ai.djl.engine.Engine.getInstance().newBaseManager(Device.cpu())) {
			Metrics.compareStats(x, y, o, m, r);
		}
		r.details.put("a", x.info.source + " (" + x.info.count + " images)");
		r.details.put("b", y.info.source + " (" + y.info.count + " images)");
		System.out.println(Json.GSON.toJson(r));
	}

	static void generate(Args a) throws IOException {
		Path modelFile = a.path("model");
		Path out = a.path("out");
		String latentsFile = a.string("latents", null);
		if (latentsFile != null) {
			generateFromLatents(a, modelFile, out, java.nio.file.Paths.get(latentsFile));
			return;
		}
		long[] seeds = SeedList.parse(a.string("seeds", "0-15"));
		Truncation t = new Truncation(a.number("psi", 0.7), a.integer("cutoff", Truncation.OFFICIAL_CUTOFF));
		String noiseMode = a.string("noise", "const");
		NoiseSpec noise = NoiseSpec.parseMode(noiseMode);
		Device device = Devices.parse(a.string("device", "auto"));
		String className = a.string("class", null);
		a.checkAllUsed();
		try (FolderLock lock = FolderLock.acquire(out, "generate");
				StyleGanModel m = ModelFile.load(modelFile, device); Sampler s = new Sampler(m, device)) {
			if (className != null) s.classLabel(m.config.classIndex(className));
			AtomicFiles.removeLeftovers(out); // of an interrupted earlier run; safe while the folder is locked
			int n = seeds.length, ch = m.config.channels, res = m.config.resolution;
			long bytes = (long) n * ch * res * res * 4;
			if (bytes > MAX_STACK_BYTES) // ImageJ's TIFF stays readable everywhere below 4 GiB
				throw new IllegalArgumentException(String.format(Locale.ROOT, "%d images of %d×%d×%d float32 make a %.1f GiB stack;"
					+ " split the seed list (at most %d images per run) or use Batch Export (Fiji), which writes one file per image",
					n, res, res, ch, bytes / (double) (1L << 30), MAX_STACK_BYTES / ((long) ch * res * res * 4)));
			long free = out.toFile().getUsableSpace();
			if (bytes > free)
				throw new IOException(String.format(Locale.ROOT, "the stack needs %.0f MiB but %s has %.0f MiB free", bytes / 1048576.0, out, free / 1048576.0));
			System.out.println("Generating " + n + " image(s) with " + s.describeDevice());
			// every setting that changes the pixels is in the name: runs with other settings do not overwrite it
			String name = "seeds" + SeedList.format(seeds) + (className != null ? "_class-" + fileSafe(m.config.className(s.classLabel())) : "")
				+ "_psi" + t.psi + "_cutoff" + t.cutoff + "_noise-" + noiseMode;
			int batch = 64;
			ImagePlus stack = ImageFiles.streamedFloatStack(n, ch, res, res, batch,
				(first, count) -> s.generate(java.util.Arrays.copyOfRange(seeds, first, first + count), t, noise), name);
			ImageFiles.saveTiff(stack, out.resolve(name + ".tif")); // rendered batch by batch while written: bounded memory
			long[] shown = java.util.Arrays.copyOf(seeds, Math.min(n, MONTAGE_MAX));
			Images img = s.generate(shown, t, noise);
			ImageFiles.savePng(ImageFiles.montage(img, (int) Math.ceil(Math.sqrt(img.n)), 1, name), out.resolve(name + ".png"));
			System.out.println("Wrote " + out.resolve(name + ".tif") + " and .png" + (n > MONTAGE_MAX ? " (montage: the first " + MONTAGE_MAX + ")" : ""));
		}
	}

	/** Largest TIFF stack {@code generate} writes in one file. */
	static final long MAX_STACK_BYTES = (4L << 30) - (64L << 20);
	/** Images in the PNG montage of {@code generate}. */
	static final int MONTAGE_MAX = 256;

	/** Renders projected latents (their own noise; ψ 1 = the reconstructions). */
	static void generateFromLatents(Args a, Path modelFile, Path out, Path latentsFile) throws IOException {
		Truncation t = new Truncation(a.number("psi", 1.0), a.integer("cutoff", Truncation.OFFICIAL_CUTOFF));
		Device device = Devices.parse(a.string("device", "auto"));
		a.checkAllUsed();
		ProjectedLatents p = ProjectionFile.load(latentsFile);
		try (FolderLock lock = FolderLock.acquire(out, "generate");
				StyleGanModel m = ModelFile.load(modelFile, device); Sampler s = new Sampler(m, device)) {
			AtomicFiles.removeLeftovers(out);
			Images img = s.render(p, t);
			String name = "latents_" + fileSafe(latentsFile.getFileName().toString().replaceAll("\\.zip$", "")) + "_psi" + t.psi;
			ImageFiles.saveTiff(ImageFiles.floatStack(img, name), out.resolve(name + ".tif"));
			ImageFiles.savePng(ImageFiles.montage(img, (int) Math.ceil(Math.sqrt(img.n)), 1, name), out.resolve(name + ".png"));
			System.out.println("Wrote " + out.resolve(name + ".tif") + " and .png (" + p.n + " projected image(s))");
		}
	}

	/** A class name as part of a file name. */
	static String fileSafe(String name) {
		return name.replaceAll("[^A-Za-z0-9._-]+", "_");
	}

	/**
	 * Class translation of a conditional model: per seed, frames from class A to class B (same z and
	 * noise), written as a stack (seeds × steps), a montage, and the difference B − A per seed.
	 */
	static void translate(Args a) throws IOException {
		Path modelFile = a.path("model");
		Path out = a.path("out");
		String latentsFile = a.string("latents", null);
		long[] seeds = latentsFile == null ? SeedList.parse(a.string("seeds", "0-7")) : null;
		String from = latentsFile == null ? a.required("from") : null, to = a.required("to");
		int steps = a.integer("steps", 8);
		boolean shift = a.flag("centroid-shift", false) || latentsFile != null; // projected images: always the shift
		Truncation t = new Truncation(a.number("psi", 1.0), a.integer("cutoff", Truncation.OFFICIAL_CUTOFF));
		Device device = Devices.parse(a.string("device", "auto"));
		a.checkAllUsed();
		try (FolderLock lock = FolderLock.acquire(out, "translate");
				StyleGanModel m = ModelFile.load(modelFile, device); Sampler s = new Sampler(m, device)) {
			AtomicFiles.removeLeftovers(out);
			ProjectedLatents projected = latentsFile == null ? null : ProjectionFile.load(Paths.get(latentsFile));
			int ka = projected != null ? projected.classLabel : m.config.classIndex(from), kb = m.config.classIndex(to);
			int rows = projected != null ? projected.n : seeds.length;
			System.out.println("Class translation " + (ka < 0 ? "?" : m.config.className(ka)) + " → " + m.config.className(kb) + " of "
				+ (projected != null ? rows + " projected image(s)" : seeds.length + " seed(s)") + " in " + steps + " steps with " + s.describeDevice());
			Images frames = projected != null ? s.translate(projected, kb, steps, t) : s.translate(seeds, ka, kb, steps, shift, t);
			String name = "translate_" + fileSafe(m.config.className(ka)) + "-to-" + fileSafe(m.config.className(kb))
				+ (projected != null ? "_projected" : "_seeds" + SeedList.format(seeds)) + "_steps" + steps + (shift ? "_centroid-shift" : "") + "_psi" + t.psi;
			ImageFiles.saveTiff(ImageFiles.floatStack(frames, name), out.resolve(name + ".tif"));
			ImageFiles.savePng(ImageFiles.montage(frames, steps, 1, name), out.resolve(name + ".png"));
			Images diff = ClassTranslation.endDifference(frames, rows, steps);
			ImageFiles.saveTiff(ImageFiles.floatStack(diff, name + "_difference"), out.resolve(name + "_difference.tif"));
			System.out.println("Wrote " + out.resolve(name + ".tif") + ", .png and _difference.tif (last − first frame per row, model range)");
		}
	}

	/** Projects real images into a model's latent space (see docs/projection.md). */
	static void project(Args a) throws IOException {
		ProjectionJob job = new ProjectionJob();
		job.model = a.path("model");
		job.images = a.path("images");
		job.out = a.path("out");
		job.featureNetwork = java.nio.file.Paths.get(a.string("feature-network", defaultFeatureNetwork().toString()));
		job.device = Devices.parse(a.string("device", "auto"));
		job.className = a.string("class", null);
		job.imageOptions.limit = a.integer("limit", 0);
		job.imageOptions.recursive = a.flag("recursive", false);
		job.imageOptions.fit = ImageFolder.Fit.valueOf(a.string("fit", "crop").toUpperCase(Locale.ROOT));
		Projector.Options o = job.options;
		o.steps = a.integer("steps", o.steps);
		o.distance = Projector.Distance.parse(a.string("distance", "perceptual+pixel"));
		o.perLayer = a.flag("w-plus", false);
		o.optimizeNoise = a.flag("optimize-noise", true);
		o.initialLearningRate = a.number("lr", o.initialLearningRate);
		o.seed = a.integer("seed", 0);
		a.checkAllUsed();
		ProjectionJob.Outcome r = job.run(new TerminalProgress());
		System.out.println(r.summary);
		System.out.println("Wrote " + r.latentsFile + " (use with generate --latents), targets.tif, reconstructions.tif,"
			+ " comparison.png and curve.csv in " + job.out);
	}

	static void macro(String[] argv, Args ignored) throws IOException {
		if (argv.length < 2) throw new IllegalArgumentException("usage: bin/stylegan macro FILE.ijm [--arg \"key=value ...\"]");
		Args a = new Args(argv, 2);
		String arg = a.string("arg", "");
		a.checkAllUsed();
		String result = MacroRunner.run(java.nio.file.Paths.get(argv[1]), arg);
		if (result != null && !result.isEmpty()) System.out.println(result);
		System.exit(0); // ImageJ may leave non-daemon threads behind
	}

	static void importOfficial(String[] argv) throws IOException {
		if (argv.length < 2 || argv[1].startsWith("--"))
			throw new IllegalArgumentException("usage: bin/stylegan import-official FILE.pkl [--out FILE.zip] [--overwrite]");
		Path pickle = java.nio.file.Paths.get(argv[1]);
		Args a = new Args(argv, 2);
		String name = pickle.getFileName().toString().replaceFirst("\\.pkl$", "") + ".zip";
		Path out = a.has("out") ? a.path("out") : pickle.toAbsolutePath().resolveSibling(name);
		boolean overwrite = a.flag("overwrite", false);
		a.checkAllUsed();
		System.out.println(OfficialImport.run(pickle, out, overwrite).summary());
	}

	static void export(Args a) throws IOException {
		Path in = a.path("model");
		Path out = a.path("out");
		a.checkAllUsed();
		try (StyleGanModel m = ModelFile.load(in, Device.cpu())) {
			ModelFile.saveForSampling(m, out);
		}
		System.out.println("Wrote " + out + " (" + Files.size(out) / 1024 + " KiB, G_ema only)");
	}

	/** G and D loss and R1 over kimg from a training log, as a PNG (JFreeChart). */
	static void plotLog(Args a) throws IOException {
		Path log = a.path("log");
		Path out = a.path("out");
		a.checkAllUsed();
		LossChart chart = new LossChart("Training losses: "
			+ log.toAbsolutePath().getParent().getFileName(), true);
		for (String line : Files.readAllLines(log)) {
			if (!line.trim().isEmpty()) chart.add(Json.GSON.fromJson(line, TrainingStatus.class));
		}
		AtomicFiles.write(out, tmp -> org.jfree.chart.ChartUtils.saveChartAsPNG(tmp.toFile(), chart.chart, 900, 450));
		System.out.println("Wrote " + out + " (" + chart.points() + " points)");
	}

	/** Metric values over kimg from JSON lines written by `metrics --jsonl`, training or evaluate-snapshots. */
	static void plotMetrics(Args a) throws IOException {
		Path log = a.path("log");
		Path out = a.path("out");
		String[] keys = a.string("keys", "fid").split(",");
		String floor = a.string("floor", null);
		String title = a.string("title", "Metrics over training");
		a.checkAllUsed();
		org.jfree.data.xy.XYSeriesCollection data = new org.jfree.data.xy.XYSeriesCollection();
		java.util.List<org.jfree.data.xy.XYSeries> series = new java.util.ArrayList<>();
		for (String k : keys) {
			series.add(new org.jfree.data.xy.XYSeries(k.trim()));
		}
		double maxKimg = 0;
		for (String line : Files.readAllLines(log)) {
			if (line.trim().isEmpty()) continue;
			Metrics.Result r = Json.GSON.fromJson(line, Metrics.Result.class);
			Object kimg = r.details.containsKey("kimg") ? r.details.get("kimg") : r.details.get("model_kimg");
			if (!(kimg instanceof Number)) continue;
			double x = ((Number) kimg).doubleValue();
			maxKimg = Math.max(maxKimg, x);
			for (org.jfree.data.xy.XYSeries s : series) {
				Double v = r.values.get((String) s.getKey());
				if (v != null && Double.isFinite(v)) s.add(x, v);
			}
		}
		series.forEach(data::addSeries);
		if (floor != null) {
			org.jfree.data.xy.XYSeries f = new org.jfree.data.xy.XYSeries("floor (real vs real)");
			f.add(0, Double.parseDouble(floor));
			f.add(maxKimg, Double.parseDouble(floor));
			data.addSeries(f);
		}
		org.jfree.chart.JFreeChart chart = org.jfree.chart.ChartFactory.createXYLineChart(title, "kimg", String.join(", ", keys),
			data, org.jfree.chart.plot.PlotOrientation.VERTICAL, true, false, false);
		org.jfree.chart.plot.XYPlot plot = chart.getXYPlot();
		if (data.getSeriesCount() > 0 && positive(data)) { // FID spans orders of magnitude down to its floor
			org.jfree.chart.axis.LogAxis y = new org.jfree.chart.axis.LogAxis(String.join(", ", keys) + " (log scale)");
			y.setBase(10);
			y.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1)); // one tick per power of ten
			y.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.###"));
			plot.setRangeAxis(y);
		}
		if (plot.getRenderer() instanceof org.jfree.chart.renderer.xy.XYLineAndShapeRenderer)
			((org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer()).setDefaultShapesVisible(true);
		org.jfree.chart.ChartUtils.saveChartAsPNG(out.toFile(), chart, 900, 450);
		System.out.println("Wrote " + out + " (" + series.get(0).getItemCount() + " points)");
	}

	private static boolean positive(org.jfree.data.xy.XYSeriesCollection data) {
		for (int s = 0; s < data.getSeriesCount(); s++)
			for (int i = 0; i < data.getItemCount(s); i++)
				if (!(data.getYValue(s, i) > 0)) return false;
		return true;
	}

	static void doctor(Args a) throws IOException {
		Path modelFile = a.has("model") ? a.path("model") : null;
		int batch = a.integer("batch", 16);
		Device device = Devices.parse(a.string("device", "auto"));
		a.checkAllUsed();
		StyleGanConfig config = modelFile == null ? null : ModelFile.readManifest(modelFile).config;
		EngineDoctor.Result r = EngineDoctor.run(device, config, batch);
		System.out.print(r.report);
		if (!r.ok) System.exit(1);
	}

	static void info(Args a) throws IOException {
		Path modelFile = a.path("model");
		a.checkAllUsed();
		ModelFile.Manifest m = ModelFile.readManifest(modelFile);
		System.out.println(Json.GSON.toJson(m));
	}
}

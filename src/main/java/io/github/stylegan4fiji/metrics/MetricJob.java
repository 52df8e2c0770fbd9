package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import io.github.stylegan4fiji.core.ConvShape;
import io.github.stylegan4fiji.core.EngineCheck;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.sampling.Sampler;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One "compute metrics" request from files, as the Fiji command and the command line make it:
 * model, real images (a folder, or a statistics file made earlier), feature network, options.
 */
public final class MetricJob {

	public Path model;
	/** Folder of real images (read at the model's resolution with the model's intensity mapping). */
	public Path data;
	public boolean recursive = false;
	/** Use at most this many real images (0 = all). */
	public int realLimit = 0;
	/** A statistics file instead of {@link #data}. */
	public Path realStats;
	/** Where to save the real statistics used (optional), to reuse them on another machine. */
	public Path saveRealStats;
	public Path featureNetwork;
	public Path cacheDir = defaultCacheDir();
	public Device device = Device.cpu();
	public Metrics.Options options = new Metrics.Options();
	/** A conditional model's class (name or number) to generate; null: all classes (uniformly drawn). */
	public String className;

	/** ~/.cache/stylegan4fiji/stats, or the system property {@code stylegan4fiji.cache}. */
	public static Path defaultCacheDir() {
		String dir = System.getProperty("stylegan4fiji.cache");
		if (dir != null && !dir.isEmpty()) return Paths.get(dir);
		return Paths.get(System.getProperty("user.home"), ".cache", "stylegan4fiji", "stats");
	}

	public Metrics.Result run(Progress progress) throws IOException {
		Consumer<String> log = progress::log;
		options.validate();
		if (model == null) throw new IllegalArgumentException("no model file given");
		if (featureNetwork == null) throw new IllegalArgumentException("no feature network file given");
		if (options.needsReals() && data == null && realStats == null)
			throw new IllegalArgumentException("FID, KID and precision/recall need real images: give an image folder or a statistics file");
		int keep = options.needsKeptFeatures() ? options.maxKept : 0;
		long t0 = System.nanoTime();
		try (StyleGanModel m = ModelFile.load(model, device);
				FeatureNetwork net = FeatureNetworks.load(featureNetwork, device);
				Sampler sampler = new Sampler(m, device).batchSize(options.batchSize)) {
			net.checkCompatible(m.config.channels, m.config.resolution);
			if (className != null && !className.trim().isEmpty()) sampler.classLabel(m.config.classIndex(className));
			if (!net.hasPerceptualDistance() && options.metrics.stream().anyMatch(k -> k.startsWith("ppl") || k.equals("ls")))
				throw new IllegalArgumentException("PPL and LS need the built-in feature network; " + featureNetwork.getFileName()
					+ " gives features only (use it for FID, KID and P&R)");
			Set<ConvShape> shapes = new LinkedHashSet<>(EngineCheck.shapesOf(m.config, options.batchSize, false));
			shapes.addAll(EngineCheck.forJob(net.convolutionShapes(), options.batchSize));
			EngineCheck.ensureCorrect(shapes, device, log);
			log.accept("Metrics " + options.metrics + " for " + model + (sampler.classLabel() >= 0 ? ", class "
				+ m.config.className(sampler.classLabel()) : "") + " with " + sampler.describeDevice()
				+ "; feature network " + featureNetwork.getFileName() + " (" + net.id() + ")");
			FeatureStats reals = null;
			if (options.needsReals()) {
				if (realStats != null) {
					reals = FeatureStats.load(realStats);
					log.accept("Real statistics from " + realStats + " (" + reals.info.count + " images: " + reals.info.source + ")");
				} else {
					ImageFolder.Options io = new ImageFolder.Options();
					io.recursive = recursive;
					io.limit = realLimit;
					io.fixedRange = m.dataRange;
					Dataset d = ImageFolder.load(data, m.config.resolution, io, log);
					if (d.channels != m.config.channels)
						throw new IllegalArgumentException(data + " has " + d.channels + "-channel images; the model makes " + m.config.channels);
					reals = Metrics.cachedRealStats(d, data.toString(), net, keep, options.batchSize, cacheDir, progress);
				}
				if (saveRealStats != null) {
					reals.save(saveRealStats);
					log.accept("Real statistics saved to " + saveRealStats);
				}
			}
			Metrics.Result r = Metrics.compute(sampler, net, reals, options, progress);
			r.details.put("model", model.toString());
			r.details.put("seconds", (System.nanoTime() - t0) / 1e9);
			return r;
		}
	}
}

package io.github.stylegan4fiji.project;

import ai.djl.Device;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.EngineCheck;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.io.ProjectionFile;
import io.github.stylegan4fiji.metrics.FeatureNetwork;
import io.github.stylegan4fiji.metrics.FeatureNetworks;
import io.github.stylegan4fiji.metrics.Ssim;
import io.github.stylegan4fiji.sampling.Images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One "project these images" request, as the command line and Fiji make it: a model, a folder of
 * real images (read at the model's resolution with the model's intensity mapping and the fit
 * training uses), the projector's options; writes to an output folder the latents
 * ({@code projection.zip}), targets and reconstructions (TIFF), a comparison montage (targets above,
 * reconstructions below) and the optimisation curve ({@code curve.csv}).
 */
public final class ProjectionJob {

	public static final String LATENTS_FILE = "projection.zip";

	public Path model;
	public Path images;
	public Path out;
	/** Feature network for the perceptual distance (the built-in one). */
	public Path featureNetwork;
	public ImageFolder.Options imageOptions = new ImageFolder.Options();
	public Projector.Options options = new Projector.Options();
	/** A conditional model's class (name or number) to project into. */
	public String className;
	public Device device = Device.cpu();

	/** What was written, for the caller's outputs. */
	public static final class Outcome {
		public Projector.Result result;
		public Images targets;
		public Images reconstructions;
		public double[] psnr;
		/** Structural similarity per image (NaN for images under 11 pixels, see {@link Ssim}). */
		public double[] ssim;
		public Path latentsFile;
		public String summary;
		/** The model's intensity mapping, to show the images in the data's range. */
		public DataRange dataRange;
	}

	public Outcome run(Progress progress) throws IOException {
		if (model == null || images == null || out == null) throw new IllegalArgumentException("choose a model, the images and an output folder");
		Files.createDirectories(out);
		try (FolderLock lock = FolderLock.acquire(out, "projection");
				StyleGanModel m = ModelFile.load(model, device)) {
			AtomicFiles.removeLeftovers(out);
			ImageFolder.Options io = imageOptions.copy();
			io.fixedRange = m.dataRange; // the intensities mean what they meant in training
			Dataset d = ImageFolder.load(images, m.config.resolution, io, progress::log);
			if (d.channels != m.config.channels)
				throw new IllegalArgumentException(images + " has " + d.channels + "-channel images; the model makes " + m.config.channels);
			if (className != null && !className.trim().isEmpty()) options.classLabel = m.config.classIndex(className);
			else if (m.config.isConditional())
				throw new IllegalArgumentException("this model is conditional: choose the class to project into (" + m.config.classList() + ")");
			FeatureNetwork net = options.distance.needsFeatureNetwork() ? FeatureNetworks.load(featureNetwork, device) : null;
			try {
				if (net != null)
					EngineCheck.ensureCorrect(EngineCheck.forJob(net.convolutionShapes(), d.count), device, progress::log);
				EngineCheck.ensureCorrect(EngineCheck.shapesOf(m.config, d.count, false), device, progress::log);
				float[] targets = new float[d.count * d.imageSize()];
				for (int i = 0; i < d.count; i++) d.copyImage(i, false, targets, i * d.imageSize());
				String[] names = d.sources.size() == d.count ? d.sources.toArray(new String[0]) : null;
				progress.log(String.format(Locale.ROOT, "Projecting %d image(s) into %s: %d steps, %s distance, %s", d.count,
					model.getFileName(), options.steps, options.distance, options.perLayer ? "W+" : "one w per image"));
				Outcome o = new Outcome();
				o.dataRange = m.dataRange;
				o.result = Projector.project(m, net, targets, d.count, names, options, progress);
				o.targets = new Images(d.count, d.channels, d.resolution, d.resolution, targets);
				o.reconstructions = new Images(d.count, d.channels, d.resolution, d.resolution, o.result.images);
				o.psnr = new double[d.count];
				o.ssim = new double[d.count];
				for (int i = 0; i < d.count; i++) {
					int at = i * d.imageSize();
					o.psnr[i] = Projector.psnr(targets, at, o.result.images, at, d.imageSize());
					o.ssim[i] = Ssim.ssim(targets, at, o.result.images, at, d.channels, d.resolution, d.resolution, 2.0);
				}
				write(m, o);
				return o;
			} finally {
				if (net != null) net.close();
			}
		}
	}

	private void write(StyleGanModel m, Outcome o) throws IOException {
		ProjectionFile.Info info = new ProjectionFile.Info();
		info.model = model.getFileName().toString();
		info.modelKimg = m.progress.kimg;
		info.distance = options.distance.key;
		info.steps = options.steps;
		info.finalDistance = o.result.finalDistance;
		info.psnr = o.psnr;
		info.ssim = o.ssim;
		o.latentsFile = out.resolve(LATENTS_FILE);
		ProjectionFile.save(o.latentsFile, o.result.latents, info);
		ImageFiles.saveFloatTiff(o.targets, "targets", out.resolve("targets.tif"));
		ImageFiles.saveFloatTiff(o.reconstructions, "reconstructions", out.resolve("reconstructions.tif"));
		int shown = Math.min(o.targets.n, 16);
		List<Images> rows = new ArrayList<>(Arrays.asList(o.targets.slice(0, shown), o.reconstructions.slice(0, shown)));
		ImageFiles.saveMontagePng(Images.concat(rows), shown, 1, "targets (top) and reconstructions", out.resolve("comparison.png"));
		StringBuilder csv = new StringBuilder("step,mean_distance\n");
		for (int s = 0; s < o.result.curve.length; s++)
			csv.append(s + 1).append(',').append(Arrays.stream(o.result.curve[s]).average().orElse(Double.NaN)).append('\n');
		AtomicFiles.write(out.resolve("curve.csv"), csv.toString().getBytes(StandardCharsets.UTF_8));
		o.summary = Projector.summary(o.result) + String.format(Locale.ROOT, ", mean PSNR %.2f dB, mean SSIM %.3f",
			Arrays.stream(o.psnr).average().orElse(Double.NaN), Arrays.stream(o.ssim).average().orElse(Double.NaN));
	}
}

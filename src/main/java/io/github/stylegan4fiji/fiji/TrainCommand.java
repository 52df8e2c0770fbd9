package io.github.stylegan4fiji.fiji;

import ai.djl.Device;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.train.Trainer;
import io.github.stylegan4fiji.train.TrainingListener;
import io.github.stylegan4fiji.train.TrainingOptions;
import io.github.stylegan4fiji.train.TrainingStatus;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Trains a StyleGAN on a folder of images. Progress (kimg, losses, ETA) goes to the status bar and
 * the log and, with a display, to a window with the loss plot and the latest sample grid; cancel (or
 * the window's Stop) ends after the current step with a checkpoint that "Resume from" continues.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Train StyleGAN", label = "Train StyleGAN")
public class TrainCommand extends ContextCommand {

	@Parameter(label = "Image folder", style = "directory", description = "TIFF, PNG or JPEG images (all with the same channel count)")
	private File image_folder;

	@Parameter(label = "Output folder", style = "directory", description = "Checkpoints, sample grids and the training log go here")
	private File output_folder;

	@Parameter(label = "Resolution", choices = {"8", "16", "32", "64", "128", "256", "512", "1024"})
	private String resolution = "32";

	@Parameter(label = "Schedule", choices = {"progressive growing", "fixed resolution"})
	private String schedule = "progressive growing";

	@Parameter(label = "Length (kimg)", description = "Thousands of real images shown", min = "0.001")
	private double kimg = 200;

	@Parameter(label = "kimg per phase", description = "Progressive growing: images per resolution and per fade-in (official: 600)", min = "0.001")
	private double phase_kimg = 20;

	@Parameter(label = "Minibatch", min = "1")
	private int batch = 16;

	@Parameter(label = "Loss", choices = {"logistic", "wgan-gp"}, description = "The paper's non-saturating logistic loss with R1, or WGAN-GP")
	private String loss = "logistic";

	@Parameter(label = "R1 gamma", min = "0")
	private double gamma = 10;

	@Parameter(label = "Mixing probability", min = "0", max = "1", stepSize = "0.1")
	private double mixing = 0.9;

	@Parameter(label = "Mirror (x-flips)")
	private boolean mirror = true;

	@Parameter(label = "Snapshot every (kimg)", min = "0.001")
	private double snapshot_kimg = 10;

	@Parameter(label = "Network width (fmap_base)", min = "16")
	private int fmap_base = 1024;

	@Parameter(label = "Max feature maps (fmap_max)", min = "1")
	private int fmap_max = 128;

	@Parameter(label = "Latent size (z and w)", min = "1")
	private int latent = 128;

	@Parameter(label = "Non-square images", choices = {"crop", "pad", "resize"})
	private String fit = "crop";

	@Parameter(label = "Intensity normalisation", choices = {"auto", "type", "percentile", "minmax"})
	private String normalization = "auto";

	@Parameter(label = "Include subfolders")
	private boolean recursive = false;

	@Parameter(label = "Skip unreadable or inconsistent files")
	private boolean skip_bad = false;

	@Parameter(label = "Stream images from disk", description = "For folders larger than memory: the images are kept in "
		+ "dataset-cache.f32 in the output folder and read memory-mapped")
	private boolean stream_from_disk = false;

	@Parameter(label = "Resume from checkpoint", required = false, style = "open", description = "Leave empty for a new run")
	private File resume_from;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu:0", "gpu:1"})
	private String device = "auto";

	@Parameter(label = "FID every (kimg)", min = "0", description = "FID of G_ema against the training images at snapshots (0 = off)")
	private double metrics_kimg = 0;

	@Parameter(label = "Feature network for FID", required = false, style = "open",
		description = "Built-in classifier file, e.g. models/fashion-mnist-classifier.zip")
	private File metrics_network;

	@Parameter(type = ItemIO.OUTPUT, label = "Model file")
	private File model_file;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	@Override
	public void run() {
		try {
			Device dev = Devices.parse(device);
			StyleGanConfig c = new StyleGanConfig();
			c.resolution = Integer.parseInt(resolution);
			c.fmapBase = fmap_base;
			c.fmapMax = fmap_max;
			c.latentSize = c.dlatentSize = c.mappingFmaps = latent;
			TrainingOptions o = TrainingOptions.cpu(kimg, phase_kimg, batch);
			o.progressive = schedule.startsWith("progressive");
			o.r1Gamma = gamma;
			o.loss = loss;
			o.mixingProb = mixing;
			o.mirror = mirror;
			o.snapshotKimg = snapshot_kimg;
			o.metricsKimg = metrics_kimg;
			o.metricsFeatureNetwork = metrics_network == null || metrics_network.getPath().isEmpty() ? null : metrics_network.getPath();
			o.validate();
			ImageFolder.Options io = new ImageFolder.Options();
			io.fit = ImageFolder.Fit.valueOf(fit.toUpperCase(Locale.ROOT));
			io.normalization = normalization;
			io.recursive = recursive;
			io.skipBad = skip_bad;
			if (stream_from_disk && output_folder != null) io.streamCache = output_folder.toPath().resolve("dataset-cache.f32");
			if (image_folder == null || output_folder == null) throw new IllegalArgumentException("choose an image folder and an output folder");
			c.validate(); // before any image is decoded
			// locked before the data is read (a streamed cache lives in the output folder); the trainer re-enters it
			try (FolderLock lock = FolderLock.acquire(output_folder.toPath(), "training")) {
				train(c, o, io, dev);
			}
		} catch (IllegalArgumentException | IOException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
		}
	}

	private void train(StyleGanConfig c, TrainingOptions o, ImageFolder.Options io, Device dev) throws IOException {
		{
			Dataset data = ImageFolder.load(image_folder.toPath(), c.resolution, io, log::info);
			c.channels = data.channels;
			c.validate();
			Path out = output_folder.toPath();
			boolean resume = resume_from != null && !resume_from.getPath().isEmpty();
			TrainingMonitor monitor = java.awt.GraphicsEnvironment.isHeadless() ? null : new TrainingMonitor("Train StyleGAN: " + out);
			String[] last = {"training ended"};
			ij.IJ.resetEscape();
			try (Trainer t = resume ? Trainer.resume(resume_from.toPath(), data, out, dev, kimg) : Trainer.start(c, o, data, out, dev)) {
				t.run(new TrainingListener() {
					@Override
					public void onStatus(TrainingStatus s) {
						if (monitor != null) monitor.onStatus(s);
						status.showProgress((int) Math.round(s.kimg * 1000), (int) Math.round(s.totalKimg * 1000));
						status.showStatus(String.format(Locale.ROOT, "StyleGAN %.1f/%.0f kimg, G %.3f D %.3f, ETA %s",
							s.kimg, s.totalKimg, s.lossG, s.lossD, TrainingStatus.formatDuration(s.etaSeconds)));
						log.info(s.line());
					}

					@Override
					public void onSnapshot(Path model, Path grid, TrainingStatus s) {
						if (monitor != null) monitor.onSnapshot(model, grid, s);
					}

					@Override
					public void onLog(String message) {
						log.info(message);
						last[0] = message;
					}
				}, () -> isCanceled() || (monitor != null && monitor.stopRequested()) || ij.IJ.escapePressed());
			} catch (IOException | RuntimeException e) {
				last[0] = "failed: " + e.getMessage();
				throw e;
			} finally {
				if (monitor != null) monitor.finished(last[0]); // stays open with its plot until closed
			}
			model_file = out.resolve(Trainer.CHECKPOINT).toFile();
		}
	}
}

package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.train.Trainer;
import io.github.stylegan4fiji.train.TrainingJob;
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

	@Parameter(label = "Length (kimg)", description = "Thousands of real images shown; 0 = 200 for a new run, the checkpoint's"
		+ " own length when resuming", min = "0")
	private double kimg = 0;

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

	@Parameter(label = "Class labels", choices = {"none", "from subfolders", "from CSV file"}, description = "A conditional model:"
		+ " one subfolder of the image folder per class (treatment, cell line, time point …), or a CSV file of file,label lines")
	private String class_labels = "none";

	@Parameter(label = "Labels CSV file", required = false, style = "open", description = "file,label per line (with 'from CSV file')")
	private File labels_csv;

	@Parameter(label = "Class sampling", choices = {"natural", "balanced"}, description = "natural: classes as often as in the data"
		+ " (the official code); balanced: every class equally often (for rare conditions)")
	private String class_sampling = "natural";

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

	@Parameter(label = "Start resolution", description = "Progressive growing starts here (official: 8)",
		choices = {"4", "8", "16", "32", "64", "128"})
	private String start_resolution = "8";

	@Parameter(label = "Mapping layers", description = "Depth of the mapping network z → w (paper: 8)", min = "0", max = "8")
	private int mapping_layers = 8;

	@Parameter(label = "Learning rate", description = "Adam learning rate of G and D (official: 0.001)", min = "0.00001")
	private double learning_rate = 0.001;

	@Parameter(label = "Random seed", description = "Seed of the initial weights and of every random draw (same seed, same run)")
	private int seed = 1000;

	@Parameter(label = "FID every (kimg)", min = "0", description = "FID of G_ema against the training images at snapshots (0 = off)")
	private double metrics_kimg = 0;

	@Parameter(label = "Feature network for FID", required = false, style = "open",
		description = "Built-in classifier file; empty: models/fashion-mnist-classifier.zip")
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
			TrainingJob job = new TrainingJob();
			job.device = Devices.parse(device);
			job.data = image_folder == null ? null : image_folder.toPath();
			job.out = output_folder == null ? null : output_folder.toPath();
			job.resume = resume_from == null || resume_from.getPath().isEmpty() ? null : resume_from.toPath();
			job.totalKimg = kimg; // 0: the default, or the checkpoint's length when resuming
			StyleGanConfig c = job.architecture;
			c.resolution = Integer.parseInt(resolution);
			c.fmapBase = fmap_base;
			c.fmapMax = fmap_max;
			c.latentSize = c.dlatentSize = c.mappingFmaps = latent;
			c.mappingLayers = mapping_layers;
			TrainingOptions o = TrainingOptions.cpu(TrainingJob.DEFAULT_KIMG, phase_kimg, batch);
			o.progressive = schedule.startsWith("progressive");
			o.lodInitialResolution = Integer.parseInt(start_resolution);
			o.r1Gamma = gamma;
			o.loss = TrainingOptions.Loss.parse(loss);
			o.mixingProb = mixing;
			o.mirror = mirror;
			o.lrBase = learning_rate;
			o.seed = seed;
			o.snapshotKimg = snapshot_kimg;
			o.metricsKimg = metrics_kimg;
			o.metricsFeatureNetwork = metrics_kimg > 0 ? DefaultFiles.featureNetwork(metrics_network).toString() : null;
			o.classSampling = TrainingOptions.ClassSampling.parse(class_sampling);
			job.options = o;
			job.classesFromSubfolders = class_labels.equals("from subfolders");
			if (class_labels.equals("from CSV file")) {
				if (labels_csv == null || labels_csv.getPath().isEmpty()) throw new IllegalArgumentException("choose the labels CSV file");
				job.labelsCsv = labels_csv.toPath();
			}
			ImageFolder.Options io = job.dataOptions;
			io.fit = ImageFolder.Fit.valueOf(fit.toUpperCase(Locale.ROOT));
			io.normalization = DataRange.Normalization.parse(normalization);
			io.recursive = recursive;
			io.skipBad = skip_bad;
			if (stream_from_disk && job.out != null) io.streamCache = job.out.resolve("dataset-cache.f32");

			TrainingMonitor monitor = java.awt.GraphicsEnvironment.isHeadless() ? null : new TrainingMonitor("Train StyleGAN: " + job.out);
			String[] last = {"training ended"};
			ij.IJ.resetEscape();
			try {
				job.run(new TrainingListener() {
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
					public void log(String message) {
						log.info(message);
						last[0] = message;
					}

					@Override
					public boolean cancelled() {
						return isCanceled() || (monitor != null && monitor.stopRequested()) || ij.IJ.escapePressed();
					}
				});
			} catch (IOException | RuntimeException e) {
				last[0] = "failed: " + e.getMessage();
				throw e;
			} finally {
				if (monitor != null) monitor.finished(last[0]); // stays open with its plot until closed
			}
			model_file = job.out.resolve(Trainer.CHECKPOINT).toFile();
		} catch (IllegalArgumentException | IOException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
		}
	}
}

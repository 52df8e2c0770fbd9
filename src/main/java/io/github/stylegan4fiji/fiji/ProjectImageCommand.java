package io.github.stylegan4fiji.fiji;

import ij.ImagePlus;
import ij.WindowManager;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.project.ProjectionJob;
import io.github.stylegan4fiji.project.Projector;
import net.imglib2.img.Img;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import io.github.stylegan4fiji.data.ImageFolder;

/**
 * Finds the latents (w, noise) that reproduce real images — the current image or every image of a
 * folder — so they can be used like generated ones (Generate Images, Style Mixing and Interpolation
 * take the written projection file). The work is {@link ProjectionJob}'s; this command only collects
 * the inputs and shows the reconstructions.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Project Image", label = "Project Image")
public class ProjectImageCommand extends ContextCommand {

	@Parameter(label = "Model file", style = "open")
	private File model;

	@Parameter(label = "Images", choices = {"current image", "folder"}, description = "The active image (all slices), or every image of a folder")
	private String source = "current image";

	@Parameter(label = "Image folder", style = "directory", required = false, description = "With Images = folder")
	private File image_folder;

	@Parameter(label = "Output folder", style = "directory", description = "projection.zip (the latents), targets, reconstructions, curve")
	private File output_folder;

	@Parameter(label = "Steps", min = "1", description = "Optimisation steps per image (StyleGAN2 projector: 1000)")
	private int steps = 1000;

	@Parameter(label = "Distance", choices = {"perceptual", "pixel", "perceptual+pixel"}, description = "perceptual: the feature network's LPIPS-style"
		+ " distance (the StyleGAN2 projector's); pixel: mean squared difference; perceptual+pixel (default): their sum, which keeps"
		+ " thin or dark objects from collapsing to dark reconstructions")
	private String distance = "perceptual+pixel";

	@Parameter(label = "W+ (one w per layer)", description = "More faithful reconstructions, less 'typical' latents")
	private boolean w_plus = false;

	@Parameter(label = "Optimise noise maps")
	private boolean optimize_noise = true;

	@Parameter(label = "Class", required = false, description = "Of a conditional model: the class to project into (name or number)")
	private String class_name = "";

	@Parameter(label = "Feature network", style = "open", required = false, description = "For the perceptual distance"
		+ " (empty: the built-in models/fashion-mnist-classifier.zip)")
	private File feature_network;

	@Parameter(label = "Non-square images", choices = {"crop", "pad", "resize"})
	private String fit = "crop";

	@Parameter(label = "Seed", min = "0")
	private int seed = 0;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu:0", "gpu:1"})
	private String device = "auto";

	@Parameter(type = ItemIO.OUTPUT, label = "Reconstructions")
	private ImagePlus reconstructions;

	@Parameter(type = ItemIO.OUTPUT, label = "Reconstructions (Img)")
	private Img<?> reconstruction_img;

	@Parameter(type = ItemIO.OUTPUT, label = "Projection file")
	private String projection_file;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	@Override
	public void run() {
		Path temp = null;
		try {
			ProjectionJob job = new ProjectionJob();
			if (model == null || model.getPath().isEmpty()) throw new IllegalArgumentException("no model file given");
			if (output_folder == null || output_folder.getPath().isEmpty()) throw new IllegalArgumentException("no output folder given");
			job.model = model.toPath();
			job.out = output_folder.toPath();
			if (source.equals("folder")) {
				if (image_folder == null || image_folder.getPath().isEmpty()) throw new IllegalArgumentException("choose the image folder");
				job.images = image_folder.toPath();
			} else {
				ImagePlus current = WindowManager.getCurrentImage();
				if (current == null) throw new IllegalArgumentException("no image is open; open one or choose Images = folder");
				temp = Files.createTempDirectory("stylegan-project");
				String name = current.getTitle().replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("\\.(tif|tiff|png|jpg|jpeg)$", "");
				ImageFiles.saveTiff(current, temp.resolve(name + ".tif")); // read back like any folder: same fit and intensity mapping
				job.images = temp;
			}
			job.featureNetwork = perceptualDistance() ? DefaultFiles.featureNetwork(feature_network) : null;
			job.device = Devices.parse(device);
			job.className = class_name;
			job.imageOptions.fit = ImageFolder.Fit.valueOf(fit.toUpperCase(java.util.Locale.ROOT));
			Projector.Options o = job.options;
			o.steps = steps;
			o.distance = Projector.Distance.parse(distance);
			o.perLayer = w_plus;
			o.optimizeNoise = optimize_noise;
			o.seed = seed;
			ProjectionJob.Outcome r = job.run(new CommandProgress(this, status, log));
			log.info(r.summary);
			projection_file = r.latentsFile.toString();
			reconstructions = ImageConversion.toImagePlus(r.reconstructions, r.dataRange, ImageConversion.Values.DATA_TYPE, "Reconstructions");
			reconstruction_img = ImageConversion.toImg(r.reconstructions, r.dataRange, ImageConversion.Values.DATA_TYPE);
			String[] names = r.result.latents.names;
			int channels = reconstructions.getStackSize() / r.reconstructions.n;
			for (int i = 0; i < r.reconstructions.n; i++)
				for (int c = 0; c < channels; c++)
					reconstructions.getStack().setSliceLabel(String.format(Locale.ROOT, "%s PSNR %.1f dB SSIM %.3f",
						names == null ? "image " + (i + 1) : names[i], r.psnr[i], r.ssim[i]), i * channels + c + 1);
			reconstructions.setProperty("Info", "StyleGAN for Fiji projection\nprojection_file=" + projection_file + "\n" + r.summary + "\n");
			status.showStatus("Project Image: done");
		} catch (CancellationException e) {
			cancel("Canceled");
		} catch (IllegalArgumentException | IOException e) {
			reconstructions = null;
			reconstruction_img = null;
			log.error(e.getMessage());
			status.showStatus("StyleGAN: " + e.getMessage());
			cancel(e.getMessage());
		} finally {
			if (temp != null) deleteQuietly(temp);
		}
	}

	private boolean perceptualDistance() {
		return Projector.Distance.parse(distance).needsFeatureNetwork();
	}

	private static void deleteQuietly(Path dir) {
		try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
			s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
		} catch (IOException e) {
			// a temporary folder; the system cleans it eventually
		}
	}
}

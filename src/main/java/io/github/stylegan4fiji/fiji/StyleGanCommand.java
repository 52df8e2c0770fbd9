package io.github.stylegan4fiji.fiji;

import ai.djl.Device;
import ij.ImagePlus;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.Sampler;
import net.imglib2.img.Img;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.util.concurrent.CancellationException;

/**
 * What the sampling commands share: the model file, the device, the output type, cancel, progress
 * and the two outputs ({@code Img} stack and {@code ImagePlus}). Subclasses only say what to render.
 * Field names are the macro keys.
 */
public abstract class StyleGanCommand extends ContextCommand {

	@Parameter(label = "Model file", description = "A StyleGAN model (.zip) made by Train StyleGAN", style = "open")
	protected File model;

	@Parameter(label = "Class", required = false, description = "Of a conditional model: a class name or number (Model Info lists them);"
		+ " empty: seed s makes class s mod the number of classes. Leave empty for models trained without classes.")
	protected String class_name = "";

	@Parameter(label = "Output values", description = "Model range (-1..1), or mapped back to the training data's intensities",
		choices = {ImageConversion.FLOAT, ImageConversion.DATA, ImageConversion.DATA_FLOAT})
	protected String output_type = ImageConversion.DATA;

	@Parameter(label = "Device", description = "auto (GPU if available), cpu, or gpu:N", choices = {"auto", "cpu", "gpu:0", "gpu:1"})
	protected String device = "auto";

	@Parameter(label = "Batch size", description = "Images rendered at once (memory vs. speed)", min = "1")
	protected int batch_size = 16;

	@Parameter(label = "Make montage", description = "Also output one image of all results side by side (8-bit or RGB)")
	protected boolean montage = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Montage")
	protected ImagePlus montage_image;

	@Parameter(type = ItemIO.OUTPUT, label = "Images")
	protected Img<?> images;

	@Parameter(type = ItemIO.OUTPUT, label = "Image")
	protected ImagePlus image;

	@Parameter
	protected LogService log;

	@Parameter
	protected StatusService status;

	/** What to render with the loaded model; the result becomes the outputs. */
	protected abstract Images render(Sampler sampler) throws IOException;

	/** The montage of the results; subclasses with a figure layout of their own override it. */
	protected ImagePlus makeMontage(Sampler sampler, Images img) {
		int cols = (int) Math.min(img.n, Math.max(1, Math.round(Math.ceil(Math.sqrt(img.n)))));
		return ImageFiles.montage(img, cols, 1, title() + " (montage)");
	}

	/** A label per output image (e.g. "seed 42"), or null; shown in ImageJ and saved as slice labels. */
	protected String[] imageLabels(Sampler s) {
		return null;
	}

	/** " class NAME" for slice labels of image {@code seed} (the set class, else seed mod classes); "" if unconditional. */
	protected static String classOf(Sampler s, long seed) {
		int[] k = s.classesOf(new long[] {seed});
		return k == null ? "" : " class " + s.model().config.className(k[0]);
	}

	/** The class chosen in the dialog (−1: none). */
	/** An optional file field: given when set and not empty (IJ1 dialogs and macros pass an empty path for none). */
	protected static boolean given(File f) {
		return f != null && !f.getPath().isEmpty();
	}

	protected static int chosenClass(Sampler s, String name) {
		return name == null || name.trim().isEmpty() ? -1 : s.model().config.classIndex(name);
	}

	private void label(ImagePlus imp, int n, Sampler s) {
		String[] labels = imageLabels(s);
		if (labels == null || labels.length != n) return;
		int channels = imp.getStackSize() / n;
		for (int i = 0; i < n; i++)
			for (int c = 0; c < channels; c++)
				imp.getStack().setSliceLabel(labels[i] + (channels > 1 ? " c" + (c + 1) : ""), i * channels + c + 1);
	}

	/**
	 * The reproducibility record: the macro call that makes these images again (every parameter of
	 * this command), the model's identity and training progress, and the engine that ran.
	 */
	String record(StyleGanModel m, Sampler s) {
		StringBuilder call = new StringBuilder();
		for (Class<?> c = getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
			for (java.lang.reflect.Field f : c.getDeclaredFields()) {
				Parameter p = f.getAnnotation(Parameter.class);
				if (p == null || p.type() != ItemIO.INPUT || org.scijava.service.Service.class.isAssignableFrom(f.getType())) continue;
				try {
					f.setAccessible(true);
					Object v = f.get(this);
					if (v == null) continue;
					String text = v instanceof File ? ((File) v).getAbsolutePath() : String.valueOf(v);
					call.append(call.length() == 0 ? "" : " ").append(f.getName()).append('=')
						.append(text.matches("[^\\s\\[\\]]+") ? text : "[" + text + "]");
				} catch (IllegalAccessException e) {
					// not recorded
				}
			}
		}
		Plugin plugin = getClass().getAnnotation(Plugin.class);
		String label = plugin == null ? getClass().getSimpleName() : plugin.label();
		return String.format(java.util.Locale.ROOT, "StyleGAN for Fiji%nmacro=run(\"%s\", \"%s\");%nmodel=%s%nmodel_kimg=%.1f%n"
			+ "graph_version=%d%nengine=%s%n", label, call, model.getAbsolutePath(), m.progress.kimg, m.config.graphVersion,
			s.describeDevice());
	}

	/** The title of the outputs. */
	protected abstract String title();

	/** Checks the parameters before any work, throwing IllegalArgumentException with a clear message. */
	protected void validate() {}

	@Override
	public void run() {
		try {
			validate();
			ImageConversion.Values values = ImageConversion.Values.parse(output_type);
			Device dev = Devices.parse(device);
			if (model == null) throw new IllegalArgumentException("no model file given");
			try (StyleGanModel m = ModelFile.load(model.toPath(), dev); Sampler s = new Sampler(m, dev)) {
				s.batchSize(batch_size);
				s.progress(new CommandProgress(this, status, log)); // progress and cancel (incl. Esc) for every command
				s.classLabel(chosenClass(s, class_name));

				log.info(getClass().getSimpleName() + ": " + model + " on " + s.describeDevice());
				Images img = render(s);
				images = ImageConversion.toImg(img, m.dataRange, values);
				image = ImageConversion.toImagePlus(img, m.dataRange, values, title());
				label(image, img.n, s);
				image.setProperty("Info", record(m, s)); // saved in the TIFF: how to make these images again
				if (montage) montage_image = makeMontage(s, img);
				status.showStatus(title() + ": done");
			}
		} catch (CancellationException e) {
			cancel("Canceled");
		} catch (IllegalArgumentException | IOException e) {
			fail(e.getMessage());
		}
	}

	/** Reports a problem to the user (dialog/log/macro) and marks the command as failed, with no output. */
	protected void fail(String message) {
		images = null;
		image = null;
		montage_image = null;
		if (log != null) log.error(message);
		if (status != null) status.showStatus("StyleGAN: " + message);
		cancel(message);
	}

}

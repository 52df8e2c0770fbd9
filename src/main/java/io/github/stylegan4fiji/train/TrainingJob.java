package io.github.stylegan4fiji.train;

import ai.djl.Device;
import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.data.LabelledImages;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.io.ModelFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One training run as the command line and Fiji describe it: data folder, output folder, data
 * options, architecture and training options for a new run, or a checkpoint to resume. Both front
 * ends fill this object and call {@link #run}, so they cannot drift apart.
 * <p>
 * Resuming takes the architecture (resolution, channels, widths) and the training options from the
 * checkpoint; only the run length may change, and only when {@link #totalKimg} is set.
 */
public final class TrainingJob {

	/** Default length of a new run when none is given. */
	public static final double DEFAULT_KIMG = 200;

	public Path data;
	public Path out;
	public ImageFolder.Options dataOptions = new ImageFolder.Options();
	/**
	 * Class labels for a conditional model: one subfolder of {@link #data} per class. A resumed
	 * conditional run reads its data this way unless {@link #labelsCsv} is set.
	 */
	public boolean classesFromSubfolders;
	/** Class labels from a CSV file of file,label lines (instead of subfolders). */
	public Path labelsCsv;
	/** Architecture of a new run (channels are taken from the data). */
	public StyleGanConfig architecture = new StyleGanConfig();
	/** Options of a new run; a resumed run keeps those of its checkpoint. */
	public TrainingOptions options;
	/** Checkpoint to resume, or null for a new run. */
	public Path resume;
	/** Total length in kimg; NaN or ≤ 0: {@link #DEFAULT_KIMG} for a new run, the stored length when resuming. */
	public double totalKimg = Double.NaN;
	/** A resolution the user asked for explicitly (0: none); resuming refuses one that differs from the checkpoint's. */
	public int requestedResolution;
	public Device device = Device.cpu();

	private boolean lengthGiven() {
		return Double.isFinite(totalKimg) && totalKimg > 0;
	}

	/** Checks everything that can be checked before data is read; returns the resolution to load the data at. */
	int prepare() throws IOException {
		if (data == null || out == null) throw new IllegalArgumentException("choose an image folder and an output folder");
		if (resume != null) {
			StyleGanConfig stored = ModelFile.readManifest(resume).config;
			if (stored.isConditional() && labelsCsv == null) classesFromSubfolders = true; // the run's data keeps its classes
			if (requestedResolution > 0 && requestedResolution != stored.resolution)
				throw new IllegalArgumentException("the checkpoint " + resume + " is a " + stored.resolution + "² model; a resumed run"
					+ " keeps its architecture (resolution " + requestedResolution + " was asked for)");
			return stored.resolution;
		}
		if (options == null) throw new IllegalArgumentException("no training options");
		if (classesFromSubfolders && labelsCsv != null)
			throw new IllegalArgumentException("class labels come from subfolders or from a CSV file, not both");
		options.totalKimg = lengthGiven() ? totalKimg : DEFAULT_KIMG;
		options.validate();
		architecture.validate(); // e.g. an unsupported resolution: said before any image is decoded
		return architecture.resolution;
	}

	private Dataset loadData(int resolution, TrainingListener listener) throws IOException {
		boolean labelled = classesFromSubfolders || labelsCsv != null;
		if (labelled && dataOptions.streamCache != null)
			throw new IllegalArgumentException("class labels and keeping the images on disk (stream) cannot be combined yet;"
				+ " load the images into memory (lower the resolution or use fewer images if memory is short)");
		Dataset ds;
		if (labelsCsv != null) ds = LabelledImages.loadCsv(data, labelsCsv, resolution, dataOptions, listener::log).images;
		else if (classesFromSubfolders) ds = LabelledImages.loadFolder(data, resolution, dataOptions, listener::log).images;
		else return ImageFolder.load(data, resolution, dataOptions, listener::log);
		listener.log("Classes: " + ds.summary().substring(ds.summary().indexOf("; ") + 2));
		return ds;
	}

	/** Locks the output folder, loads the data, starts or resumes, and trains until done or the listener cancels. */
	public TrainingStatus run(TrainingListener listener) throws IOException {
		int resolution = prepare();
		// locked before the data is read (a streamed cache lives in the output folder); the trainer re-enters it
		try (FolderLock lock = FolderLock.acquire(out, "training")) {
			Dataset ds = loadData(resolution, listener);
			Trainer trainer;
			if (resume != null) {
				trainer = Trainer.resume(resume, ds, out, device, lengthGiven() ? totalKimg : 0);
				listener.log("Resuming " + resume + " at " + String.format(java.util.Locale.ROOT, "%.1f", trainer.kimg()) + " of "
					+ trainer.options().totalKimg + " kimg" + (lengthGiven() ? "" : " (the stored length)"));
			} else {
				architecture.channels = ds.channels;
				architecture.labelSize = ds.isLabelled() ? ds.classNames.size() : 0;
				architecture.classNames = ds.isLabelled() ? ds.classNames : null;
				architecture.validate();
				trainer = Trainer.start(architecture, options, ds, out, device);
			}
			try (Trainer t = trainer) {
				AtomicFiles.write(out.resolve("training-options.json"), Json.GSON.toJson(t.options()).getBytes(StandardCharsets.UTF_8));
				return t.run(listener);
			}
		}
	}
}

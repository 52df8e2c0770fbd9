package io.github.stylegan4fiji.fiji;

import ij.measure.ResultsTable;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.metrics.MetricJob;
import io.github.stylegan4fiji.metrics.Metrics;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import io.github.stylegan4fiji.io.AtomicFiles;

/**
 * FID, KID, precision/recall, PPL and linear separability of a model (official definitions; see
 * docs/metrics.md). Values go to the log, the Results table (one row, a column per metric, for
 * macros: {@code getResult("fid", nResults-1)}) and optionally a JSON file.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Compute Metrics", label = "Compute Metrics")
public class ComputeMetricsCommand extends ContextCommand {

	@Parameter(label = "Model file", description = "A StyleGAN model (.zip)", style = "open")
	private File model;

	@Parameter(label = "Metrics", description = "Comma-separated: fid, kid, pr, ppl_zfull, ppl_wfull, ppl_zend, ppl_wend, ls;"
		+ " cls = classifier check of a conditional model (images of each class classified by the feature network)")
	private String metrics = "fid";

	@Parameter(label = "Feature network", style = "open", required = false,
		description = "Built-in classifier file (e.g. one trained on your labelled folders); empty: models/fashion-mnist-classifier.zip")
	private File feature_network;

	@Parameter(label = "Real images folder", style = "directory", required = false,
		description = "For FID/KID/P&R: read at the model's resolution with its intensity mapping; statistics are cached")
	private File real_images;

	@Parameter(label = "Include subfolders", required = false)
	private boolean include_subfolders = false;

	@Parameter(label = "Real statistics file", style = "open", required = false,
		description = "Instead of a folder: statistics saved earlier (.stats.zip)")
	private File real_statistics;

	@Parameter(label = "Save real statistics to", style = "save", required = false,
		description = "Optional: keep the real statistics as a file to reuse on another machine")
	private File save_statistics;

	@Parameter(label = "Generated images (FID/KID/P&R)", min = "2", description = "50000 in the official metrics")
	private int generated_images = 50_000;

	@Parameter(label = "PPL pairs", min = "1", description = "50000 in the official PyTorch code")
	private int ppl_pairs = 50_000;

	@Parameter(label = "PPL face crop", description = "Crop to the official face region before PPL (only for aligned faces)")
	private boolean ppl_crop = false;

	@Parameter(label = "LS samples", min = "4", description = "200000 in the official code; the confident half per class is used")
	private int ls_samples = 200_000;

	@Parameter(label = "Class", required = false, description = "Of a conditional model: only images of this class (name or number;"
		+ " compare with real images of that class); empty: all classes")
	private String class_name = "";

	@Parameter(label = "Seed", min = "0")
	private int seed = 0;

	@Parameter(label = "Truncation psi", min = "-2", max = "2", stepSize = "0.1", description = "1 = off, as the official metrics")
	private double psi = 1.0;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu:0", "gpu:1"})
	private String device = "auto";

	@Parameter(label = "Batch size", min = "1")
	private int batch_size = 64;

	@Parameter(label = "Results file (JSON)", style = "save", required = false)
	private File results_file;

	@Parameter(type = ItemIO.OUTPUT, label = "Metrics")
	private String results;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	/** An optional file field: unset, or left empty in a dialog or macro. */
	private static java.nio.file.Path optional(File f) {
		return f == null || f.getPath().isEmpty() ? null : f.toPath();
	}

	@Override
	public void run() {
		try {
			MetricJob job = new MetricJob();
			job.model = optional(model);
			job.featureNetwork = DefaultFiles.featureNetwork(feature_network);
			job.data = optional(real_images);
			job.recursive = include_subfolders;
			job.realStats = optional(real_statistics);
			job.saveRealStats = optional(save_statistics);
			job.device = Devices.parse(device);
			job.className = class_name;
			Metrics.Options o = job.options;
			o.metrics = Metrics.parseList(metrics);
			o.numGenerated = generated_images;
			o.pplSamples = ppl_pairs;
			o.pplCrop = ppl_crop;
			o.lsSamples = ls_samples;
			o.seed = seed;
			o.batchSize = batch_size;
			o.truncation = new Truncation(psi, 0);
			if (job.data != null && job.realStats != null)
				throw new IllegalArgumentException("give a real images folder or a statistics file, not both");
			Metrics.Result r = job.run(new CommandProgress(this, status, log));
			results = Metrics.format(r);
			log.info(results);
			if (optional(results_file) != null)
				AtomicFiles.write(results_file.toPath(), Json.GSON.toJson(r).getBytes(StandardCharsets.UTF_8));
			ResultsTable rt = ResultsTable.getResultsTable();
			if (rt != null) {
				rt.incrementCounter();
				rt.addValue("model", model.getName());
				if (class_name != null && !class_name.trim().isEmpty()) rt.addValue("class", class_name.trim());
				r.values.forEach(rt::addValue);
				if (!java.awt.GraphicsEnvironment.isHeadless()) rt.show("Results");
			}
			status.showStatus("StyleGAN metrics: done");
		} catch (CancellationException e) {
			cancel("Canceled");
		} catch (IllegalArgumentException | IOException e) {
			results = null;
			log.error(e.getMessage());
			status.showStatus("StyleGAN: " + e.getMessage());
			cancel(e.getMessage());
		}
	}
}

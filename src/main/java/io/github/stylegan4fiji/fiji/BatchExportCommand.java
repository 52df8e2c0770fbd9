package io.github.stylegan4fiji.fiji;

import ai.djl.Device;
import ij.ImagePlus;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.SeedList;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes one TIFF per seed to a folder (a synthetic dataset), in batches. Restartable: files already
 * there are kept and skipped; each file is written under a temporary name and renamed. Deterministic
 * per seed: noise is seeded by the image's own seed ("seeded") unless chosen otherwise.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Batch Export", label = "Batch Export")
public class BatchExportCommand extends ContextCommand {

	@Parameter(label = "Model file", style = "open")
	private File model;

	@Parameter(label = "Output folder", style = "directory")
	private File output_folder;

	@Parameter(label = "Seeds", description = "e.g. 0-9999")
	private String seeds = "0-99";

	@Parameter(label = "Class", required = false, description = "Of a conditional model: a class name or number;"
		+ " empty: seed s makes class s mod the number of classes")
	private String class_name = "";

	@Parameter(label = "Truncation psi", min = "-2", max = "2", stepSize = "0.1")
	private double psi = 1.0;

	@Parameter(label = "Truncation cutoff", min = "0")
	private int cutoff = Truncation.OFFICIAL_CUTOFF;

	@Parameter(label = "Noise", description = "seeded (by the image's seed), const, none", choices = {"seeded", "const", "none"})
	private String noise = "seeded";

	@Parameter(label = "Output values", choices = {ImageConversion.DATA, ImageConversion.DATA_FLOAT, ImageConversion.FLOAT})
	private String output_type = ImageConversion.DATA;

	@Parameter(label = "Device", choices = {"auto", "cpu", "gpu:0", "gpu:1"})
	private String device = "auto";

	@Parameter(label = "Batch size", min = "1")
	private int batch_size = 32;

	@Parameter(type = ItemIO.OUTPUT, label = "Images written")
	private int written;

	@Parameter(type = ItemIO.OUTPUT, label = "Images skipped (already there)")
	private int skipped;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	static String fileName(long seed, String className, double psi, int cutoff, String noise) {
		String cls = className == null || className.trim().isEmpty() ? "" : "_class-" + className.trim().replaceAll("[^A-Za-z0-9._-]+", "_");
		return String.format(Locale.ROOT, "seed%010d%s_psi%s%s_noise-%s.tif", seed, cls, psi, cutoff > 0 ? "_cutoff" + cutoff : "", noise);
	}

	@Override
	public void run() {
		try {
			long[] all = SeedList.parse(seeds);
			Truncation t = new Truncation(psi, cutoff);
			if (output_folder == null) throw new IllegalArgumentException("no output folder given");
			Path dir = output_folder.toPath();
			if (Files.exists(dir) && !Files.isDirectory(dir))
				throw new IOException("Output folder " + dir + " is a file, not a folder; choose a folder");
			Files.createDirectories(dir);
			if (!Files.isWritable(dir)) throw new IOException("Output folder " + dir + " cannot be written");
			try (FolderLock lock = FolderLock.acquire(dir, "Batch Export")) {
				int removed = AtomicFiles.removeLeftovers(dir);
				if (removed > 0) log.info("Batch Export: removed " + removed + " unfinished file(s) of an interrupted run");
				export(all, t, dir);
			}
		} catch (IllegalArgumentException | IOException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
		}
	}

	private void export(long[] all, Truncation t, Path dir) throws IOException {
		CommandProgress progress = new CommandProgress(this, status, log); // cancel includes Esc
		ImageConversion.Values values = ImageConversion.Values.parse(output_type);
		{
			List<Long> todo = new ArrayList<>();
			for (long s : all) {
				if (Files.exists(dir.resolve(fileName(s, class_name, psi, cutoff, noise)))) skipped++;
				else todo.add(s);
			}
			log.info("Batch Export: " + todo.size() + " to write, " + skipped + " already in " + dir);
			Device dev = Devices.parse(device);
			try (StyleGanModel m = ModelFile.load(model.toPath(), dev); Sampler s = new Sampler(m, dev)) {
				s.batchSize(batch_size);
				if (class_name != null && !class_name.trim().isEmpty()) s.classLabel(m.config.classIndex(class_name));
				for (int b0 = 0; b0 < todo.size(); b0 += batch_size) {
					if (progress.cancelled()) return;
					int b = Math.min(batch_size, todo.size() - b0);
					long[] batch = new long[b];
					for (int i = 0; i < b; i++) batch[i] = todo.get(b0 + i);
					NoiseSpec spec = "seeded".equals(noise) ? NoiseSpec.perSample(batch) : NoiseSpec.parseMode(noise);
					Images img = s.generate(batch, t, spec);
					for (int i = 0; i < b; i++) {
						String name = fileName(batch[i], class_name, psi, cutoff, noise);
						ImagePlus imp = ImageConversion.toImagePlus(img.slice(i, 1), m.dataRange, values, name);
						int[] k = s.classesOf(new long[] {batch[i]});
						imp.setProperty("Info", String.format(Locale.ROOT,
							"stylegan_model=%s%nseed=%d%n%spsi=%s%ncutoff=%d%nnoise=%s%nkimg=%.1f%noutput=%s%n",
							model.getName(), batch[i], k == null ? "" : "class=" + m.config.className(k[0]) + "\n", psi, cutoff, noise,
							m.progress.kimg, output_type));
						ImageFiles.saveTiff(imp, dir.resolve(name)); // complete or absent: a restart skips only finished files
						written++;
					}
					progress.update("Batch Export", b0 + b, todo.size());
				}
			}
			log.info("Batch Export: wrote " + written + ", skipped " + skipped);
		}
	}
}

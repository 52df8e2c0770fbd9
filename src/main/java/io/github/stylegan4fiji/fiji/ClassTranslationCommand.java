package io.github.stylegan4fiji.fiji;

import ij.ImagePlus;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.io.ProjectionFile;
import io.github.stylegan4fiji.sampling.ClassTranslation;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.ProjectedLatents;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.SeedList;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.util.Locale;

/**
 * Class translation of a conditional model: for each seed, the same z and noise rendered under class
 * A (Class) and moved in W to class B in a number of steps — what changes between two conditions
 * for the same latent (Lamiable et al., Nat Commun 2023). Outputs the frames (seeds × steps), a
 * montage with one row per seed, and the difference B − A per seed. With a projection file, the
 * projected real images take the seeds' place (translated by the class-centroid shift).
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Class Translation", label = "Class Translation")
public class ClassTranslationCommand extends StyleGanCommand {

	@Parameter(label = "To class", description = "Class B (name or number); the translation starts at Class (A)")
	private String to_class = "1";

	@Parameter(label = "Seeds", description = "Seeds and ranges, e.g. 0-7")
	private String seeds = "0-7";

	@Parameter(label = "Projected latents", required = false, style = "open", description = "A projection file (Project Image)"
		+ " into a class of this model: translate those real images instead of seeds, from the class they were projected"
		+ " into (Class is then ignored), by the class-centroid shift")
	private File latents_file;

	@Parameter(label = "Steps", description = "Frames from A to B, both ends included", min = "2")
	private int steps = 8;

	@Parameter(label = "Centroid shift", description = "Move w by the difference of the two classes' average w"
		+ " instead of toward w(z, B)")
	private boolean centroid_shift = false;

	@Parameter(label = "Truncation psi", description = "Toward the class centres along the path; 1 = none", min = "-2", max = "2", stepSize = "0.1")
	private double psi = 1.0;

	@Parameter(label = "Truncation cutoff", min = "0")
	private int cutoff = Truncation.OFFICIAL_CUTOFF;

	@Parameter(type = ItemIO.OUTPUT, label = "Difference (B - A)")
	private ImagePlus difference;

	/** The projection file's latents, read once by {@link #render} (null: seeds). */
	private ProjectedLatents projected;

	@Override
	protected void validate() {
		SeedList.parse(seeds);
		new Truncation(psi, cutoff);
		if (steps < 2) throw new IllegalArgumentException("steps must be ≥ 2");
		if (!given(latents_file) && (class_name == null || class_name.trim().isEmpty()))
			throw new IllegalArgumentException("choose the class to start from (Class) and the one to go to (To class)");
	}

	@Override
	protected Images render(Sampler s) throws IOException {
		int to = s.model().config.classIndex(to_class);
		Truncation t = new Truncation(psi, cutoff);
		int rows;
		Images frames;
		if (given(latents_file)) {
			projected = ProjectionFile.load(latents_file.toPath());
			rows = projected.n;
			frames = s.translate(projected, to, steps, t);
		} else {
			long[] list = SeedList.parse(seeds);
			rows = list.length;
			frames = s.translate(list, s.classLabel(), to, steps, centroid_shift, t);
		}
		Images diff = ClassTranslation.endDifference(frames, rows, steps);
		difference = ImageConversion.toImagePlus(diff, s.model().dataRange, ImageConversion.Values.MODEL_FLOAT, title() + " difference");
		return frames;
	}

	@Override
	protected String[] imageLabels(Sampler s) {
		StyleGanConfig c = s.model().config;
		String[] rows;
		String a;
		if (projected != null) {
			ProjectedLatents p = projected;
			rows = new String[p.n];
			for (int i = 0; i < p.n; i++) rows[i] = p.names != null && i < p.names.length ? p.names[i] : "image " + (i + 1);
			a = c.className(p.classLabel);
		} else {
			long[] list = SeedList.parse(seeds);
			rows = new String[list.length];
			for (int i = 0; i < list.length; i++) rows[i] = "seed " + list[i];
			a = c.className(s.classLabel());
		}
		String b = c.className(c.classIndex(to_class));
		String[] l = new String[rows.length * steps];
		for (int i = 0; i < rows.length; i++)
			for (int f = 0; f < steps; f++)
				l[i * steps + f] = String.format(Locale.ROOT, "%s %s→%s t=%.3f", rows[i], a, b, f / (double) (steps - 1));
		return l;
	}

	@Override
	protected ImagePlus makeMontage(Sampler s, Images img) {
		return ImageFiles.montage(img, steps, 1, title() + ", rows: " + (projected != null ? "projected images" : "seeds") + ", columns: A → B (montage)");
	}

	@Override
	protected String title() {
		return "StyleGAN class translation " + (given(latents_file) ? "of projected images" : class_name) + " to " + to_class;
	}
}

package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import io.github.stylegan4fiji.io.ProjectionFile;

/** Frames from one seed to another: spherical in Z or linear in W; noise fixed across frames. */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Interpolation", label = "Interpolation")
public class InterpolationCommand extends StyleGanCommand {

	@Parameter(label = "From seed", min = "0")
	private long seed_a = 0;

	@Parameter(label = "To seed", min = "0")
	private long seed_b = 1;

	@Parameter(label = "Class of the end", required = false, description = "Of a conditional model: the class at 'To seed'"
		+ " (name or number); empty: as the start (Class). Interpolates across classes.")
	private String class_b = "";

	@Parameter(label = "Projected latents", required = false, style = "open", description = "A projection file (Project Image):"
		+ " interpolate between two of its real images; From/To seed are then image numbers (0-based) in the file")
	private java.io.File latents_file;

	@Parameter(label = "Frames", min = "2")
	private int frames = 16;

	@Parameter(label = "Space", choices = {"Z (slerp)", "W (lerp)"})
	private String space = "W (lerp)";

	@Parameter(label = "Truncation psi", min = "-2", max = "2", stepSize = "0.1")
	private double psi = 0.7;

	@Override
	protected void validate() {
		new NumpyRandom(seed_a);
		new NumpyRandom(seed_b);
		if (frames < 2) throw new IllegalArgumentException("frames must be ≥ 2");
	}

	@Override
	protected Images render(Sampler s) throws java.io.IOException {
		if (given(latents_file))
			return s.interpolate(ProjectionFile.load(latents_file.toPath()), (int) seed_a, (int) seed_b, frames,
				new Truncation(psi, 0));
		int[] k = s.classesOf(new long[] {seed_a, seed_b});
		int kb = chosenClass(s, class_b);
		return s.interpolate(seed_a, k == null ? -1 : k[0], seed_b, k == null ? -1 : kb >= 0 ? kb : k[1], frames,
			space.startsWith("W"), new Truncation(psi, 0), NoiseSpec.seeded(0));
	}

	@Override
	protected String[] imageLabels(Sampler s) {
		String[] l = new String[frames];
		for (int i = 0; i < frames; i++)
			l[i] = String.format(java.util.Locale.ROOT, "%s %d → %d, t=%.3f", given(latents_file)
				? "projected" : "seed", seed_a, seed_b, i / (double) (frames - 1));
		return l;
	}

	@Override
	protected String title() {
		return "StyleGAN interpolation " + seed_a + "-" + seed_b;
	}
}

package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.SeedList;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import io.github.stylegan4fiji.io.ProjectionFile;

/** Images from seeds: z = RandomState(seed).randn, truncation ψ with a layer cutoff, noise mode. */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Generate Images", label = "Generate Images")
public class GenerateImagesCommand extends StyleGanCommand {

	@Parameter(label = "Seeds", description = "Seeds and ranges, e.g. 1-16,42 (0…4294967295)")
	private String seeds = "0-15";

	@Parameter(label = "Projected latents", required = false, style = "open", description = "A projection file (Project Image):"
		+ " render its real images' latents instead of seeds (psi 1 = the reconstructions)")
	private java.io.File latents_file;

	@Parameter(label = "Truncation psi", description = "w' = w_avg + psi (w - w_avg); 1 = no truncation", min = "-2", max = "2", stepSize = "0.1")
	private double psi = 0.7;

	@Parameter(label = "Truncation cutoff", description = "Truncate style layers below this one (8 as in the official code; 0 = all layers)", min = "0")
	private int cutoff = Truncation.OFFICIAL_CUTOFF;

	@Parameter(label = "Noise", description = "random (new every run), const (the model's fixed maps), none", choices = {"const", "random", "none"})
	private String noise = "const";

	@Override
	protected void validate() {
		SeedList.parse(seeds);
		new Truncation(psi, cutoff);
	}

	private boolean fromLatents() {
		return given(latents_file);
	}

	@Override
	protected Images render(Sampler s) throws java.io.IOException {
		if (fromLatents()) return s.render(ProjectionFile.load(latents_file.toPath()), new Truncation(psi, cutoff));
		long[] list = SeedList.parse(seeds);
		return s.generate(list, new Truncation(psi, cutoff), NoiseSpec.parseMode(noise));
	}

	@Override
	protected String[] imageLabels(Sampler s) {
		if (fromLatents()) return null;
		long[] list = SeedList.parse(seeds);
		String[] l = new String[list.length];
		for (int i = 0; i < l.length; i++) l[i] = "seed " + list[i] + classOf(s, list[i]);
		return l;
	}

	@Override
	protected String title() {
		return "StyleGAN seeds " + seeds + " psi " + psi;
	}
}

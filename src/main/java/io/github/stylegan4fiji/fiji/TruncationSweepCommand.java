package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.SeedList;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import io.github.stylegan4fiji.io.ImageFiles;

/** The paper's Figure 8: each seed at several ψ (row-major: seed by seed, ψ by ψ). */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Truncation Sweep", label = "Truncation Sweep")
public class TruncationSweepCommand extends StyleGanCommand {

	@Parameter(label = "Seeds")
	private String seeds = "0-3";

	@Parameter(label = "psi values", description = "Comma-separated, e.g. 1,0.7,0.5,0,-0.5,-1")
	private String psis = "1,0.7,0.5,0,-0.5,-1";

	@Parameter(label = "Truncation cutoff", min = "0")
	private int cutoff = 0;

	@Parameter(label = "Noise", choices = {"const", "none", "random"})
	private String noise = "const";

	static double[] parsePsis(String text) {
		String[] parts = text.split(",");
		double[] v = new double[parts.length];
		for (int i = 0; i < parts.length; i++) {
			try {
				v[i] = Double.parseDouble(parts[i].trim());
			} catch (NumberFormatException e) {
				throw new IllegalArgumentException("'" + parts[i].trim() + "' in psi values is not a number");
			}
			new Truncation(v[i], 0);
		}
		return v;
	}

	@Override
	protected void validate() {
		SeedList.parse(seeds);
		parsePsis(psis);
	}

	@Override
	protected Images render(Sampler s) {
		return s.truncationSweep(SeedList.parse(seeds), parsePsis(psis), cutoff, NoiseSpec.parseMode(noise));
	}

	/** The paper's Figure 8 layout: one row per seed, one column per ψ. */
	@Override
	protected ij.ImagePlus makeMontage(Sampler s, Images img) {
		return ImageFiles.montage(img, parsePsis(psis).length, 1, title() + ", rows: seeds, columns: psi " + psis + " (montage)");
	}

	@Override
	protected String[] imageLabels(Sampler s) {
		long[] list = SeedList.parse(seeds);
		double[] p = parsePsis(psis);
		String[] l = new String[list.length * p.length];
		for (int i = 0; i < list.length; i++)
			for (int j = 0; j < p.length; j++) l[i * p.length + j] = "seed " + list[i] + classOf(s, list[i]) + " psi " + p[j];
		return l;
	}

	@Override
	protected String title() {
		return "StyleGAN truncation sweep";
	}
}

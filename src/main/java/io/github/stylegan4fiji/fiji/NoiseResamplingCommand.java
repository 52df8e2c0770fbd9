package io.github.stylegan4fiji.fiji;

import ij.ImagePlus;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.LayerRange;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

/**
 * The paper's Figures 4 and 5: one latent rendered with many noise draws in the chosen layers (the
 * others keep one fixed draw, or get no noise at all), plus the per-pixel standard deviation.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Noise Resampling", label = "Noise Resampling")
public class NoiseResamplingCommand extends StyleGanCommand {

	@Parameter(label = "Seed", description = "The latent's seed", min = "0")
	private long seed = 0;

	@Parameter(label = "Noise draws", min = "1")
	private int draws = 16;

	@Parameter(label = "Resample noise in", description = "all, coarse, middle, fine, none, or layers like 4-7")
	private String layers = "all";

	@Parameter(label = "Other layers", description = "keep one fixed noise draw (Figure 4), or no noise at all (Figure 5)",
		choices = {"fixed noise", "no noise"})
	private String other_layers = "fixed noise";

	@Parameter(label = "Truncation psi", min = "-2", max = "2", stepSize = "0.1")
	private double psi = 1.0;

	@Parameter(type = ItemIO.OUTPUT, label = "Standard deviation")
	private ImagePlus std_map;

	@Override
	protected void validate() {
		new NumpyRandom(seed);
		if (draws < 1) throw new IllegalArgumentException("draws must be ≥ 1");
	}

	@Override
	protected Images render(Sampler s) {
		Images img = s.noiseResample(seed, draws, LayerRange.parse(layers, s.model().config.numLayers()),
			"no noise".equals(other_layers), new Truncation(psi, 0));
		std_map = ImageConversion.toImagePlus(img.stdMap(), s.model().dataRange, ImageConversion.Values.MODEL_FLOAT, "StyleGAN noise std (model units)");
		std_map.resetDisplayRange();
		return img;
	}

	@Override
	protected String[] imageLabels(Sampler s) {
		String[] l = new String[draws];
		for (int i = 0; i < draws; i++) l[i] = "seed " + seed + classOf(s, seed) + " noise draw " + (i + 1) + " in " + layers;
		return l;
	}

	@Override
	protected String title() {
		return "StyleGAN noise draws seed " + seed + " " + layers;
	}
}

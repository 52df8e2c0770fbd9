package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.io.ModelFile;
import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;
import java.util.Locale;

/** Architecture, training progress and data range of a model file, without loading its weights. */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Model Info", label = "Model Info")
public class ModelInfoCommand extends ContextCommand {

	@Parameter(label = "Model file", style = "open")
	private File model;

	@Parameter(type = ItemIO.OUTPUT, label = "Model info")
	private String info;

	@Parameter
	private LogService log;

	@Override
	public void run() {
		try {
			ModelFile.Manifest m = ModelFile.readManifest(model.toPath());
			StyleGanConfig c = m.config;
			info = String.format(Locale.ROOT,
				"%s: %d×%d, %d channel(s), %d style layers, z %d, w %d, mapping %d layers, fmap_base %d, fmap_max %d%n"
					+ "trained %.1f kimg (lod %.2f, %d steps, %.0f s)%n"
					+ "data: %s, %s normalisation, intensities %s … %s ↦ [-1, 1]%n%s%s",
				model.getName(), c.resolution, c.resolution, c.channels, c.numLayers(), c.latentSize, c.dlatentSize,
				c.mappingLayers, c.fmapBase, c.fmapMax, m.progress.kimg, m.progress.lod, m.progress.steps,
				m.progress.trainingSeconds, m.dataRange.pixelType, m.dataRange.normalization, m.dataRange.low,
				m.dataRange.high, c.isConditional() ? "classes: " + c.classList() + String.format(Locale.ROOT, "%n") : "unconditional (no classes)\n",
				Json.GSON.toJson(c));
			log.info(info);
		} catch (IOException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
		}
	}
}

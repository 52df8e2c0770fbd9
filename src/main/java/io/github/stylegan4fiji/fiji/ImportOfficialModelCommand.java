package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.io.OfficialImport;
import org.scijava.ItemIO;
import org.scijava.app.StatusService;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.io.File;
import java.io.IOException;

/**
 * Converts an official StyleGAN network pickle (NVlabs/stylegan, TensorFlow; e.g.
 * karras2019stylegan-ffhq-1024x1024.pkl or a network-snapshot-*.pkl) into a model file that every
 * StyleGAN command can use. No Python is needed. Same as {@code bin/stylegan import-official}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Import Official Model", label = "Import Official Model")
public class ImportOfficialModelCommand extends ContextCommand {

	@Parameter(label = "Official pickle (.pkl)", description = "A StyleGAN (1) network pickle of the official code: (G, D, Gs) or Gs alone",
		style = "open")
	private File pickle;

	@Parameter(label = "Model file to write (.zip)", description = "The converted model; empty: next to the pickle, named like it",
		style = "save", required = false)
	private File output;

	@Parameter(label = "Overwrite an existing file", description = "Replace the output file if it exists")
	private boolean overwrite = false;

	@Parameter(type = ItemIO.OUTPUT, label = "Import report")
	private String report;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	@Override
	public void run() {
		try {
			if (pickle == null) throw new IllegalArgumentException("No pickle file given");
			File out = output != null && !output.getPath().isEmpty() ? output
				: new File(pickle.getAbsoluteFile().getParentFile(), pickle.getName().replaceFirst("\\.pkl$", "") + ".zip");
			status.showStatus("Importing " + pickle.getName() + "…");
			report = OfficialImport.run(pickle.toPath(), out.toPath(), overwrite).summary();
			log.info(report);
			status.showStatus("Imported " + out.getName());
		} catch (IOException | RuntimeException e) {
			log.error(e.getMessage());
			status.showStatus("Import failed (see the Log)");
			cancel(e.getMessage());
		}
	}
}

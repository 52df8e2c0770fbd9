package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.EngineDoctor;
import io.github.stylegan4fiji.io.ModelFile;
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
 * Engine, device, CPU and library versions, and whether the convolutions this project runs are
 * right on this machine (the same report as {@code bin/stylegan doctor}).
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Engine Check", label = "Engine Check")
public class EngineCheckCommand extends ContextCommand {

	@Parameter(label = "Model file (optional)", description = "Check this model's convolutions; empty: a 32-px reference model",
		style = "open", required = false)
	private File model;

	@Parameter(label = "Device", description = "auto (GPU if available), cpu, or gpu:N", choices = {"auto", "cpu", "gpu:0", "gpu:1"})
	private String device = "auto";

	@Parameter(label = "Batch size", description = "Batch size of the checked convolutions (as in training)", min = "1")
	private int batch_size = 16;

	@Parameter(type = ItemIO.OUTPUT, label = "Engine report")
	private String report;

	@Parameter
	private LogService log;

	@Parameter
	private StatusService status;

	@Override
	public void run() {
		try {
			status.showStatus("StyleGAN engine check…");
			EngineDoctor.Result r = EngineDoctor.run(Devices.parse(device),
				model == null || model.getPath().isEmpty() ? null : ModelFile.readManifest(model.toPath()).config, batch_size);
			report = r.report;
			if (r.ok) log.info(report);
			else log.error(report);
			status.showStatus(r.ok ? "StyleGAN engine check: OK" : "StyleGAN engine check: PROBLEM (see the Log)");
		} catch (IOException | RuntimeException e) {
			log.error(e.getMessage());
			cancel(e.getMessage());
		}
	}
}

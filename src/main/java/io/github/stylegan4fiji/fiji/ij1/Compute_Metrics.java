package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.ComputeMetricsCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Compute Metrics in plain ImageJ 1.x (see {@link CommandShim}). */
public class Compute_Metrics extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return ComputeMetricsCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.TruncationSweepCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Truncation Sweep in plain ImageJ 1.x (see {@link CommandShim}). */
public class Truncation_Sweep extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return TruncationSweepCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.BatchExportCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Batch Export in plain ImageJ 1.x (see {@link CommandShim}). */
public class Batch_Export extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return BatchExportCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.ModelInfoCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Model Info in plain ImageJ 1.x (see {@link CommandShim}). */
public class Model_Info extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return ModelInfoCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.EngineCheckCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Engine Check in plain ImageJ 1.x (see {@link CommandShim}). */
public class Engine_Check extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return EngineCheckCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.StyleMixingCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Style Mixing in plain ImageJ 1.x (see {@link CommandShim}). */
public class Style_Mixing extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return StyleMixingCommand.class;
	}
}

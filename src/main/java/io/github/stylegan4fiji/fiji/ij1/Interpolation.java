package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.InterpolationCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Interpolation in plain ImageJ 1.x (see {@link CommandShim}). */
public class Interpolation extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return InterpolationCommand.class;
	}
}

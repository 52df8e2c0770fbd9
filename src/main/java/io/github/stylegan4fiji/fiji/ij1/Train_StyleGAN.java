package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.TrainCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Train StyleGAN in plain ImageJ 1.x (see {@link CommandShim}). */
public class Train_StyleGAN extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return TrainCommand.class;
	}
}

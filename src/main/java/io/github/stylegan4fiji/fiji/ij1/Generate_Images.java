package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.GenerateImagesCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Generate Images in plain ImageJ 1.x (see {@link CommandShim}). */
public class Generate_Images extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return GenerateImagesCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.NoiseResamplingCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Noise Resampling in plain ImageJ 1.x (see {@link CommandShim}). */
public class Noise_Resampling extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return NoiseResamplingCommand.class;
	}
}

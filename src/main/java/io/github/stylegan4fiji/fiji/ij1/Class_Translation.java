package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.ClassTranslationCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Class Translation in plain ImageJ 1.x (see {@link CommandShim}). */
public class Class_Translation extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return ClassTranslationCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.ImportOfficialModelCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Import Official Model in plain ImageJ 1.x (see {@link CommandShim}). */
public class Import_Official_Model extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return ImportOfficialModelCommand.class;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import io.github.stylegan4fiji.fiji.ProjectImageCommand;
import org.scijava.command.Command;

/** Plugins&gt;StyleGAN&gt;Project Image in plain ImageJ 1.x (see {@link CommandShim}). */
public class Project_Image extends CommandShim {
	@Override
	protected Class<? extends Command> command() {
		return ProjectImageCommand.class;
	}
}

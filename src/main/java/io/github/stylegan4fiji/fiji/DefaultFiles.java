package io.github.stylegan4fiji.fiji;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Files the commands use when the user leaves a field empty: the built-in feature network
 * {@code models/fashion-mnist-classifier.zip}, looked up under the project folder (command line,
 * {@code stylegan.root}), ImageJ's folder ({@code ij.dir}; bin/install-imagej copies it there) and
 * the working folder.
 */
final class DefaultFiles {

	static final String FEATURE_NETWORK = "models/fashion-mnist-classifier.zip";

	private DefaultFiles() {}

	/** The given file, or the built-in feature network where it is found; a clear error if neither. */
	static Path featureNetwork(File given) {
		if (given != null && !given.getPath().isEmpty()) return given.toPath();
		for (String root : new String[] {System.getProperty("stylegan.root"), System.getProperty("ij.dir"), "."}) {
			if (root == null) continue;
			Path p = Paths.get(root).resolve(FEATURE_NETWORK);
			if (Files.isRegularFile(p)) return p;
		}
		throw new IllegalArgumentException("no feature network given, and the built-in " + FEATURE_NETWORK + " is not in ImageJ's folder"
			+ " (bin/install-imagej copies it there); choose the file");
	}
}

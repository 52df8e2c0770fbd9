package io.github.stylegan4fiji.io;

import java.io.IOException;

/** A model (or checkpoint) file that is missing, truncated, corrupted or not ours; says which and why. */
public class ModelFormatException extends IOException {
	public ModelFormatException(String message) {
		super(message);
	}

	public ModelFormatException(String message, Throwable cause) {
		super(message, cause);
	}
}

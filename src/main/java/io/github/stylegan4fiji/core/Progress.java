package io.github.stylegan4fiji.core;

import java.util.concurrent.CancellationException;

/**
 * Progress and cancel of every long operation (sampling, metrics, training, data loading), the same
 * for the library, the command line and Fiji: one terminal adapter ({@code cli}) and one SciJava
 * adapter ({@code fiji.CommandProgress}) serve every command.
 */
@FunctionalInterface
public interface Progress {

	/** {@code done} of {@code total} units of {@code stage} (total ≤ 0: unknown). */
	void update(String stage, long done, long total);

	/** A message for the user: the Log window in Fiji, the terminal on the command line. */
	default void log(String message) {}

	/** Whether the user asked to stop; long operations poll it between batches. */
	default boolean cancelled() {
		return false;
	}

	/** Throws {@link CancellationException} when the user asked to stop. */
	default void checkCancelled() {
		if (cancelled()) throw new CancellationException("cancelled");
	}

	Progress NONE = (stage, done, total) -> {};
}

package io.github.stylegan4fiji.metrics;

import java.util.concurrent.CancellationException;

/** Progress of a metric computation and the user's wish to stop it. */
public interface MetricProgress {

	void update(String stage, long done, long total);

	default boolean cancelled() {
		return false;
	}

	/** Throws {@link CancellationException} when the user asked to stop. */
	default void checkCancelled() {
		if (cancelled()) throw new CancellationException("metrics cancelled");
	}

	MetricProgress NONE = (stage, done, total) -> {};
}

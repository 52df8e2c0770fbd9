package io.github.stylegan4fiji.train;

import io.github.stylegan4fiji.core.Progress;

import java.nio.file.Path;

/**
 * A training run's {@link Progress} (images shown of the run's length, messages, cancel) plus what
 * only training has: status lines (losses, speed) and snapshots. The command line prints them; the
 * Fiji command turns them into status, log and the training window's plot.
 */
public interface TrainingListener extends Progress {

	/** A status line: every 10 steps, at snapshots and at the end. */
	default void onStatus(TrainingStatus status) {}

	/** A snapshot (model file and sample grid) was written. */
	default void onSnapshot(Path model, Path grid, TrainingStatus status) {}

	@Override
	default void update(String stage, long done, long total) {}

	TrainingListener NONE = new TrainingListener() {};
}

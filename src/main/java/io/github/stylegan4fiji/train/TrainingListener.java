package io.github.stylegan4fiji.train;

import java.nio.file.Path;

/** Receives a training run's progress; the Fiji command turns these into status, log and plots. */
public interface TrainingListener {
	default void onStatus(TrainingStatus status) {}

	default void onSnapshot(Path model, Path grid, TrainingStatus status) {}

	default void onLog(String message) {}

	TrainingListener NONE = new TrainingListener() {};
}

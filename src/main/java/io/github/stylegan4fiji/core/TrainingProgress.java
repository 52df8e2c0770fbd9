package io.github.stylegan4fiji.core;

/** Where training stands; saved with every model so a file tells how far it was trained. */
public final class TrainingProgress {
	/** Thousands of real images shown to D. */
	public double kimg = 0;
	/** Level of detail in use (0 = full resolution). */
	public double lod = 0;
	/** Optimiser steps taken (one D + one G step each). */
	public long steps = 0;
	/** Wall time spent training, seconds. */
	public double trainingSeconds = 0;
}

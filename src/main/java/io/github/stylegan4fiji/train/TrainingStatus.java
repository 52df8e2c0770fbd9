package io.github.stylegan4fiji.train;

import java.util.Locale;

/** A progress report of a running training (one per log interval and at the end). */
public final class TrainingStatus {
	public long step;
	public double kimg;
	public double totalKimg;
	public double lod;
	public int resolution;
	public int minibatch;
	public double lossG;
	public double lossD;
	/** Mean ‖∇ D(x_real)‖² of the last R1 step. */
	public double r1;
	public double secPerKimg;
	public double imagesPerSec;
	public double etaSeconds;
	public double residentMiB;
	public double trainingSeconds;

	/** The log line of the training log. */
	public String line() {
		return String.format(Locale.ROOT,
			"kimg %8.2f/%s  lod %.2f  res %4d  mb %3d  G %7.4f  D %7.4f  R1 %8.4f  %6.2f s/kimg  %6.1f img/s  ETA %s  RSS %.0f MiB",
			kimg, totalKimg >= 10 ? String.format(Locale.ROOT, "%.0f", totalKimg) : String.format(Locale.ROOT, "%.2f", totalKimg), lod, resolution, minibatch, lossG, lossD, r1, secPerKimg, imagesPerSec, formatDuration(etaSeconds), residentMiB);
	}

	public static String formatDuration(double seconds) {
		if (!Double.isFinite(seconds)) return "?";
		long s = Math.round(seconds);
		return String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, (s / 60) % 60, s % 60);
	}
}

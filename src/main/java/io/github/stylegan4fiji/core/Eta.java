package io.github.stylegan4fiji.core;

import java.util.Locale;

/**
 * Time left in a stage of a long operation, from its rate so far — so that a user learns early that
 * 50,000 images on a CPU take hours. Stateful per stage: a new stage name (or a count that went back)
 * restarts the clock.
 */
public final class Eta {

	private String stage;
	private long start, startDone, lastDone;
	private double secondsLeft = Double.NaN;

	/** ", about 12 min left" once the stage has run two seconds and made progress; "" before. */
	public String remaining(String stage, long done, long total) {
		return remaining(stage, done, total, System.nanoTime());
	}

	String remaining(String stage, long done, long total, long now) {
		boolean restart = !stage.equals(this.stage) || done < lastDone;
		lastDone = done;
		secondsLeft = Double.NaN;
		if (restart) {
			this.stage = stage;
			this.start = now;
			this.startDone = done;
			return "";
		}
		double seconds = (now - start) / 1e9;
		if (total <= 0 || done >= total || done <= startDone || seconds < 2) return "";
		secondsLeft = seconds / (done - startDone) * (total - done);
		return ", about " + format(secondsLeft) + " left";
	}

	/** The estimate behind the last {@link #remaining} text, in seconds; NaN when it gave none. */
	public double secondsLeft() {
		return secondsLeft;
	}

	public static String format(double seconds) {
		if (seconds < 90) return String.format(Locale.ROOT, "%.0f s", seconds);
		if (seconds < 5400) return String.format(Locale.ROOT, "%.0f min", seconds / 60);
		return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
	}
}

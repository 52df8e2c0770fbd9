package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.core.Eta;
import io.github.stylegan4fiji.core.Progress;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;

import java.util.HashSet;
import java.util.Set;

/**
 * The SciJava side of {@link Progress}: the status bar shows stage and count, messages go to the
 * log, and cancel means the command's own cancel or Esc in ImageJ.
 */
final class CommandProgress implements Progress {

	private final Cancelable command;
	private final StatusService status;
	private final LogService log;
	private long lastStatus;
	private final Eta eta = new Eta();
	private final Set<String> told = new HashSet<>();

	CommandProgress(Cancelable command, StatusService status, LogService log) {
		this.command = command;
		this.status = status;
		this.log = log;
		ij.IJ.resetEscape();
	}

	@Override
	public void update(String stage, long done, long total) {
		if (status == null) return;
		String left = eta.remaining(stage, done, total);
		long now = System.nanoTime();
		if (done < total && now - lastStatus < 100_000_000L) return; // at most ten updates a second
		lastStatus = now;
		if (total > 0) status.showProgress((int) Math.min(done, Integer.MAX_VALUE), (int) Math.min(total, Integer.MAX_VALUE));
		status.showStatus(stage + ": " + done + (total > 0 ? "/" + total : "") + left);
		// a stage that takes minutes on this machine: say so once, early, where it stays visible (the
		// estimate comes from the rate measured in the stage's first seconds)
		if (eta.secondsLeft() >= 60 && told.add(stage))
			log(stage + ": " + done + "/" + total + left + " at this machine's rate (Esc cancels; fewer images, pairs or kimg make it shorter)");
	}

	@Override
	public void log(String message) {
		if (log != null) log.info(message);
	}

	@Override
	public boolean cancelled() {
		return command.isCanceled() || ij.IJ.escapePressed();
	}
}

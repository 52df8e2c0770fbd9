package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.core.Progress;
import org.scijava.Cancelable;
import org.scijava.app.StatusService;
import org.scijava.log.LogService;
import io.github.stylegan4fiji.core.Eta;

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
	private boolean toldLong;

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
		if (!toldLong && left.contains(" h left")) { // hours on this machine: say so once where it stays visible
			toldLong = true;
			log(stage + ": " + done + "/" + total + left + " (fewer images or pairs make it shorter; see the command's description)");
		}
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

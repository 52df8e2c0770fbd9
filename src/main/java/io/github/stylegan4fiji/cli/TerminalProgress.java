package io.github.stylegan4fiji.cli;

import io.github.stylegan4fiji.core.Progress;

import java.util.concurrent.atomic.AtomicBoolean;
import io.github.stylegan4fiji.core.Eta;

/** The terminal side of {@link Progress}: a line per stage every 10 s (and at the end), messages as lines, Ctrl-C as cancel. */
class TerminalProgress implements Progress {

	/** Set by the shutdown hook (Ctrl-C, SIGTERM). */
	final AtomicBoolean stop = new AtomicBoolean();
	private long last;
	private final Eta eta = new Eta();

	@Override
	public void update(String stage, long done, long total) {
		long now = System.nanoTime();
		String left = eta.remaining(stage, done, total);
		if (done == total || now - last > 10_000_000_000L) {
			last = now;
			System.out.println(stage + ": " + done + (total > 0 ? "/" + total : "") + left);
		}
	}

	@Override
	public void log(String message) {
		System.out.println(message);
	}

	@Override
	public boolean cancelled() {
		return stop.get();
	}
}

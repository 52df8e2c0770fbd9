package io.github.stylegan4fiji.io;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * An exclusive lock on an output folder, so that two trainings, exports or generation runs never
 * write into the same folder at once. It is an operating-system file lock on
 * {@code <folder>/.stylegan.lock}: the system releases it when the holder exits, however it exits
 * (kill -9, power cut), so a lock left by a crashed run is never in the way. The file records who
 * holds it (pid, start time, what), for the message the next writer gets.
 * <p>
 * Re-entrant for the thread that holds it (e.g. a command and the trainer it starts): nested holds
 * are counted, and the lock goes when the last one closes. Another thread of the same program (a
 * second command in Fiji) is refused like another process.
 */
public final class FolderLock implements AutoCloseable {

	public static final String FILE = ".stylegan.lock";

	private static final Map<Path, Held> HELD = new HashMap<>();

	private static final class Held {
		final FileChannel channel;
		final FileLock lock;
		final String owner;
		final Thread thread;
		int count;

		Held(FileChannel channel, FileLock lock, String owner) {
			this.channel = channel;
			this.lock = lock;
			this.owner = owner;
			this.thread = Thread.currentThread();
		}
	}

	private final Path key;
	private boolean closed;

	private FolderLock(Path key) {
		this.key = key;
	}

	/**
	 * Locks {@code folder} (created if needed) for {@code what} (e.g. "training"), or throws an
	 * {@link IOException} naming the process that holds it.
	 */
	public static FolderLock acquire(Path folder, String what) throws IOException {
		Files.createDirectories(folder);
		Path key = folder.toRealPath();
		synchronized (HELD) {
			Held h = HELD.get(key);
			if (h != null) {
				if (h.thread != Thread.currentThread())
					throw new IOException("Output folder " + folder + " is in use by another StyleGAN run in this program (" + h.owner
						+ "); wait until it ends or choose another folder");
				h.count++;
				return new FolderLock(key);
			}
			Path file = key.resolve(FILE);
			FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
			FileLock lock;
			try {
				lock = ch.tryLock();
			} catch (OverlappingFileLockException e) { // held in this JVM through another path spelling
				lock = null;
			} catch (IOException e) {
				ch.close();
				throw new IOException("Cannot lock output folder " + folder + ": " + e.getMessage(), e);
			}
			if (lock == null) {
				String holder = readHolder(ch);
				ch.close();
				throw new IOException("Output folder " + folder + " is in use by another StyleGAN run (" + holder
					+ "); wait until it ends or choose another folder");
			}
			String owner = "pid " + ProcessHandle.current().pid() + ", " + what + ", started "
				+ Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()) + ", locked " + Instant.now();
			ch.truncate(0);
			ch.write(ByteBuffer.wrap((owner + "\n").getBytes(StandardCharsets.UTF_8)), 0);
			Held held = new Held(ch, lock, owner);
			held.count = 1;
			HELD.put(key, held);
			return new FolderLock(key);
		}
	}

	private static String readHolder(FileChannel ch) {
		try {
			ByteBuffer b = ByteBuffer.allocate(512);
			int n = ch.read(b, 0);
			String s = n <= 0 ? "" : new String(b.array(), 0, n, StandardCharsets.UTF_8).trim();
			return s.isEmpty() ? "holder unknown" : s;
		} catch (IOException e) {
			return "holder unknown";
		}
	}

	/** Releases this hold; the file lock goes when the last hold in this JVM is released. */
	@Override
	public void close() throws IOException {
		synchronized (HELD) {
			if (closed) return;
			closed = true;
			Held h = HELD.get(key);
			if (h == null || --h.count > 0) return;
			HELD.remove(key);
			// the file stays: deleting it would let a later run lock a new file while another still
			// holds (or is about to lock) the old one
			try {
				h.lock.release();
			} finally {
				h.channel.close();
			}
		}
	}
}

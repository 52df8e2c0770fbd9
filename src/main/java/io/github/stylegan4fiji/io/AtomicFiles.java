package io.github.stylegan4fiji.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Every output file is written under a temporary name in its own folder ({@code .<name>.<n>.part}),
 * flushed to disk and then renamed over the final name: a file is complete or absent, never
 * truncated under its final name (kill -9, full disk, power cut). Leftover {@code .part} files of
 * interrupted writes are removed by {@link #removeLeftovers} when the next run holds the folder.
 */
public final class AtomicFiles {

	/** Writes the content to the given (temporary) path. */
	public interface Content {
		void writeTo(Path tmp) throws IOException;
	}

	private static final String SUFFIX = ".part";

	private AtomicFiles() {}

	public static void write(Path target, Content content) throws IOException {
		Path dir = target.toAbsolutePath().getParent();
		Files.createDirectories(dir);
		Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", SUFFIX);
		try {
			content.writeTo(tmp);
			if (!Files.isRegularFile(tmp) || Files.size(tmp) == 0) throw new IOException("could not write " + target);
			try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
				ch.force(true); // on disk before the rename, so a crash cannot leave a renamed but empty file
			}
			permissionsOfANewFile(tmp, target);
			try {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
			}
		} finally {
			Files.deleteIfExists(tmp);
		}
	}

	public static void write(Path target, byte[] bytes) throws IOException {
		write(target, tmp -> Files.write(tmp, bytes));
	}

	public static void copy(Path source, Path target) throws IOException {
		write(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
	}

	/**
	 * Deletes the {@code .*.part} files of interrupted writes in {@code folder} (not below it). Call
	 * only while holding the folder's {@link FolderLock}, so no live write is removed. Returns how many.
	 */
	public static int removeLeftovers(Path folder) throws IOException {
		if (!Files.isDirectory(folder)) return 0;
		int n = 0;
		try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, ".*" + SUFFIX)) {
			for (Path p : s) if (Files.isRegularFile(p) && Files.deleteIfExists(p)) n++;
		}
		return n;
	}

	/**
	 * Temporary files are owner-only (rw-------); the result gets the permissions of the file it
	 * replaces, or those of an ordinary new file (rw-r--r--), so that others can read a model.
	 */
	private static void permissionsOfANewFile(Path tmp, Path target) {
		try {
			Set<PosixFilePermission> perms = Files.exists(target) ? Files.getPosixFilePermissions(target)
				: PosixFilePermissions.fromString("rw-r--r--");
			Files.setPosixFilePermissions(tmp, perms);
		} catch (UnsupportedOperationException | IOException e) {
			// not a POSIX file system (Windows): the folder's default permissions apply
		}
	}
}

package io.github.stylegan4fiji.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** The zip plumbing shared by all project files (models, feature networks, statistics). */
public final class ZipFiles {

	/** Writes the entries of one archive. */
	@FunctionalInterface
	public interface Content {
		void write(ZipOutputStream zip) throws IOException;
	}

	private ZipFiles() {}

	/**
	 * Writes atomically: a temporary file in the same folder, then a rename, so a cancelled or
	 * crashed write never leaves a half file under the final name.
	 */
	public static void writeAtomically(Path file, Content content) throws IOException {
		Path dir = file.toAbsolutePath().getParent();
		if (dir != null) Files.createDirectories(dir);
		Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".part");
		try {
			try (OutputStream os = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(os)) {
				content.write(zip);
			}
			try {
				Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			} catch (AtomicMoveNotSupportedException e) {
				Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
			}
		} finally {
			Files.deleteIfExists(tmp);
		}
	}

	public static void writeAtomically(Path file, Map<String, byte[]> entries) throws IOException {
		writeAtomically(file, zip -> {
			for (Map.Entry<String, byte[]> e : entries.entrySet()) put(zip, e.getKey(), e.getValue());
		});
	}

	public static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
		zip.putNextEntry(new ZipEntry(name));
		zip.write(data);
		zip.closeEntry();
	}

	/** Reads an entry fully and checks its CRC (ZipFile itself does not for every entry). */
	public static byte[] readEntry(ZipFile zip, String name, String where) throws IOException {
		ZipEntry e = zip.getEntry(name);
		if (e == null) throw new ModelFormatException(where + ": entry '" + name + "' is missing");
		ByteArrayOutputStream bos = new ByteArrayOutputStream(e.getSize() > 0 ? (int) Math.min(e.getSize(), Integer.MAX_VALUE - 16) : 1 << 16);
		CRC32 crc = new CRC32();
		try (InputStream in = zip.getInputStream(e)) {
			byte[] buf = new byte[1 << 16];
			int r;
			while ((r = in.read(buf)) > 0) {
				crc.update(buf, 0, r);
				bos.write(buf, 0, r);
			}
		} catch (java.io.EOFException | java.util.zip.ZipException ex) {
			throw new ModelFormatException(where + ": entry '" + name + "' is truncated or corrupted", ex);
		}
		if (e.getCrc() != -1 && crc.getValue() != e.getCrc())
			throw new ModelFormatException(where + ": entry '" + name + "' is corrupted (checksum mismatch)");
		return bos.toByteArray();
	}

	/**
	 * Reads the named entries of a {@code what} file ("Feature network", "Statistics", …); every
	 * problem is a {@link ModelFormatException} naming the file.
	 */
	public static Map<String, byte[]> read(Path file, String what, String... names) throws IOException {
		if (!Files.exists(file)) throw new ModelFormatException(what + " file not found: " + file);
		if (Files.isDirectory(file)) throw new ModelFormatException(what + " file " + file + " is a folder");
		try (ZipFile zip = new ZipFile(file.toFile())) {
			Map<String, byte[]> out = new LinkedHashMap<>();
			for (String n : names) {
				if (zip.getEntry(n) == null)
					throw new ModelFormatException(file + " is not a " + what.toLowerCase(java.util.Locale.ROOT) + " file (no " + n + ")");
				out.put(n, readEntry(zip, n, file.toString()));
			}
			return out;
		} catch (java.util.zip.ZipException e) {
			throw new ModelFormatException(file + " is not a " + what.toLowerCase(java.util.Locale.ROOT)
				+ " file: not a zip archive, or truncated/corrupted", e);
		} catch (NoSuchFileException e) {
			throw new ModelFormatException(what + " file not found: " + file, e);
		}
	}
}

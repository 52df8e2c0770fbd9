package io.github.stylegan4fiji.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
		AtomicFiles.write(file, tmp -> {
			try (OutputStream os = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
					ZipOutputStream zip = new ZipOutputStream(os)) {
				content.write(zip);
			}
		});
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

	/**
	 * How far an entry may inflate: 64 × the archive's size (float weights barely compress; all-zero
	 * tensors such as fresh optimiser moments do, but are a fraction of the archive) plus 1 MiB, and
	 * never beyond a Java array. Beyond it the entry is a zip bomb or corrupted.
	 */
	static long inflationLimit(long archiveBytes) {
		return Math.min(Integer.MAX_VALUE - 16L, 64 * Math.max(archiveBytes, 0) + (1 << 20));
	}

	/**
	 * Reads an entry fully and checks its CRC (ZipFile itself does not for every entry). Memory is
	 * bounded by {@link #inflationLimit}, whatever size the entry claims.
	 */
	public static byte[] readEntry(ZipFile zip, String name, String where) throws IOException {
		ZipEntry e = zip.getEntry(name);
		if (e == null) throw new ModelFormatException(where + ": entry '" + name + "' is missing");
		long limit = inflationLimit(new java.io.File(zip.getName()).length());
		if (e.getSize() > limit)
			throw new ModelFormatException(where + ": entry '" + name + "' claims " + e.getSize() + " bytes in a "
				+ new java.io.File(zip.getName()).length() + "-byte archive; the file is corrupted (or a zip bomb)");
		long free = Runtime.getRuntime().maxMemory() - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
		if (e.getSize() > free)
			throw new ModelFormatException(where + ": entry '" + name + "' needs " + (e.getSize() >> 20) + " MiB but the Java heap has "
				+ (free >> 20) + " MiB free; give Java more memory (-Xmx, or Edit > Options > Memory in Fiji)");
		ByteArrayOutputStream bos = new ByteArrayOutputStream(e.getSize() > 0 ? (int) e.getSize() : 1 << 16);
		CRC32 crc = new CRC32();
		long total = 0;
		try (InputStream in = zip.getInputStream(e)) {
			byte[] buf = new byte[1 << 16];
			int r;
			while ((r = in.read(buf)) > 0) {
				total += r;
				if (total > limit || (e.getSize() >= 0 && total > e.getSize()))
					throw new ModelFormatException(where + ": entry '" + name + "' inflates beyond "
						+ (e.getSize() >= 0 ? "its declared " + e.getSize() + " bytes" : limit + " bytes") + "; the file is corrupted (or a zip bomb)");
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

package io.github.stylegan4fiji.train;

import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.io.AtomicFiles;
import io.github.stylegan4fiji.io.FolderLock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The output folder of a run: checked, locked, cleaned of interrupted writes; its log kept one line per step. */
final class RunFolder {

	private RunFolder() {}

	/**
	 * Checks and locks the output folder, and removes leftovers of interrupted writes (only safe
	 * once the lock is held).
	 */
	static FolderLock open(Path outDir) throws IOException {
		checkOutputFolder(outDir);
		FolderLock lock = FolderLock.acquire(outDir, "training");
		try {
			AtomicFiles.removeLeftovers(outDir);
			AtomicFiles.removeLeftovers(outDir.resolve("snapshots"));
			AtomicFiles.removeLeftovers(outDir.resolve("grids"));
			return lock;
		} catch (IOException | RuntimeException e) {
			lock.close();
			throw e;
		}
	}

	/** Fails early, with a clear message, when the output folder cannot be written. */
	static void checkOutputFolder(Path outDir) throws IOException {
		try {
			Files.createDirectories(outDir);
			Path probe = Files.createTempFile(outDir, ".write-test", ".tmp");
			Files.delete(probe);
		} catch (IOException e) {
			throw new IOException("Output folder " + outDir + " cannot be written: " + e.getMessage(), e);
		}
		long free = outDir.toFile().getUsableSpace();
		if (free < 64L << 20)
			throw new IOException("Output folder " + outDir + " has only " + (free >> 20) + " MiB free; training needs room for checkpoints");
	}

	/**
	 * After a crash the log may hold steps past the checkpoint a run resumes from; they are done again,
	 * so their old lines go (the log stays one line per step, in order).
	 */
	static void dropLogLinesAfter(Path logFile, long step) throws IOException {
		if (!Files.exists(logFile)) return;
		List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
		List<String> keep = new ArrayList<>();
		for (String line : lines) {
			if (line.trim().isEmpty()) continue;
			try {
				TrainingStatus st = Json.COMPACT.fromJson(line, TrainingStatus.class);
				if (st != null && st.step > step) continue;
			} catch (com.google.gson.JsonParseException e) {
				continue; // a line cut short by the crash
			}
			keep.add(line);
		}
		if (keep.size() != lines.size()) AtomicFiles.write(logFile, (String.join("\n", keep) + (keep.isEmpty() ? "" : "\n")).getBytes(StandardCharsets.UTF_8));
	}
}

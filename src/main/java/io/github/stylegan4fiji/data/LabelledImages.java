package io.github.stylegan4fiji.data;

import io.github.stylegan4fiji.core.DataRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Images with a class label each (for training and checking a feature network / classifier). */
public final class LabelledImages {

	public final Dataset images;
	public final int[] labels;
	public final List<String> classNames;

	public LabelledImages(Dataset images, int[] labels, List<String> classNames) {
		if (labels.length != images.count) throw new IllegalArgumentException(images.count + " images but " + labels.length + " labels");
		for (int l : labels)
			if (l < 0 || l >= classNames.size()) throw new IllegalArgumentException("label " + l + " outside 0…" + (classNames.size() - 1));
		this.images = images.withLabels(labels, classNames);
		this.labels = labels;
		this.classNames = Collections.unmodifiableList(new ArrayList<>(classNames));
	}

	/**
	 * A labelled folder: one subfolder per class, named after the class (sorted by name), holding
	 * that class's images. All classes share one intensity mapping (the pixel type's range unless the
	 * options ask for a fixed one), so that intensities mean the same in every class.
	 */
	public static LabelledImages loadFolder(Path folder, int resolution, ImageFolder.Options options, Consumer<String> log)
			throws IOException {
		if (!Files.isDirectory(folder)) throw new IOException("Labelled folder not found: " + folder);
		List<Path> classes;
		try (Stream<Path> s = Files.list(folder)) {
			classes = s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
				.sorted().collect(Collectors.toList());
		}
		if (classes.size() < 2)
			throw new IOException(folder + " needs one subfolder per class (at least 2), found " + classes.size());
		ImageFolder.Options o = options;
		if (o.normalization.perDataSet()) {
			o = options.copy();
			o.normalization = DataRange.Normalization.TYPE; // per-class ranges would differ and leak the label into the intensities
		}
		List<Dataset> parts = new ArrayList<>();
		List<String> names = new ArrayList<>();
		List<Integer> labels = new ArrayList<>();
		for (Path c : classes) {
			Dataset d = ImageFolder.load(c, resolution, o, log);
			for (int i = 0; i < d.count; i++) labels.add(names.size());
			names.add(c.getFileName().toString());
			parts.add(d);
		}
		return new LabelledImages(Dataset.concat(parts), labels.stream().mapToInt(Integer::intValue).toArray(), names);
	}

	/**
	 * A folder of images with their classes in a CSV file: one line per image, {@code file,label}
	 * (file name as in the folder, or a path relative to it; an optional header line "file,label").
	 * Classes are the distinct labels, sorted by name. Every image needs a label; lines for files
	 * that are not in the folder are reported, not ignored.
	 */
	public static LabelledImages loadCsv(Path folder, Path csv, int resolution, ImageFolder.Options options, Consumer<String> log)
			throws IOException {
		if (!Files.isRegularFile(csv)) throw new IOException("Label file not found: " + csv);
		java.util.Map<String, String> byFile = new java.util.LinkedHashMap<>();
		int lineNo = 0;
		for (String line : Files.readAllLines(csv, java.nio.charset.StandardCharsets.UTF_8)) {
			lineNo++;
			String t = line.trim();
			if (t.isEmpty() || t.startsWith("#")) continue;
			int comma = t.lastIndexOf(',');
			if (comma <= 0 || comma == t.length() - 1)
				throw new IOException(csv + " line " + lineNo + ": expected file,label, got '" + t + "'");
			String file = unquote(t.substring(0, comma)), label = unquote(t.substring(comma + 1));
			if (lineNo == 1 && file.equalsIgnoreCase("file") && label.equalsIgnoreCase("label")) continue;
			String name = Path.of(file).getFileName().toString();
			String before = byFile.put(name, label);
			if (before != null && !before.equals(label))
				throw new IOException(csv + " line " + lineNo + ": " + name + " is labelled both '" + before + "' and '" + label + "'");
		}
		if (byFile.isEmpty()) throw new IOException(csv + " holds no file,label lines");
		ImageFolder.Options o = options;
		if (o.normalization.perDataSet()) {
			o = options.copy();
			o.normalization = DataRange.Normalization.TYPE; // as loadFolder: one fixed mapping, so intensities mean the same in every class
		}
		Dataset images = ImageFolder.load(folder, resolution, o, log);
		List<String> names = byFile.values().stream().distinct().sorted().collect(Collectors.toList());
		if (names.size() < 2) throw new IOException(csv + " names only one class ('" + names.get(0) + "'); conditional training needs at least 2");
		int[] labels = new int[images.count];
		List<String> missing = new ArrayList<>();
		java.util.Set<String> used = new java.util.HashSet<>();
		for (int i = 0; i < images.count; i++) {
			String source = images.sources.get(i);
			int page = source.lastIndexOf(" page ");
			String file = page > 0 ? source.substring(0, page) : source;
			String label = byFile.get(file);
			if (label == null) {
				if (missing.size() < 20) missing.add(file);
				labels[i] = -1;
				continue;
			}
			used.add(file);
			labels[i] = names.indexOf(label);
		}
		if (!missing.isEmpty())
			throw new IOException("these images in " + folder + " have no label in " + csv + ":\n  " + String.join("\n  ", missing));
		if (used.size() < byFile.size())
			log.accept("Note: " + (byFile.size() - used.size()) + " file(s) listed in " + csv + " are not among the images of " + folder);
		return new LabelledImages(images, labels, names);
	}

	private static String unquote(String s) {
		s = s.trim();
		return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
	}
}

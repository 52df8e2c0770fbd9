package io.github.stylegan4fiji.data;

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
		this.images = images;
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
		if ("auto".equals(o.normalization) || "percentile".equals(o.normalization) || "minmax".equals(o.normalization)) {
			o = options.copy();
			o.normalization = "type"; // per-class ranges would differ and leak the label into the intensities
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
}

package io.github.stylegan4fiji;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The package layers, read from the compiled classes by the JDK's own dependency analyser (jdeps),
 * so fully qualified references count too. Every package may use only the packages below it; the
 * list is the one docs/design.md draws.
 */
class ArchitectureTest {

	/** Bottom to top. */
	static final List<String> LAYERS = Arrays.asList("core", "sampling", "io", "data", "optim", "metrics", "project", "train", "fiji",
		"fiji.ij1", "cli", "bench");

	/** Packages that must not see ImageJ, SciJava or ImgLib2 (usable without Fiji). */
	static final List<String> FIJI_FREE = Arrays.asList("core", "sampling", "optim", "train", "metrics", "project");

	private static Map<String, Set<String>> edges() {
		Path classes = Paths.get("target", "classes");
		assertTrue(Files.isDirectory(classes), "compile first");
		ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps in this JDK"));
		StringWriter out = new StringWriter();
		int rc = jdeps.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "-verbose:package", classes.toString());
		assertEquals(0, rc, out.toString());
		Map<String, Set<String>> edges = new TreeMap<>();
		String prefix = "io.github.stylegan4fiji.";
		for (String line : out.toString().split("\n")) {
			String[] f = line.trim().split("\\s+");
			if (f.length < 3 || !f[1].equals("->") || !f[0].startsWith(prefix)) continue;
			String from = f[0].substring(prefix.length());
			String to = f[2].startsWith(prefix) ? f[2].substring(prefix.length()) : f[2];
			if (!from.equals(to)) edges.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
		}
		assertFalse(edges.isEmpty(), "jdeps reported nothing:\n" + out);
		return edges;
	}

	@Test
	void everyPackageUsesOnlyTheLayersBelowIt() {
		List<String> wrong = new ArrayList<>();
		for (Map.Entry<String, Set<String>> e : edges().entrySet()) {
			int from = LAYERS.indexOf(e.getKey());
			if (from < 0) {
				wrong.add("package " + e.getKey() + " is not in the layer list");
				continue;
			}
			for (String to : e.getValue()) {
				int i = LAYERS.indexOf(to);
				if (i >= from) wrong.add(e.getKey() + " -> " + to);
			}
		}
		assertEquals(new ArrayList<>(), wrong, "dependencies that go up or sideways (a cycle, or a layer to move)");
	}

	@Test
	void theLibraryBelowTheCommandsIsFreeOfFijiTypes() {
		List<String> wrong = new ArrayList<>();
		for (Map.Entry<String, Set<String>> e : edges().entrySet()) {
			if (!FIJI_FREE.contains(e.getKey())) continue;
			for (String to : e.getValue())
				if (to.startsWith("ij") || to.startsWith("org.scijava") || to.startsWith("net.imglib2") || to.startsWith("net.imagej"))
					wrong.add(e.getKey() + " -> " + to);
		}
		assertEquals(new ArrayList<>(), wrong);
	}
}

package io.github.stylegan4fiji.fiji;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.fiji.ij1.MacroRunner;
import io.github.stylegan4fiji.io.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Runs every macro in macros/ headless through ImageJ's macro interpreter, with our commands
 * registered from plugins.config (so the IJ1 shims are what the macros call), and checks outputs.
 */
class MacrosTest {

	@TempDir
	static Path dir;
	static Path model;
	/** A tiny conditional model (classes "plain" and "spotted") for the class translation macro. */
	static Path conditionalModel;

	@BeforeAll
	static void setUp() throws IOException {
		model = dir.resolve("tiny model.zip"); // a space: paths must survive macro option parsing
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			ModelFile.save(m, model);
		}
		conditionalModel = dir.resolve("conditional model.zip");
		io.github.stylegan4fiji.core.StyleGanConfig c = io.github.stylegan4fiji.core.StyleGanConfig.tiny(16, 1);
		c.labelSize = 2;
		c.classNames = java.util.Arrays.asList("plain", "spotted");
		try (StyleGanModel m = TestModels.tiny(c.validate())) {
			io.github.stylegan4fiji.sampling.ClassCentres.update(m);
			ModelFile.save(m, conditionalModel);
		}
	}

	/** Expected output files of each shipped macro, relative to its out= folder. */
	static final Map<String, String[]> EXPECTED = new LinkedHashMap<>();
	static {
		EXPECTED.put("demo_figures.ijm", new String[] {"uncurated_psi1.0.tif", "uncurated_psi0.7.png", "style_mixing_coarse.png",
			"noise_resampling_std.tif", "noise_only_in_coarse.png", "truncation_sweep.png"});
		EXPECTED.put("generate_grid.ijm", new String[] {"generated.tif", "generated_montage.png"});
		EXPECTED.put("style_mixing_figure.ijm", new String[] {"style_mixing_coarse.tif", "style_mixing_coarse.png", "style_mixing_middle.png"});
		EXPECTED.put("noise_figure.ijm", new String[] {"noise_draws_all.tif", "noise_std_all.tif", "noise_std_coarse.tif"});
		EXPECTED.put("batch_export.ijm", new String[] {"seed0000000000_psi1.0_noise-seeded.tif", "seed0000000005_psi1.0_noise-seeded.tif"});
		EXPECTED.put("compute_metrics.ijm", new String[] {"metrics.json"});
		EXPECTED.put("class_translation.ijm", new String[] {"class_translation.tif", "class_translation.png", "class_translation_difference.tif"});
		EXPECTED.put("project_images.ijm", new String[] {"projection.zip", "reconstructions.tif", "reconstructions_data.tif", "comparison.png",
			"real_style_mixing.png"});
		EXPECTED.put("train_on_folder.ijm", new String[] {"checkpoint.zip", "samples.tif", "training-log.jsonl"});
	}

	@Test
	void everyShippedMacroRunsHeadless() throws IOException {
		List<Path> macros;
		try (Stream<Path> s = Files.list(Paths.get("macros"))) {
			macros = s.filter(p -> p.toString().endsWith(".ijm")).sorted().collect(Collectors.toList());
		}
		assertFalse(macros.isEmpty());
		Path data = dir.resolve("images");
		Files.createDirectories(data);
		NumpyRandom r = new NumpyRandom(5);
		for (int i = 0; i < 24; i++) {
			byte[] px = new byte[8 * 8];
			for (int j = 0; j < px.length; j++) px[j] = (byte) (r.nextDouble() < 0.3 ? 200 : 20);
			assertTrue(new FileSaver(new ImagePlus("i", new ByteProcessor(8, 8, px))).saveAsPng(data.resolve("img" + i + ".png").toString()));
		}
		Path reals16 = dir.resolve("images16"); // real images at the test model's resolution
		Files.createDirectories(reals16);
		for (int i = 0; i < 40; i++) {
			byte[] px = new byte[16 * 16];
			for (int j = 0; j < px.length; j++) px[j] = (byte) (r.nextDouble() < 0.3 ? 200 : 20);
			assertTrue(new FileSaver(new ImagePlus("i", new ByteProcessor(16, 16, px))).saveAsPng(reals16.resolve("r" + i + ".png").toString()));
		}
		for (Path macro : macros) {
			String name = macro.getFileName().toString();
			assertTrue(EXPECTED.containsKey(name), "add the expected outputs of " + name + " to this test");
			Path out = dir.resolve("out").resolve(name.replace(".ijm", ""));
			Path m = name.equals("class_translation.ijm") ? conditionalModel : model;
			String arg = "model=[" + m + "] out=[" + out + "] seeds=0-5 from=plain to=1 steps=3 device=cpu data=[" + data
				+ "] resolution=8 kimg=0.06 phase_kimg=0.02 batch=4 fmap_base=16"
				+ " real_images=[" + reals16 + "] images=[" + reals16 + "] feature_network=[models/fashion-mnist-classifier.zip] num=48 ppl_pairs=8";
			String result = MacroRunner.run(macro, arg);
			assertNotNull(result, name);
			for (String f : EXPECTED.get(name)) assertTrue(Files.exists(out.resolve(f)), name + " should write " + f);
		}
		String metrics = new String(Files.readAllBytes(dir.resolve("out/compute_metrics/metrics.json")), java.nio.charset.StandardCharsets.UTF_8);
		for (String key : new String[] {"\"fid\"", "\"kid\"", "\"precision\"", "\"ppl_wend\""}) assertTrue(metrics.contains(key), metrics);
		ImagePlus frames = IJ.openImage(dir.resolve("out/class_translation/class_translation.tif").toString());
		assertEquals(6 * 3, frames.getStackSize()); // seeds × steps
		assertTrue(frames.getStack().getSliceLabel(3).startsWith("seed 0 plain→spotted t=1"), frames.getStack().getSliceLabel(3));
		ImagePlus grid = IJ.openImage(dir.resolve("out/generate_grid/generated.tif").toString());
		assertEquals(6, grid.getStackSize());
		assertEquals(8, grid.getBitDepth()); // data type of the (uint8) training data
	}

	private static String runMacro(String text) throws IOException {
		Path m = dir.resolve("t" + System.nanoTime() + ".ijm");
		Files.write(m, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		return MacroRunner.run(m, "");
	}

	@Test
	void aFailedCommandStopsTheMacroWithItsMessage() throws IOException {
		Path after = dir.resolve("after-failure.txt");
		IOException e = assertThrows(IOException.class, () -> runMacro("run(\"Generate Images\", \"model=[" + dir.resolve("nope.zip")
			+ "] seeds=1 device=cpu\");\nFile.saveString(\"reached\", \"" + after + "\");\n"));
		assertTrue(e.getMessage().contains("Model file not found") && e.getMessage().contains("nope.zip"), e.getMessage());
		assertFalse(Files.exists(after), "the macro must stop at the failed command");
	}

	@Test
	void absentKeysTakeTheDocumentedDefaultsNotRememberedValues() throws IOException {
		Path title = dir.resolve("title.txt");
		runMacro("run(\"Generate Images\", \"model=[" + model + "] seeds=1 psi=0.3 device=cpu\");\nclose();\n");
		runMacro("run(\"Generate Images\", \"model=[" + model + "] seeds=2 device=cpu\");\nFile.saveString(getTitle(), \"" + title + "\");\n");
		String t = new String(Files.readAllBytes(title), java.nio.charset.StandardCharsets.UTF_8);
		assertTrue(t.contains("psi 0.7"), "psi left out must be the default 0.7, not the 0.3 of the run before: " + t);
		// a required file left out is an error, not the file of an earlier run
		IOException e = assertThrows(IOException.class, () -> runMacro("run(\"Generate Images\", \"seeds=1 device=cpu\");\n"));
		assertTrue(e.getMessage().contains("no model="), e.getMessage());
	}

	@Test
	void escStopsALongCommandPromptly() throws Exception {
		Thread esc = new Thread(() -> {
			try {
				Thread.sleep(1500);
			} catch (InterruptedException e) {
				return;
			}
			IJ.setKeyDown(java.awt.event.KeyEvent.VK_ESCAPE); // what ImageJ does when Esc is pressed
		});
		long t0 = System.nanoTime();
		esc.start();
		IOException e = assertThrows(IOException.class, () -> runMacro("run(\"Generate Images\", \"model=[" + model
			+ "] seeds=0-200000 batch_size=8 device=cpu\");\n"));
		double seconds = (System.nanoTime() - t0) / 1e9;
		esc.join();
		IJ.resetEscape();
		assertTrue(e.getMessage().contains("Canceled"), e.getMessage());
		assertTrue(seconds < 30, "canceled after " + seconds + " s; 200,001 images would take many minutes");
	}
}

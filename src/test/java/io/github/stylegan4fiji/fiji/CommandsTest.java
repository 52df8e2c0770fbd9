package io.github.stylegan4fiji.fiji;

import ij.ImagePlus;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.ModelFile;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.type.numeric.real.FloatType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/** Every command through SciJava's CommandService with a tiny 16² × 2-channel model. */
class CommandsTest {

	@TempDir
	static Path dir;
	static File model;
	static Context context;
	static CommandService commands;

	@BeforeAll
	static void setUp() throws Exception {
		model = dir.resolve("tiny.zip").toFile();
		try (StyleGanModel m = TestModels.tiny(16, 2)) {
			ModelFile.save(m, model.toPath());
		}
		context = new Context(CommandService.class, org.scijava.app.StatusService.class, org.scijava.log.LogService.class);
		commands = context.service(CommandService.class);
		forgetLastUsedValues();
	}

	/** SciJava remembers each command's last inputs; tests must not depend on earlier runs. */
	static void forgetLastUsedValues() {
		org.scijava.prefs.PrefService prefs = context.service(org.scijava.prefs.PrefService.class);
		for (Class<? extends Command> c : ALL) prefs.clear(c);
	}

	static final java.util.List<Class<? extends Command>> ALL = Arrays.asList(GenerateImagesCommand.class,
		StyleMixingCommand.class, NoiseResamplingCommand.class, TruncationSweepCommand.class, InterpolationCommand.class,
		BatchExportCommand.class, TrainCommand.class, ModelInfoCommand.class, ComputeMetricsCommand.class, EngineCheckCommand.class,
		ImportOfficialModelCommand.class, ProjectImageCommand.class, ClassTranslationCommand.class);

	@org.junit.jupiter.api.BeforeEach
	void fresh() {
		forgetLastUsedValues();
	}

	@AfterAll
	static void tearDown() {
		forgetLastUsedValues();
		context.dispose();
	}

	static CommandModule run(Class<? extends Command> c, Object... inputs) throws Exception {
		return commands.run(c, true, inputs).get();
	}

	/** Project Image on a folder, then the projection file in Generate Images, Style Mixing and Interpolation. */
	@Test
	void projectedImagesAreUsableWhereSeedsAre() throws Exception {
		Path images = dir.resolve("to-project");
		java.nio.file.Files.createDirectories(images);
		CommandModule gen = run(GenerateImagesCommand.class, "model", model, "seeds", "3-4", "device", "cpu", "output_type", ImageConversion.DATA);
		ij.ImagePlus stack = (ij.ImagePlus) gen.getOutput("image");
		for (int i = 0; i < 2; i++) { // two 2-channel images, as files a user would have
			ij.ImagePlus one = new ij.plugin.Duplicator().run(stack, 1, 2, 1, 1, i + 1, i + 1);
			io.github.stylegan4fiji.io.ImageFiles.saveTiff(one, images.resolve("cell" + i + ".tif"));
		}
		Path out = dir.resolve("projected");
		CommandModule p = run(ProjectImageCommand.class, "model", model, "source", "folder", "image_folder", images.toFile(),
			"output_folder", out.toFile(), "steps", 40, "distance", "pixel", "device", "cpu");
		assertFalse(p.isCanceled(), p.getCancelReason());
		ij.ImagePlus rec = (ij.ImagePlus) p.getOutput("reconstructions");
		assertEquals(4, rec.getStackSize());
		assertTrue(rec.getStack().getSliceLabel(1).startsWith("cell0.tif PSNR") && rec.getStack().getSliceLabel(1).contains(" SSIM 0."),
			rec.getStack().getSliceLabel(1));
		File latents = new File((String) p.getOutput("projection_file"));
		assertTrue(latents.exists());
		for (String f : new String[] {"targets.tif", "reconstructions.tif", "comparison.png", "curve.csv"})
			assertTrue(java.nio.file.Files.exists(out.resolve(f)), f);

		CommandModule again = run(GenerateImagesCommand.class, "model", model, "latents_file", latents, "psi", 1.0, "device", "cpu",
			"output_type", ImageConversion.FLOAT);
		float[] a = (float[]) ((ij.ImagePlus) again.getOutput("image")).getStack().getPixels(3);
		CommandModule recFloat = run(GenerateImagesCommand.class, "model", model, "latents_file", latents, "psi", 1.0, "device", "cpu",
			"output_type", ImageConversion.FLOAT);
		assertArrayEquals(a, (float[]) ((ij.ImagePlus) recFloat.getOutput("image")).getStack().getPixels(3));
		CommandModule mix = run(StyleMixingCommand.class, "model", model, "row_latents", latents, "column_seeds", "11-13",
			"layers", "coarse", "montage", true, "device", "cpu");
		assertFalse(mix.isCanceled(), mix.getCancelReason());
		assertEquals(2 * 3 * 2, ((ij.ImagePlus) mix.getOutput("image")).getStackSize()); // 2 rows × 3 columns × 2 channels
		CommandModule walk = run(InterpolationCommand.class, "model", model, "latents_file", latents, "seed_a", 0L, "seed_b", 1L,
			"frames", 4, "psi", 1.0, "device", "cpu");
		assertEquals(4 * 2, ((ij.ImagePlus) walk.getOutput("image")).getStackSize());
		// an index outside the file is an error with a message
		CommandModule bad = run(InterpolationCommand.class, "model", model, "latents_file", latents, "seed_a", 0L, "seed_b", 5L,
			"frames", 4, "device", "cpu");
		assertTrue(bad.isCanceled() && bad.getCancelReason().contains("does not exist"), bad.getCancelReason());
		// class translation needs a conditional model: a message, not a stack trace
		CommandModule translate = run(ClassTranslationCommand.class, "model", model, "latents_file", latents, "to_class", "1",
			"device", "cpu");
		assertTrue(translate.isCanceled() && translate.getCancelReason().contains("no classes"), translate.getCancelReason());
	}

	@Test
	void engineCheckReportsEngineCpuAndTheModelsConvolutions() throws Exception {
		CommandModule m = run(EngineCheckCommand.class, "model", model, "device", "cpu", "batch_size", 4);
		String report = (String) m.getOutput("report");
		assertTrue(report.contains("PyTorch") && report.contains("oneDNN") && report.contains("CPU vector extensions"), report);
		assertTrue(report.contains("this model (16², 2 channel(s))"), report);
		assertTrue(report.contains("OK: training, sampling and metrics compute correct values"), report);
	}

	@Test
	void importOfficialModelThenGenerate(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
		Path pickle = tmp.resolve("network-snapshot-000140.pkl");
		io.github.stylegan4fiji.io.OfficialImportTest.writePickle(tmp, pickle, io.github.stylegan4fiji.io.OfficialImportTest.arch(16, 3, 64, 16),
			Arrays.asList("G", "D", "Gs"), 4, 0.0, "G_style", null);
		CommandModule m = run(ImportOfficialModelCommand.class, "pickle", pickle.toFile());
		assertFalse(m.isCanceled(), m.getCancelReason());
		Path imported = tmp.resolve("network-snapshot-000140.zip"); // default: next to the pickle
		assertTrue(((String) m.getOutput("report")).contains("140 kimg"), (String) m.getOutput("report"));
		CommandModule g = run(GenerateImagesCommand.class, "model", imported.toFile(), "seeds", "0-1", "device", "cpu");
		assertFalse(g.isCanceled(), g.getCancelReason());
		assertArrayEquals(new long[] {16, 16, 3, 2}, ((Img<?>) g.getOutput("images")).dimensionsAsLongArray());
		// a second import into the same file is refused unless overwrite is set
		CommandModule again = run(ImportOfficialModelCommand.class, "pickle", pickle.toFile());
		assertTrue(again.isCanceled() && again.getCancelReason().contains("exists"), again.getCancelReason());
		assertFalse(run(ImportOfficialModelCommand.class, "pickle", pickle.toFile(), "overwrite", true).isCanceled());
	}

	/**
	 * Fiji's path (SciJava commands called from an IJ1 macro): keys the macro leaves out are resolved
	 * to the field defaults before SciJava would load remembered values; a missing required file stops.
	 */
	@Test
	void inAMacroAbsentKeysAreResolvedToDefaultsBeforeRememberedValuesLoad() throws Exception {
		java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
		Thread t = new Thread(() -> { // ImageJ keeps macro options per thread, for threads named like its own
			try {
				ij.Macro.setOptions(Thread.currentThread(), "model=[" + model + "] seeds=3");
				org.scijava.module.Module m = commands.getCommand(GenerateImagesCommand.class).createModule();
				context.inject(m.getDelegateObject());
				MacroDefaults p = new MacroDefaults();
				p.process(m);
				boolean psiResolved = m.isInputResolved("psi"), seedsTouched = m.isInputResolved("seeds");
				Object psi = m.getInput("psi");
				ij.Macro.setOptions(Thread.currentThread(), "seeds=3");
				org.scijava.module.Module m2 = commands.getCommand(GenerateImagesCommand.class).createModule();
				MacroDefaults p2 = new MacroDefaults();
				p2.process(m2);
				result.set(new Object[] {psiResolved, seedsTouched, psi, p2.isCanceled(), p2.getCancelReason()});
			} catch (Throwable e) {
				result.set(e);
			} finally {
				ij.Macro.setOptions(Thread.currentThread(), null);
			}
		}, "Run$_macro-defaults-test");
		t.start();
		t.join();
		assertTrue(result.get() instanceof Object[], String.valueOf(result.get()));
		Object[] r = (Object[]) result.get();
		assertEquals(true, r[0], "psi (absent) resolved, so remembered values cannot replace it");
		assertEquals(false, r[1], "seeds (given) left to the macro-options preprocessor");
		assertEquals(0.7, r[2]);
		assertEquals(true, r[3], "model absent and without default: the command stops");
		assertTrue(String.valueOf(r[4]).contains("no model="), String.valueOf(r[4]));
	}

	@Test
	void imagesCarryTheirSeedAndTheMacroThatMakesThemAgain() throws Exception {
		CommandModule m = run(GenerateImagesCommand.class, "model", model, "seeds", "3-4", "psi", 0.5, "device", "cpu");
		ImagePlus imp = (ImagePlus) m.getOutput("image");
		assertEquals("seed 3 c1", imp.getStack().getSliceLabel(1));
		assertEquals("seed 4 c2", imp.getStack().getSliceLabel(4));
		String info = (String) imp.getProperty("Info");
		assertTrue(info.contains("macro=run(\"Generate Images\", \"") && info.contains("seeds=3-4") && info.contains("psi=0.5")
			&& info.contains("model=[" + model.getAbsolutePath() + "]") || info.contains("model=" + model.getAbsolutePath()), info);
		// the record is a working macro call: replaying it gives the same pixels
		String prefix = "run(\"Generate Images\", \"";
		String call = info.substring(info.indexOf(prefix) + prefix.length(), info.indexOf("\");"));
		CommandModule again = run(GenerateImagesCommand.class, "model", model, "seeds", ij.Macro.getValue(call, "seeds", null),
			"psi", Double.parseDouble(ij.Macro.getValue(call, "psi", null)), "cutoff", Integer.parseInt(ij.Macro.getValue(call, "cutoff", null)),
			"noise", ij.Macro.getValue(call, "noise", null), "device", "cpu");
		assertFalse(again.isCanceled(), again.getCancelReason() + " / " + call);
		assertArrayEquals((byte[]) imp.getStack().getPixels(3), (byte[]) ((ImagePlus) again.getOutput("image")).getStack().getPixels(3));
	}

	@Test
	void commandsAreFoundUnderPluginsStyleGan() {
		for (Class<? extends Command> c : ALL) {
			assertNotNull(commands.getCommand(c), c.getSimpleName());
			org.scijava.MenuPath path = commands.getCommand(c).getMenuPath();
			assertEquals("Plugins", path.get(0).getName(), c.getSimpleName());
			assertEquals("StyleGAN", path.get(1).getName(), c.getSimpleName());
			assertEquals(commands.getCommand(c).getLabel(), path.getLeaf().getName());
		}
	}

	@Test
	void generateImages() throws Exception {
		CommandModule m = run(GenerateImagesCommand.class, "model", model, "seeds", "3-5,9", "psi", 0.7, "device", "cpu",
			"output_type", ImageConversion.FLOAT, "montage", true);
		assertFalse(m.isCanceled(), m.getCancelReason());
		Img<?> img = (Img<?>) m.getOutput("images");
		assertArrayEquals(new long[] {16, 16, 2, 4}, img.dimensionsAsLongArray()); // X, Y, C, N
		assertTrue(img.firstElement() instanceof FloatType);
		ImagePlus imp = (ImagePlus) m.getOutput("image");
		assertEquals(2, imp.getNChannels());
		assertEquals(4, imp.getNFrames());
		assertNotNull(m.getOutput("montage_image"));
		// determinism per seed: seed 9 alone equals the 4th image
		CommandModule one = run(GenerateImagesCommand.class, "model", model, "seeds", "9", "psi", 0.7, "device", "cpu",
			"output_type", ImageConversion.FLOAT);
		float[] all = (float[]) ((ImagePlus) m.getOutput("image")).getStack().getPixels(7);
		float[] single = (float[]) ((ImagePlus) one.getOutput("image")).getStack().getPixels(1);
		assertArrayEquals(all, single, 1e-4f);
		// mapped to the data type: uint8 (the tiny model says so)
		CommandModule typed = run(GenerateImagesCommand.class, "model", model, "seeds", "1", "device", "cpu",
			"output_type", ImageConversion.DATA);
		assertTrue(((Img<?>) typed.getOutput("images")).firstElement() instanceof UnsignedByteType);
		assertEquals(8, ((ImagePlus) typed.getOutput("image")).getBitDepth());
	}

	@Test
	void styleMixingNoiseSweepInterpolation() throws Exception {
		CommandModule mix = run(StyleMixingCommand.class, "model", model, "row_seeds", "1-2", "column_seeds", "5-7",
			"layers", "coarse", "device", "cpu", "montage", true);
		assertEquals(6, ((Img<?>) mix.getOutput("images")).dimension(3));
		ImagePlus montage = (ImagePlus) mix.getOutput("montage_image");
		assertEquals(4 * 16 + 5 * 2, montage.getWidth()); // corner + 3 columns, 2-pixel gaps
		CommandModule noise = run(NoiseResamplingCommand.class, "model", model, "seed", 4L, "draws", 5, "layers", "fine", "device", "cpu");
		assertEquals(5, ((Img<?>) noise.getOutput("images")).dimension(3));
		assertNotNull(noise.getOutput("std_map"));
		CommandModule sweep = run(TruncationSweepCommand.class, "model", model, "seeds", "1-2", "psis", "1,0.5,0", "montage", true,
			"device", "cpu");
		assertEquals(6, ((Img<?>) sweep.getOutput("images")).dimension(3));
		ij.ImagePlus sweepMontage = (ij.ImagePlus) sweep.getOutput("montage_image");
		assertEquals(3 * 16 + 4, sweepMontage.getWidth()); // seeds × ψ: 3 columns (one per ψ), 1-pixel gaps
		assertEquals(2 * 16 + 3, sweepMontage.getHeight());
		assertEquals("seed 2 psi 0.5 c1", ((ij.ImagePlus) sweep.getOutput("image")).getStack().getSliceLabel(2 * 4 + 1)); // frame 5, channel 1
		CommandModule interp = run(InterpolationCommand.class, "model", model, "seed_a", 1L, "seed_b", 2L, "frames", 7, "device", "cpu");
		assertEquals(7, ((Img<?>) interp.getOutput("images")).dimension(3));
	}

	@Test
	void batchExportIsRestartable() throws Exception {
		Path out = dir.resolve("export");
		CommandModule first = run(BatchExportCommand.class, "model", model, "output_folder", out.toFile(), "seeds", "0-4",
			"device", "cpu", "batch_size", 2);
		assertEquals(5, first.getOutput("written"));
		Path f = out.resolve(BatchExportCommand.fileName(3, "", 1.0, io.github.stylegan4fiji.sampling.Truncation.OFFICIAL_CUTOFF, "seeded"));
		byte[] before = Files.readAllBytes(f);
		Files.delete(out.resolve(BatchExportCommand.fileName(4, "", 1.0, io.github.stylegan4fiji.sampling.Truncation.OFFICIAL_CUTOFF, "seeded")));
		CommandModule again = run(BatchExportCommand.class, "model", model, "output_folder", out.toFile(), "seeds", "0-4",
			"device", "cpu", "batch_size", 2);
		assertEquals(1, again.getOutput("written"));
		assertEquals(4, again.getOutput("skipped"));
		assertArrayEquals(before, Files.readAllBytes(f));
		ImagePlus back = ij.IJ.openImage(f.toString());
		assertTrue(((String) back.getProperty("Info")).contains("seed=3"));
	}

	/** End to end through commands only: train on a folder, then sample from the result. */
	@Test
	void trainThenSampleThroughCommands() throws Exception {
		Path data = dir.resolve("e2e-images");
		Files.createDirectories(data);
		io.github.stylegan4fiji.core.NumpyRandom r = new io.github.stylegan4fiji.core.NumpyRandom(9);
		for (int i = 0; i < 16; i++) {
			short[] px = new short[12 * 10]; // 16-bit, non-square: cropped to 8×8
			for (int j = 0; j < px.length; j++) px[j] = (short) (1000 + r.nextInt(3000));
			ImagePlus imp = new ImagePlus("i", new ij.process.ShortProcessor(12, 10, px, null));
			assertTrue(new ij.io.FileSaver(imp).saveAsTiff(data.resolve("cell" + i + ".tif").toString()));
		}
		Path out = dir.resolve("e2e-run");
		CommandModule train = run(TrainCommand.class, "image_folder", data.toFile(), "output_folder", out.toFile(),
			"resolution", "8", "kimg", 0.04, "phase_kimg", 0.01, "batch", 4, "snapshot_kimg", 0.02, "fmap_base", 16,
			"fmap_max", 8, "latent", 8, "device", "cpu");
		assertFalse(train.isCanceled(), train.getCancelReason());
		File trained = (File) train.getOutput("model_file");
		assertTrue(trained.exists());
		CommandModule gen = run(GenerateImagesCommand.class, "model", trained, "seeds", "0-3", "device", "cpu",
			"output_type", ImageConversion.DATA);
		Img<?> img = (Img<?>) gen.getOutput("images");
		assertArrayEquals(new long[] {8, 8, 4}, img.dimensionsAsLongArray());
		assertTrue(img.firstElement() instanceof net.imglib2.type.numeric.integer.UnsignedShortType, "16-bit data → 16-bit output");
		assertEquals(4, ((Img<?>) run(StyleMixingCommand.class, "model", trained, "row_seeds", "1-2", "column_seeds", "3-4",
			"layers", "middle", "device", "cpu").getOutput("images")).dimension(2));
		assertEquals(3, ((Img<?>) run(NoiseResamplingCommand.class, "model", trained, "seed", 1L, "draws", 3, "layers", "all",
			"device", "cpu").getOutput("images")).dimension(2));
		assertEquals(3, run(BatchExportCommand.class, "model", trained, "output_folder", out.resolve("export").toFile(),
			"seeds", "0-2", "device", "cpu").getOutput("written"));
	}

	@Test
	void computeMetricsWithoutRealImages() throws Exception {
		// the shipped classifier takes one channel: a 2-channel model is refused up front with the reason;
		// PPL and LS need no real images
		File net = new File("models/fashion-mnist-classifier.zip");
		CommandModule refused = run(ComputeMetricsCommand.class, "model", model, "feature_network", net, "metrics", "ppl_wend",
			"ppl_pairs", 4, "device", "cpu");
		assertTrue(refused.getCancelReason().contains("channels"), refused.getCancelReason());
		Path oneChannel = dir.resolve("one-channel.zip");
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			ModelFile.save(m, oneChannel);
		}
		CommandModule ok = run(ComputeMetricsCommand.class, "model", oneChannel.toFile(), "feature_network", net,
			"metrics", "ppl_wend,ppl_zfull,ls", "ppl_pairs", 6, "ls_samples", 40, "batch_size", 8, "device", "cpu");
		assertFalse(ok.isCanceled(), ok.getCancelReason());
		String results = (String) ok.getOutput("results");
		for (String key : new String[] {"ppl_wend", "ppl_zfull", "ls_z", "ls_w"}) assertTrue(results.contains(key + " = "), results);
		// no feature network given: the built-in one is found (here in the project folder)
		CommandModule builtIn = run(ComputeMetricsCommand.class, "model", oneChannel.toFile(), "metrics", "ppl_wend", "ppl_pairs", 4,
			"batch_size", 8, "device", "cpu");
		assertFalse(builtIn.isCanceled(), builtIn.getCancelReason());
		assertTrue(((String) builtIn.getOutput("results")).contains("ppl_wend = "));
	}

	@Test
	void badInputGivesClearErrorsAndNoOutput() throws Exception {
		CommandModule missing = run(GenerateImagesCommand.class, "model", new File(dir.toFile(), "nope.zip"), "device", "cpu");
		assertTrue(missing.isCanceled());
		assertTrue(missing.getCancelReason().contains("not found"), missing.getCancelReason());
		assertNull(missing.getOutput("image"));
		CommandModule seeds = run(GenerateImagesCommand.class, "model", model, "seeds", "5-x", "device", "cpu");
		assertTrue(seeds.getCancelReason().contains("5-x"), seeds.getCancelReason());
		CommandModule psi = run(GenerateImagesCommand.class, "model", model, "seeds", "1", "psi", 7.0, "device", "cpu");
		assertTrue(psi.getCancelReason().contains("psi"), psi.getCancelReason());
		CommandModule layers = run(StyleMixingCommand.class, "model", model, "layers", "0-40", "device", "cpu");
		assertTrue(layers.getCancelReason().contains("style layers"), layers.getCancelReason());
		Path file = dir.resolve("plain-file");
		Files.write(file, new byte[] {1});
		CommandModule folder = run(BatchExportCommand.class, "model", model, "output_folder", file.resolve("sub").toFile(), "device", "cpu");
		assertTrue(folder.isCanceled());
		File net = new File("models/fashion-mnist-classifier.zip");
		CommandModule noReals = run(ComputeMetricsCommand.class, "model", model, "feature_network", net, "metrics", "fid", "device", "cpu");
		assertTrue(noReals.getCancelReason().contains("real images"), noReals.getCancelReason());
		CommandModule unknown = run(ComputeMetricsCommand.class, "model", model, "feature_network", net, "metrics", "fid,is", "device", "cpu");
		assertTrue(unknown.getCancelReason().contains("'is'"), unknown.getCancelReason());
		CommandModule info = run(ModelInfoCommand.class, "model", model);
		assertTrue(((String) info.getOutput("info")).contains("16×16, 2 channel(s)"));
	}
}

package io.github.stylegan4fiji.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.stylegan4fiji.core.ConvShape;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.data.ImageFolder;
import io.github.stylegan4fiji.data.LabelledImages;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.metrics.ClassifierCheck;
import io.github.stylegan4fiji.metrics.FeatureNetwork;
import io.github.stylegan4fiji.sampling.ClassTranslation;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.ProjectedLatents;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Conditional models (issue 14): a tiny model learns two synthetic classes (checked by the classifier
 * check with a classifier that knows the classes by construction), the file keeps the classes, class
 * translation's end frames are plain generation under each class, truncation pulls toward the class's
 * own average w, and labelled data loads from subfolders and CSV files with clear errors.
 * The graph itself (label embedding, D's label switch, R1) is compared with the official formulas in
 * {@link OfficialReferenceTest#res32ThreeClasses}.
 */
class ConditionalTest {

	static final List<String> CLASSES = Arrays.asList("top", "bottom");

	@TempDir
	Path dir;

	/** Class 0: a bright bar in the upper half; class 1: in the lower half; 8×8, the rest dark. */
	static Dataset bars(int n, long seed) {
		NumpyRandom r = new NumpyRandom(seed);
		int res = 8;
		float[] px = new float[n * res * res];
		int[] labels = new int[n];
		Arrays.fill(px, -1f);
		for (int i = 0; i < n; i++) {
			labels[i] = i % 2;
			int row = (labels[i] == 0 ? 1 : 5) + r.nextInt(2);
			for (int x = 1; x < res - 1; x++) px[(i * res + row) * res + x] = 1f;
		}
		return new Dataset(px, n, 1, res, DataRange.ofType(DataRange.PixelType.UINT8), null).withLabels(labels, CLASSES);
	}

	static StyleGanConfig conditionalArch() {
		StyleGanConfig c = TrainerTest.tinyArch(8);
		c.labelSize = 2;
		c.classNames = CLASSES;
		return c.validate();
	}

	/** A classifier that knows the classes by construction: logits = brightness of the upper and the lower half. */
	static final class HalvesClassifier implements FeatureNetwork {
		private final NDManager manager = NDManager.newBaseManager(Device.cpu());

		@Override public String id() { return "halves"; }
		@Override public int featureSize() { return 2; }
		@Override public NDManager manager() { return manager; }
		@Override public Set<ConvShape> convolutionShapes() { return Collections.emptySet(); }
		@Override public NDArray features(NDArray images) { return logits(images); }
		@Override public NDArray perceptualDistance(NDArray a, NDArray b) { throw new UnsupportedOperationException(); }
		@Override public List<String> classNames() { return Arrays.asList("Bottom", "Top"); } // other order and case: matched by name

		@Override
		public NDArray logits(NDArray images) {
			long n = images.getShape().get(0);
			NDArray top = images.get(":, :, 0:4, :").reshape(n, -1).mean(new int[] {1});
			NDArray bottom = images.get(":, :, 4:8, :").reshape(n, -1).mean(new int[] {1});
			return bottom.stack(top, 1);
		}

		@Override public void close() { manager.close(); }
	}

	@Test
	void aTinyConditionalModelLearnsTwoClasses() throws IOException {
		Dataset data = bars(128, 3);
		TrainingOptions o = TrainingOptions.cpu(100, 1, 8);
		o.progressive = false;
		o.lrBase = 0.003;
		o.gEmaKimg = 0.3;
		o.mirror = false;
		o.gridSeeds = "0-3";
		Path run = dir.resolve("run");
		try (Trainer t = Trainer.start(conditionalArch(), o, data, run, Device.cpu()); HalvesClassifier net = new HalvesClassifier()) {
			ClassifierCheck.Result before;
			try (Sampler s = t.sampler()) {
				before = ClassifierCheck.of(s, net, 64, 1, 32, Progress.NONE);
			}
			for (int i = 0; i < 400; i++) t.step();
			ClassifierCheck.Result after;
			try (Sampler s = t.sampler()) {
				after = ClassifierCheck.of(s, net, 64, 1, 32, Progress.NONE);
			}
			System.out.println("before training:\n" + ClassifierCheck.format(before) + "after 400 steps:\n" + ClassifierCheck.format(after));
			assertEquals("name", after.matchedBy);
			assertArrayEquals(new long[] {64, 64}, new long[] {Arrays.stream(after.confusion[0]).sum(), Arrays.stream(after.confusion[1]).sum()});
			for (int k = 0; k < 2; k++) assertTrue(after.accuracy[k] >= 0.75, "class " + CLASSES.get(k) + ": " + after.accuracy[k]); // chance: 0.5
			assertTrue(after.meanAccuracy >= 0.85, "mean " + after.meanAccuracy);

			// the file keeps the classes, the embedding and the class centres
			t.saveCheckpoint(run.resolve("checkpoint.zip"));
			try (StyleGanModel m = ModelFile.load(run.resolve("checkpoint.zip"), Device.cpu())) {
				assertEquals(CLASSES, m.config.classNames);
				assertEquals(2, m.config.labelSize);
				float[] centres = m.gEma().hostValues(GeneratorNetwork.CLASS_DLATENT_AVG);
				float diff = 0;
				for (int j = 0; j < m.config.dlatentSize; j++) diff += Math.abs(centres[j] - centres[m.config.dlatentSize + j]);
				assertTrue(diff > 1e-3, "the two classes' average w differ");
			}
		}
	}

	@Test
	void translationEndsAreGenerationUnderEachClassAndTruncationPullsTowardTheClassCentre() throws IOException {
		StyleGanConfig c = conditionalArch();
		try (StyleGanModel m = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 5, Device.cpu());
				Sampler s = new Sampler(m, Device.cpu())) {
			io.github.stylegan4fiji.sampling.ClassCentres.update(m);
			long[] seeds = {3, 8};
			for (double psi : new double[] {1.0, 0.6}) {
				Truncation t = new Truncation(psi, 0);
				Images frames = s.translate(seeds, 0, 1, 4, false, t);
				assertEquals(8, frames.n);
				for (int i = 0; i < seeds.length; i++) {
					NoiseSpec noise = NoiseSpec.perSample(new long[] {seeds[i]});
					Images a = s.classLabel(0).generate(new long[] {seeds[i]}, t, noise);
					Images b = s.classLabel(1).generate(new long[] {seeds[i]}, t, noise);
					assertClose(a, frames.slice(i * 4, 1), "seed " + seeds[i] + " ψ " + psi + " first frame = class 0");
					assertClose(b, frames.slice(i * 4 + 3, 1), "seed " + seeds[i] + " ψ " + psi + " last frame = class 1");
					Images d = ClassTranslation.endDifference(frames, seeds.length, 4).slice(i, 1);
					for (int j = 0; j < d.data.length; j++) assertEquals(b.data[j] - a.data[j], d.data[j], 1e-5f);
				}
				s.classLabel(-1);
			}
			// the centroid shift starts at class A too, and moves by the difference of the class centres
			Images shifted = s.translate(new long[] {3}, 0, 1, 3, true, Truncation.NONE);
			assertClose(s.classLabel(0).generate(new long[] {3}, Truncation.NONE, NoiseSpec.perSample(new long[] {3})), shifted.slice(0, 1), "shift t=0");
			assertNotEquals(shifted.slice(0, 1).data[10], shifted.slice(2, 1).data[10]);
			// ψ = 0 toward class k: every seed gives that class's centre image
			Images zero = s.classLabel(1).generate(new long[] {1, 2, 3}, new Truncation(0, 0), NoiseSpec.constant());
			assertClose(zero.slice(0, 1), zero.slice(2, 1), "ψ 0 → the class centre");
			Images other = s.classLabel(0).generate(new long[] {1}, new Truncation(0, 0), NoiseSpec.constant());
			assertFalse(Arrays.equals(other.data, zero.slice(0, 1).data), "each class has its own centre");
			// without a class, seed s makes class s mod 2
			s.classLabel(-1);
			assertArrayEquals(new int[] {0, 1, 0, 1}, s.classesOf(new long[] {4, 5, 6, 7}));
			assertThrows(IllegalArgumentException.class, () -> s.mapZ(new float[c.latentSize], 1));
		}
	}

	/** Projected real images under class translation: frame 0 is the reconstruction, the last frame w + (w̄_B − w̄_A) on every layer. */
	@Test
	void translationOfProjectedImagesIsTheCentroidShiftOfTheirLatents() throws IOException {
		StyleGanConfig c = conditionalArch();
		try (StyleGanModel m = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 5, Device.cpu());
				Sampler s = new Sampler(m, Device.cpu())) {
			io.github.stylegan4fiji.sampling.ClassCentres.update(m);
			int n = 2, layers = c.numLayers(), d = c.dlatentSize;
			float[] mapped = s.mapZ(io.github.stylegan4fiji.sampling.Latents.zBatch(new long[] {3, 8}, c.latentSize), n, new int[] {0, 0});
			float[] w = new float[n * layers * d]; // W+: each layer its own w (the mapped one, nudged per layer)
			for (int i = 0; i < n; i++)
				for (int l = 0; l < layers; l++)
					for (int j = 0; j < d; j++) w[(i * layers + l) * d + j] = mapped[i * d + j] + 0.05f * l * ((j % 3) - 1);
			float[][] noise = new float[layers][];
			float[][] a = NoiseSpec.seededMaps(c, 11), b = NoiseSpec.seededMaps(c, 12);
			for (int l = 0; l < layers; l++) {
				noise[l] = Arrays.copyOf(a[l], 2 * a[l].length);
				System.arraycopy(b[l], 0, noise[l], a[l].length, b[l].length);
			}
			ProjectedLatents p = new ProjectedLatents(n, layers, d, w, noise, 0, new String[] {"x", "y"});
			Images frames = s.translate(p, 1, 3, Truncation.NONE);
			assertEquals(n * 3, frames.n);
			float[] centres = m.gEma().hostValues(io.github.stylegan4fiji.core.GeneratorNetwork.CLASS_DLATENT_AVG);
			float[] shifted = w.clone();
			for (int i = 0; i < n * layers; i++)
				for (int j = 0; j < d; j++) shifted[i * d + j] += centres[d + j] - centres[j];
			Images start = s.render(p, Truncation.NONE);
			Images end = s.render(new ProjectedLatents(n, layers, d, shifted, noise, 1, null), Truncation.NONE);
			for (int i = 0; i < n; i++) {
				assertClose(start.slice(i, 1), frames.slice(i * 3, 1), "image " + i + ": frame 0 = the reconstruction");
				assertClose(end.slice(i, 1), frames.slice(i * 3 + 2, 1), "image " + i + ": last frame = w shifted by the class centres");
			}
			assertFalse(Arrays.equals(start.data, end.data), "the shift changes the images");
			ProjectedLatents noClass = new ProjectedLatents(n, layers, d, w, noise, -1, null);
			assertThrows(IllegalArgumentException.class, () -> s.translate(noClass, 1, 3, Truncation.NONE));
		}
	}

	@Test
	void pplAndLsOfAConditionalModelNeedAClassAndAreSkippedWithoutOne() throws IOException {
		try (StyleGanModel m = StyleGanModel.create(conditionalArch(), DataRange.ofType(DataRange.PixelType.UINT8), 5, Device.cpu());
				Sampler s = new Sampler(m, Device.cpu());
				FeatureNetwork net = io.github.stylegan4fiji.metrics.FeatureNetworks.load(Path.of("models/fashion-mnist-classifier.zip"), Device.cpu())) {
			io.github.stylegan4fiji.metrics.Metrics.Options o = new io.github.stylegan4fiji.metrics.Metrics.Options();
			o.metrics = Arrays.asList("ppl_wend", "ls");
			o.pplSamples = 8;
			o.lsSamples = 16;
			o.batchSize = 8;
			io.github.stylegan4fiji.metrics.Metrics.Result r = io.github.stylegan4fiji.metrics.Metrics.compute(s, net, null, o, Progress.NONE);
			assertTrue(r.values.isEmpty(), r.values.toString());
			assertTrue(String.valueOf(r.details.get("ppl_wend")).startsWith("skipped"), r.details.toString());
			o.metrics = Arrays.asList("ppl_wend");
			r = io.github.stylegan4fiji.metrics.Metrics.compute(s.classLabel(1), net, null, o, Progress.NONE);
			assertTrue(Double.isFinite(r.values.get("ppl_wend")), r.values.toString());
			assertEquals("bottom", r.details.get("class"));
		}
	}

	private static void assertClose(Images expected, Images actual, String what) {
		assertEquals(expected.data.length, actual.data.length);
		for (int i = 0; i < expected.data.length; i++) assertEquals(expected.data[i], actual.data[i], 1e-4f, what + " at " + i);
	}

	@Test
	void labelsFromSubfoldersOrCsvAndClearErrors() throws IOException {
		Path folder = dir.resolve("data");
		Files.createDirectories(folder.resolve("control"));
		Files.createDirectories(folder.resolve("treated"));
		String[] files = {"a.png", "b.png", "c.png", "d.png"};
		for (int i = 0; i < files.length; i++) {
			Path sub = folder.resolve(i < 2 ? "control" : "treated");
			png(sub.resolve(files[i]));
		}
		ImageFolder.Options o = new ImageFolder.Options();
		LabelledImages byFolder = LabelledImages.loadFolder(folder, 8, o, s -> { });
		assertEquals(Arrays.asList("control", "treated"), byFolder.images.classNames);
		assertArrayEquals(new int[] {2, 2}, byFolder.images.classCounts());
		assertTrue(byFolder.images.summary().contains("2 classes: control 2, treated 2"), byFolder.images.summary());

		Path flat = dir.resolve("flat");
		Files.createDirectories(flat);
		for (int i = 0; i < files.length; i++)
			png(flat.resolve(files[i]));
		Path csv = dir.resolve("labels.csv");
		Files.write(csv, "file,label\na.png,mutant\nb.png,wt\nsub/c.png,wt\n\"d.png\",mutant\n".getBytes(StandardCharsets.UTF_8));
		LabelledImages byCsv = LabelledImages.loadCsv(flat, csv, 8, o, s -> { });
		assertEquals(Arrays.asList("mutant", "wt"), byCsv.images.classNames);
		assertArrayEquals(new int[] {0, 1, 1, 0}, byCsv.images.labels);

		Files.write(csv, "a.png,mutant\nb.png,wt\n".getBytes(StandardCharsets.UTF_8));
		IOException missing = assertThrows(IOException.class, () -> LabelledImages.loadCsv(flat, csv, 8, o, s -> { }));
		assertTrue(missing.getMessage().contains("c.png") && missing.getMessage().contains("no label"), missing.getMessage());
		Files.write(csv, "a.png,mutant\na.png,wt\n".getBytes(StandardCharsets.UTF_8));
		assertThrows(IOException.class, () -> LabelledImages.loadCsv(flat, csv, 8, o, s -> { }));

		// an unconditional architecture refuses labelled data, a conditional one unlabelled data
		TrainingOptions opts = TrainingOptions.cpu(1, 1, 4);
		IllegalArgumentException e1 = assertThrows(IllegalArgumentException.class,
			() -> Trainer.start(TrainerTest.tinyArch(8), opts, byFolder.images, dir.resolve("r1"), Device.cpu()));
		assertTrue(e1.getMessage().contains("unconditional"), e1.getMessage());
		IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
			() -> Trainer.start(conditionalArch(), opts, TrainerTest.blobs(8, 8, 1), dir.resolve("r2"), Device.cpu()));
		assertTrue(e2.getMessage().contains("no class labels"), e2.getMessage());
	}

	private static void png(Path file) {
		assertTrue(new ij.io.FileSaver(new ij.ImagePlus("i", new ij.process.ByteProcessor(8, 8))).saveAsPng(file.toString()));
	}

	@Test
	void classesByNameOrNumber() {
		StyleGanConfig c = conditionalArch();
		assertEquals(1, c.classIndex("bottom"));
		assertEquals(0, c.classIndex("0"));
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.classIndex("left"));
		assertTrue(e.getMessage().contains("0 = top, 1 = bottom"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> TrainerTest.tinyArch(8).classIndex("0"));
		StyleGanConfig bad = conditionalArch();
		bad.classNames = Arrays.asList("a", "a");
		assertThrows(IllegalArgumentException.class, bad::validate);
	}
}

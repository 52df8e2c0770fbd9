package io.github.stylegan4fiji.sampling;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.GeneratorNetwork;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.StyleGanModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The sampling controls of the paper on a tiny 32² model (8 style layers). */
class SamplerTest {

	private static StyleGanModel model;
	private static Sampler sampler;

	@BeforeAll
	static void open() {
		model = TestModels.tiny(32, 2);
		sampler = new Sampler(model, Device.cpu()).batchSize(3);
	}

	@AfterAll
	static void close() {
		sampler.close();
		model.close();
	}

	private static double meanAbsDiff(float[] a, float[] b) {
		double s = 0;
		for (int i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
		return s / a.length;
	}

	@Test
	void seedsAreReproducibleAndDistinct() {
		Images a = sampler.generate(new long[] {1, 2, 3, 4}, new Truncation(0.7, 0), NoiseSpec.constant());
		Images b = sampler.generate(new long[] {1, 2, 3, 4}, new Truncation(0.7, 0), NoiseSpec.constant());
		assertArrayEquals(a.data, b.data, 0f);
		assertTrue(meanAbsDiff(a.slice(0, 1).data, a.slice(1, 1).data) > 1e-3);
		// batching does not change an image: seed 3 alone equals seed 3 in a batch
		Images single = sampler.generate(new long[] {3}, new Truncation(0.7, 0), NoiseSpec.constant());
		assertArrayEquals(a.slice(2, 1).data, single.data, 1e-4f); // libtorch may pick other kernels per batch size
	}

	/**
	 * The sampler's view of G_ema keeps derived values (scaled weights, fused kernels) across batches:
	 * images equal those of the plain weights, each value is computed once, the view is read-only,
	 * and closing it leaves the model's own tensors usable.
	 */
	@Test
	void samplingViewComputesDerivedValuesOnceAndChangesNoImage() {
		ai.djl.ndarray.NDManager vm = model.manager().newSubManager();
		io.github.stylegan4fiji.core.Params view = model.gEma().samplingView(vm);
		GeneratorNetwork g = model.generator;
		for (int batch = 0; batch < 3; batch++) {
			try (NDScope scope = new NDScope()) {
				scope.suppressNotUsedWarning();
				NDArray z = model.manager().randomNormal(new Shape(2, model.config.latentSize));
				float[] plain = g.generate(model.gEma(), z, 0.7, 0, NoiseSource.NONE).toFloatArray();
				float[] viewed = g.generate(view, z, 0.7, 0, NoiseSource.NONE).toFloatArray(); // batch > 0: cached values
				assertArrayEquals(plain, viewed, 0f);
			}
		}
		int[] calls = {0};
		java.util.function.Supplier<NDArray> twice = () -> {
			calls[0]++;
			return model.gEma().get(GeneratorNetwork.DLATENT_AVG).mul(2);
		};
		NDArray first = view.derived("test/twice", twice);
		assertSame(first, view.derived("test/twice", twice));
		assertEquals(1, calls[0]);
		model.gEma().derived("test/twice", twice); // plain weights: computed on every call
		model.gEma().derived("test/twice", twice);
		assertEquals(3, calls[0]);
		assertThrows(IllegalStateException.class, () -> view.put("x", model.manager().zeros(new Shape(1)), false));
		view.close();
		assertTrue(first.isReleased(), "derived values go with the view");
		assertEquals(model.config.dlatentSize, model.gEma().get(GeneratorNetwork.DLATENT_AVG).toFloatArray().length); // still usable
		vm.close();
	}

	@Test
	void psiZeroGivesTheAverageImageForEverySeed() {
		Images img = sampler.generate(new long[] {10, 20, 30}, new Truncation(0, 0), NoiseSpec.none());
		assertArrayEquals(img.slice(0, 1).data, img.slice(1, 1).data, 1e-5f);
		assertArrayEquals(img.slice(0, 1).data, img.slice(2, 1).data, 1e-5f);
		// and a seed-dependent image without truncation
		Images free = sampler.generate(new long[] {10, 20}, Truncation.NONE, NoiseSpec.none());
		assertTrue(meanAbsDiff(free.slice(0, 1).data, free.slice(1, 1).data) > 1e-3);
	}

	@Test
	void truncationFormulaPsiOneAndCutoff() {
		GeneratorNetwork g = model.generator;
		try (NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			NDArray w = g.map(model.gEma(), model.manager().create(Latents.zBatch(new long[] {5, 6}, 16), new Shape(2, 16)));
			NDArray[] ws = g.broadcast(w);
			NDArray[] same = g.truncate(model.gEma(), ws, 1.0, 0);
			for (int l = 0; l < ws.length; l++) assertSame(ws[l], same[l]);
			NDArray[] cut = g.truncate(model.gEma(), ws, 0.5, 3);
			float[] avg = model.gEma().get(GeneratorNetwork.DLATENT_AVG).toFloatArray();
			float[] wv = w.toFloatArray();
			for (int l = 0; l < ws.length; l++) {
				float[] got = cut[l].toFloatArray();
				for (int i = 0; i < got.length; i++) {
					double expected = l < 3 ? avg[i % 16] + 0.5 * (wv[i] - avg[i % 16]) : wv[i];
					assertEquals(expected, got[i], 1e-5, "layer " + l);
				}
				if (l >= 3) assertSame(ws[l], cut[l], "layers past the cutoff are untouched");
			}
		}
	}

	@Test
	void styleMixingKeepsSourceAActivationsBeforeTheCrossover() {
		GeneratorNetwork g = model.generator;
		int k = 4;
		try (NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			NDArray wa = g.map(model.gEma(), model.manager().create(Latents.z(7, 16), new Shape(1, 16)));
			NDArray wb = g.map(model.gEma(), model.manager().create(Latents.z(8, 16), new Shape(1, 16)));
			NDArray[] mixed = g.broadcast(wa).clone();
			for (int l = k; l < mixed.length; l++) mixed[l] = wb;
			Map<Integer, float[]> actA = new HashMap<>(), actMix = new HashMap<>();
			NoiseSource noise = NoiseSource.constant(model.gEma());
			g.synthesize(model.gEma(), g.broadcast(wa), noise, 0, (l, x) -> actA.put(l, x.toFloatArray()));
			g.synthesize(model.gEma(), mixed, noise, 0, (l, x) -> actMix.put(l, x.toFloatArray()));
			assertEquals(8, actA.size());
			for (int l = 0; l < k; l++) assertArrayEquals(actA.get(l), actMix.get(l), 0f, "layer " + l);
			for (int l = k; l < 8; l++) assertTrue(meanAbsDiff(actA.get(l), actMix.get(l)) > 1e-4, "layer " + l);
		}
		// the grid API: with no layers from the columns, every column shows its row's image
		Images grid = sampler.styleMix(new long[] {1, 2}, new long[] {3, 4, 5}, LayerRange.parse("none", 8),
			Truncation.NONE, NoiseSpec.constant());
		Images rows = sampler.generate(new long[] {1, 2}, Truncation.NONE, NoiseSpec.constant());
		for (int r = 0; r < 2; r++)
			for (int c = 0; c < 3; c++)
				assertArrayEquals(rows.slice(r, 1).data, grid.slice(r * 3 + c, 1).data, 1e-5f);
		Images all = sampler.styleMix(new long[] {1}, new long[] {3}, LayerRange.parse("all", 8), Truncation.NONE,
			NoiseSpec.constant());
		assertArrayEquals(sampler.generate(new long[] {3}, Truncation.NONE, NoiseSpec.constant()).data, all.data, 1e-5f);
	}

	@Test
	void noiseChangesDetailFarLessThanTheLatent() {
		long[] seed = {11};
		Images base = sampler.generate(seed, Truncation.NONE, NoiseSpec.seeded(1));
		Images otherNoise = sampler.generate(seed, Truncation.NONE, NoiseSpec.seeded(2));
		Images otherLatent = sampler.generate(new long[] {12}, Truncation.NONE, NoiseSpec.seeded(1));
		double dNoise = meanAbsDiff(base.data, otherNoise.data), dLatent = meanAbsDiff(base.data, otherLatent.data);
		assertTrue(dNoise > 0, "noise has an effect");
		System.out.println("noise vs latent change: " + dNoise + " / " + dLatent);
		assertTrue(dNoise < 0.5 * dLatent, "noise " + dNoise + " vs latent " + dLatent);
		// seeded noise is reproducible; none and const are deterministic
		assertArrayEquals(base.data, sampler.generate(seed, Truncation.NONE, NoiseSpec.seeded(1)).data, 0f);
		for (NoiseSpec n : new NoiseSpec[] {NoiseSpec.none(), NoiseSpec.constant()})
			assertArrayEquals(sampler.generate(seed, Truncation.NONE, n).data, sampler.generate(seed, Truncation.NONE, n).data, 0f);
		// random noise differs between calls
		assertTrue(meanAbsDiff(sampler.generate(seed, Truncation.NONE, NoiseSpec.random()).data,
			sampler.generate(seed, Truncation.NONE, NoiseSpec.random()).data) > 0);
	}

	@Test
	void resamplingNoiseInChosenLayersOnly() {
		GeneratorNetwork g = model.generator;
		NoiseSpec base = NoiseSpec.seeded(1);
		NoiseSpec fineOnly = base.withLayers(new LayerRange(6, 8), 99);
		try (NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			NDArray w = g.map(model.gEma(), model.manager().create(Latents.z(7, 16), new Shape(1, 16)));
			Map<Integer, float[]> a = new HashMap<>(), b = new HashMap<>();
			g.synthesize(model.gEma(), g.broadcast(w), base.source(model.config, model.gEma(), 0), 0, (l, x) -> a.put(l, x.toFloatArray()));
			g.synthesize(model.gEma(), g.broadcast(w), fineOnly.source(model.config, model.gEma(), 0), 0, (l, x) -> b.put(l, x.toFloatArray()));
			for (int l = 0; l < 6; l++) assertArrayEquals(a.get(l), b.get(l), 0f);
			assertTrue(meanAbsDiff(a.get(6), b.get(6)) > 0);
		}
		// the seeded maps are the NumPy stream of the noise seed, layer after layer
		float[][] maps = NoiseSpec.seededMaps(model.config, 3);
		assertEquals(16, maps[0].length);
		assertEquals(32 * 32, maps[7].length);
		double[] stream = new NumpyRandom(3).randn(16 + 16 + 2);
		assertEquals((float) stream[16], maps[1][0], 0f);
		assertEquals((float) stream[33], maps[2][1], 0f);
	}

	@Test
	void noiseOnlyInChosenLayers() {
		// Figure 5: noise in no layer equals noise mode none; noise only in the coarse layers leaves
		// the layers after them free of noise, so resampling there changes nothing in those layers
		Images noNoise = sampler.generate(new long[] {5}, Truncation.NONE, NoiseSpec.none());
		Images emptyRange = sampler.noiseResample(5, 2, new LayerRange(0, 0), true, Truncation.NONE);
		assertArrayEquals(noNoise.data, emptyRange.slice(0, 1).data, 1e-5f); // batch 1 vs 2: other kernels, rounding only
		Images coarse = sampler.noiseResample(5, 3, LayerRange.coarse(8), true, Truncation.NONE);
		assertTrue(meanAbsDiff(coarse.slice(0, 1).data, coarse.slice(1, 1).data) > 0);
		assertTrue(meanAbsDiff(coarse.slice(0, 1).data, noNoise.data) > 0);
	}

	@Test
	void interpolationEndsAtTheSeeds() {
		Images ends = sampler.generate(new long[] {4, 9}, Truncation.NONE, NoiseSpec.constant());
		for (boolean inW : new boolean[] {false, true}) {
			Images path = sampler.interpolate(4, 9, 5, inW, Truncation.NONE, NoiseSpec.constant());
			assertEquals(5, path.n);
			assertArrayEquals(ends.slice(0, 1).data, path.slice(0, 1).data, 1e-4f);
			assertArrayEquals(ends.slice(1, 1).data, path.slice(4, 1).data, 1e-4f);
		}
		Images sweep = sampler.truncationSweep(new long[] {4, 9}, new double[] {1, 0}, 0, NoiseSpec.constant());
		assertEquals(4, sweep.n);
		assertArrayEquals(ends.slice(1, 1).data, sweep.slice(2, 1).data, 1e-5f);
		assertArrayEquals(sweep.slice(1, 1).data, sweep.slice(3, 1).data, 1e-5f); // ψ = 0 for both seeds
	}
}

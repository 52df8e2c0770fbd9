package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.*;

/** Generator and discriminator shapes at every resolution and several channel counts. */
class NetworkShapesTest {

	/** Tiny widths that still give ≥ 1 feature map at 1024². */
	private static StyleGanConfig config(int res, int channels) {
		StyleGanConfig c = StyleGanConfig.tiny(8, channels);
		c.resolution = res;
		c.fmapBase = 1024;
		c.fmapMax = 8;
		return c.validate();
	}

	@ParameterizedTest
	@ValueSource(ints = {8, 16, 32, 64, 128, 256, 512, 1024})
	void everyResolution(int res) {
		for (int channels : res <= 64 ? new int[] {1, 3, 5} : new int[] {3}) {
			StyleGanConfig c = config(res, channels);
			assertEquals(2 * Integer.numberOfTrailingZeros(res) - 2, c.numLayers());
			try (StyleGanModel m = TestModels.tiny(c); NDScope scope = new NDScope()) {
				scope.suppressNotUsedWarning();
				NDManager nm = m.manager();
				NDArray z = nm.randomNormal(new Shape(2, c.latentSize));
				NDArray img = m.generator.generate(m.g(), z, 0.7, 0, NoiseSource.RANDOM);
				assertEquals(new Shape(2, channels, res, res), img.getShape(), "G at " + res + "² × " + channels);
				NDArray score = m.discriminator.forward(m.d(), img, 0);
				assertEquals(new Shape(2, 1), score.getShape());
				for (float v : score.toFloatArray()) assertTrue(Float.isFinite(v));
				// every lod renders at full size, for G and D alike
				double maxLod = c.resolutionLog2() - 2;
				for (double lod : new double[] {0.5, maxLod}) {
					NDArray low = m.generator.synthesize(m.g(), m.generator.broadcast(m.generator.map(m.g(), z)),
						NoiseSource.NONE, lod, LayerObserver.NONE);
					assertEquals(new Shape(2, channels, res, res), low.getShape());
					assertEquals(new Shape(2, 1), m.discriminator.forward(m.d(), low, lod).getShape());
				}
			}
		}
	}

	/** G and D leave their callers only their outputs: each layer's temporaries are freed as it ends (issue 17). */
	@Test
	void networksLeaveOnlyTheirOutputs() {
		StyleGanConfig c = config(32, 2);
		try (StyleGanModel m = TestModels.tiny(c); ArrayScope scope = new ArrayScope()) {
			NDArray z = m.manager().randomNormal(new Shape(4, c.latentSize));
			NDArray[] ws = m.generator.broadcast(m.generator.map(m.g(), z));
			for (double lod : new double[] {0, 0.5}) { // 0.5: the fade-in keeps the block before the last
				int before = scope.registered();
				NDArray img = m.generator.synthesize(m.g(), ws, NoiseSource.RANDOM, lod, LayerObserver.NONE);
				assertEquals(before + 1, scope.registered(), "G at lod " + lod + " left more than its image");
				before = scope.registered();
				NDArray score = m.discriminator.forward(m.d(), img, lod);
				assertEquals(new Shape(4, 1), score.getShape());
				assertEquals(before + 1, scope.registered(), "D at lod " + lod + " left more than its scores");
			}
		}
	}

	@Test
	void featureMapsFollowTheOfficialFormula() {
		StyleGanConfig c = new StyleGanConfig(); // fmap_base 8192, decay 1, max 512
		assertEquals(512, c.nf(1));
		assertEquals(512, c.nf(4));
		assertEquals(256, c.nf(5));
		assertEquals(16, c.nf(9));
		c.resolution = 1024;
		assertEquals(18, c.numLayers());
		assertEquals(1024, c.layerResolution(17));
		assertEquals(4, c.layerResolution(1));
	}

	@Test
	void ablationsBuildAndRun() {
		StyleGanConfig c = StyleGanConfig.tiny(16, 1);
		c.constInput = false; // traditional input
		c.useNoise = false;
		c.mappingLayers = 0;
		c.validate();
		try (StyleGanModel m = TestModels.tiny(c); NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			assertTrue(m.g().contains("G_synthesis/4x4/Dense/weight"));
			assertFalse(m.g().contains("G_synthesis/4x4/Const/const"));
			assertFalse(m.g().contains("G_mapping/Dense0/weight"));
			assertFalse(m.g().names().stream().anyMatch(n -> n.endsWith("Noise/weight")));
			NDArray img = m.generator.generate(m.g(), m.manager().randomNormal(new Shape(3, 16)), 1, 0, NoiseSource.RANDOM);
			assertEquals(new Shape(3, 1, 16, 16), img.getShape());
		}
	}

	@Test
	void fusedAndSeparateResamplingGiveTheSameNetworkOutput() {
		StyleGanConfig a = StyleGanConfig.tiny(32, 2);
		StyleGanConfig b = a.copy();
		b.fusedScale = StyleGanConfig.FusedScale.NEVER;
		try (StyleGanModel ma = TestModels.tiny(a); StyleGanModel mb = TestModels.tiny(b); NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			float[] z = io.github.stylegan4fiji.sampling.Latents.zBatch(new long[] {1, 2}, 16);
			NDArray ia = ma.generator.generate(ma.g(), ma.manager().create(z, new Shape(2, 16)), 1, 0, NoiseSource.constant(ma.g()));
			NDArray ib = mb.generator.generate(mb.g(), mb.manager().create(z, new Shape(2, 16)), 1, 0, NoiseSource.constant(mb.g()));
			assertArrayEquals(ib.toFloatArray(), ia.toFloatArray(), 1e-4f);
			assertArrayEquals(mb.discriminator.forward(mb.d(), ib, 0).toFloatArray(),
				ma.discriminator.forward(ma.d(), ib, 0).toFloatArray(), 1e-4f);
		}
	}

	@Test
	void fadeInIsContinuousAcrossPhaseBoundaries() {
		try (StyleGanModel m = TestModels.tiny(32, 1); NDScope scope = new NDScope()) {
			scope.suppressNotUsedWarning();
			NDArray w = m.generator.map(m.g(), m.manager().randomNormal(new Shape(2, 16)));
			NDArray[] ws = m.generator.broadcast(w);
			for (double boundary : new double[] {1, 2}) {
				float[] below = m.generator.synthesize(m.g(), ws, NoiseSource.NONE, boundary - 1e-6, LayerObserver.NONE).toFloatArray();
				float[] at = m.generator.synthesize(m.g(), ws, NoiseSource.NONE, boundary, LayerObserver.NONE).toFloatArray();
				assertArrayEquals(at, below, 1e-4f, "G output jumps at lod " + boundary);
				NDArray img = m.manager().create(at, new Shape(2, 1, 32, 32));
				float[] dBelow = m.discriminator.forward(m.d(), img, boundary - 1e-6).toFloatArray();
				float[] dAt = m.discriminator.forward(m.d(), img, boundary).toFloatArray();
				assertArrayEquals(dAt, dBelow, 1e-3f, "D output jumps at lod " + boundary);
			}
		}
	}

	@Test
	void rejectsBadConfigurations() {
		StyleGanConfig c = StyleGanConfig.tiny(32, 1);
		c.resolution = 48;
		assertThrows(IllegalArgumentException.class, c::validate);
		c.resolution = 4;
		assertThrows(IllegalArgumentException.class, c::validate);
		c.resolution = 32;
		c.channels = 0;
		assertThrows(IllegalArgumentException.class, c::validate);
		c.channels = 1;
		c.mappingLayers = 0;
		c.dlatentSize = 8;
		assertThrows(IllegalArgumentException.class, c::validate);
	}

	@Test
	void deviceChoice() {
		int gpus = ai.djl.engine.Engine.getInstance().getGpuCount();
		assertEquals(Device.cpu(), Devices.parse("cpu"));
		assertEquals(gpus > 0 ? Device.gpu(0) : Device.cpu(), Devices.parse("auto"), "auto: the first GPU if there is one");
		IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.parse("gpu:" + gpus));
		assertTrue(e.getMessage().contains("sees " + gpus + " GPU(s)"), e.getMessage());
		assertThrows(IllegalArgumentException.class, () -> Devices.parse("gpu:x"));
		assertThrows(IllegalArgumentException.class, () -> Devices.parse("tpu"));
		String d = Devices.describe(Device.cpu());
		assertTrue(d.startsWith("PyTorch " + ai.djl.engine.Engine.getInstance().getVersion()) && d.endsWith("on cpu()"), d);
	}
}

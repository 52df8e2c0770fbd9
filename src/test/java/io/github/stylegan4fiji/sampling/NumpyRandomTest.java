package io.github.stylegan4fiji.sampling;

import io.github.stylegan4fiji.core.NumpyRandom;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Reference values printed by NumPy 2.4 ({@code numpy.random.RandomState(seed)}). */
class NumpyRandomTest {

	private static void assertRandn(long seed, double... expected) {
		double[] got = new NumpyRandom(seed).randn(expected.length);
		for (int i = 0; i < expected.length; i++)
			assertEquals(expected[i], got[i], 1e-14, "seed " + seed + " value " + i);
	}

	@Test
	void randnMatchesNumpy() {
		assertRandn(0, 1.764052345967664, 0.4001572083672233, 0.9787379841057392, 2.240893199201458, 1.8675579901499675);
		assertRandn(1, 1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785);
		assertRandn(42, 0.4967141530112327, -0.13826430117118466, 0.6476885381006925, 1.5230298564080254, -0.23415337472333597);
		assertRandn(123456789, 2.2129019979039612, 2.128397797652002, 1.8417114045748335, 0.08238247951406152, 0.858963679564603);
		assertRandn(4294967295L, 0.6484086742306527, 0.6693235306338161, -1.0805437227474493, 0.2845010447986309, 0.11388773652167104);
	}

	@Test
	void longStreamMatchesNumpy() {
		// RandomState(5).randn(512): crosses a twist of the MT state
		double[] v = new NumpyRandom(5).randn(512);
		double sum = 0;
		for (double x : v) sum += x;
		assertEquals(11.194140618004873, sum, 1e-10);
		assertEquals(1.1344189871014063, v[511], 1e-14);
	}

	@Test
	void rawAndUniformOutputsMatchNumpy() {
		NumpyRandom r = new NumpyRandom(7);
		double[] expected = {0.07630828937395717, 0.7799187922401146, 0.4384092314408935};
		for (double e : expected) assertEquals(e, r.nextDouble(), 0);
	}

	@Test
	void latentsAreFloat32OfTheStream() {
		float[] z = Latents.z(42, 3);
		assertEquals((float) 0.4967141530112327, z[0], 0);
		assertEquals((float) -0.13826430117118466, z[1], 0);
	}

	@Test
	void rejectsSeedsOutsideNumpysRange() {
		assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
		assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(1L << 32));
	}

	@Test
	void seedListParsing() {
		assertArrayEquals(new long[] {1, 2, 3, 42}, SeedList.parse("1-3, 42"));
		assertArrayEquals(new long[] {5}, SeedList.parse("5"));
		assertEquals("1-3,7,9-10", SeedList.format(new long[] {1, 2, 3, 7, 9, 10}));
		for (String bad : new String[] {"", "a", "3-1", "1,,2", "-5", "1-x", "0-99999999999"}) {
			IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeedList.parse(bad), bad);
			assertFalse(e.getMessage().isEmpty());
		}
	}

	@Test
	void layerRangePresets() {
		LayerRange c = LayerRange.parse("coarse", 18), m = LayerRange.parse("middle", 18), f = LayerRange.parse("fine", 18);
		assertEquals(0, c.from);
		assertEquals(4, c.to);
		assertEquals(4, m.from);
		assertEquals(8, m.to);
		assertEquals(8, f.from);
		assertEquals(18, f.to);
		assertTrue(LayerRange.parse("fine", 8).isEmpty());
		assertEquals(new LayerRange(2, 6).toString(), LayerRange.parse("2-5", 8).toString());
		assertThrows(IllegalArgumentException.class, () -> LayerRange.parse("0-9", 8));
		assertThrows(IllegalArgumentException.class, () -> LayerRange.parse("sideways", 8));
	}

	@Test
	void interpolationEndpoints() {
		float[] a = Latents.z(1, 8), b = Latents.z(2, 8);
		assertArrayEquals(a, Latents.lerp(a, b, 0), 0f);
		assertArrayEquals(b, Latents.lerp(a, b, 1), 1e-6f);
		assertArrayEquals(a, Latents.slerpKeepNorm(a, b, 0), 1e-5f);
		assertArrayEquals(b, Latents.slerpKeepNorm(a, b, 1), 1e-5f);
		float[] mid = Latents.slerp(a, b, 0.3);
		assertEquals(1.0, Latents.norm(mid), 1e-6);
	}
}

package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.metrics.CnnFeatureNetwork;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every convolution the project runs, on this machine, against libtorch's float64 convolution with
 * NaN-poisoned memory (libtorch 2.7.1's oneDNN kernels are wrong for some shapes on some CPUs; see
 * {@link Convolutions}). Fails on any machine where the routing does not hold.
 */
class EngineCheckTest {

	/** The benchmark configs, a 5-channel one with widths that are not powers of two (96, 48), a tiny one. */
	static List<StyleGanConfig> configs() {
		StyleGanConfig odd = StyleGanConfig.of(32, 5, 768, 96, 32);
		return Arrays.asList(StyleGanConfig.reference(), StyleGanConfig.of(64, 3, 2048, 256, 256), odd, StyleGanConfig.tiny(16, 3));
	}

	@Test
	void everyConvolutionOfRealConfigsAgreesWithFloat64() {
		for (StyleGanConfig c : configs())
			for (int batch : new int[] {1, 4, 16}) {
				Set<ConvShape> shapes = EngineCheck.capped(EngineCheck.shapesOf(c, true), batch, 16, 32); // real sizes
				EngineCheck.Report r = EngineCheck.check(shapes, Device.cpu());
				System.out.println(c.resolution + " px, " + c.channels + " ch, fmap " + c.fmapBase + "/" + c.fmapMax + ", batch " + batch + ": " + r.summary());
				assertTrue(r.ok(), c + " batch " + batch + ": " + r.failures);
			}
	}

	@Test
	void featureNetworkConvolutionsAgreeWithFloat64() {
		CnnFeatureNetwork.Config fc = new CnnFeatureNetwork.Config();
		fc.classNames = Arrays.asList("a", "b");
		for (int channels : new int[] {1, 3}) {
			fc.channels = channels;
			try (CnnFeatureNetwork net = CnnFeatureNetwork.create(fc, 1, Device.cpu())) {
				for (int batch : new int[] {1, 4, 16}) {
					EngineCheck.Report r = EngineCheck.check(EngineCheck.capped(net.convolutionShapes(), batch, 16, 32), Device.cpu());
					assertTrue(r.ok(), "feature network, " + channels + " channels, batch " + batch + ": " + r.failures);
				}
			}
		}
	}

	@Test
	void shapesCoverGDAndR1AtEveryLevel() {
		StyleGanConfig c = StyleGanConfig.reference();
		Set<ConvShape> shapes = EngineCheck.capped(EngineCheck.shapesOf(c, true), 4, 4, 32);
		// D's conv after minibatch stddev: C + 1 inputs, and its adjoint: C → C + 1
		assertTrue(shapes.contains(new ConvShape(4, 129, 128, 4, 4, 3, 1, 1, 1)), shapes.toString());
		assertTrue(shapes.contains(new ConvShape(4, 128, 129, 4, 4, 3, 1, 1, 1)), shapes.toString());
		// toRGB at every resolution (1×1, C → 1 channel)
		for (int res = 4; res <= 32; res *= 2)
			assertTrue(shapes.contains(new ConvShape(4, c.nf(Integer.numberOfTrailingZeros(res) - 1), 1, res, res, 1, 1, 0, 1)), "toRGB " + res);
		// G's fused up-convolution: a 2×2 kernel with 4·out channels
		assertTrue(shapes.contains(new ConvShape(4, 128, 4 * 128, 8, 8, 2, 1, 1, 1)), shapes.toString());
		assertFalse(EngineCheck.shapesOf(c, false).contains(new ConvShape(1, 129, 128, 4, 4, 3, 1, 1, 1)), "G only");
	}

	@Test
	void theRoutesOfShapesOneDnnGetsWrong() {
		Device cpu = Device.cpu();
		// C + 1 channels, channel counts that are not multiples of 16, strided at 48: never oneDNN with these
		// counts on the CPU — unstrided ones padded to multiples of 16, the others as GEMM
		assertEquals(Convolutions.Route.PADDED, Convolutions.route(new ConvShape(16, 129, 128, 4, 4, 3, 1, 1, 1), cpu));
		assertEquals(Convolutions.Route.PADDED, Convolutions.route(new ConvShape(16, 128, 129, 4, 4, 3, 1, 1, 1), cpu));
		assertEquals(Convolutions.Route.PADDED, Convolutions.route(new ConvShape(16, 5, 64, 32, 32, 3, 1, 1, 1), cpu));
		assertEquals(Convolutions.Route.GEMM, Convolutions.route(new ConvShape(16, 3, 64, 32, 32, 1, 1, 0, 1), cpu));
		assertEquals(Convolutions.Route.GEMM, Convolutions.route(new ConvShape(16, 48, 48, 16, 16, 4, 2, 1, 1), cpu));
		assertEquals(Convolutions.Route.GEMM, Convolutions.route(new ConvShape(16, 64, 1, 32, 32, 1, 1, 0, 1), cpu));
		assertEquals(Convolutions.Route.GEMM, Convolutions.route(new ConvShape(16, 1, 64, 32, 32, 1, 1, 0, 1), cpu));
		assertEquals(Convolutions.Route.GEMM, Convolutions.route(new ConvShape(16, 1, 3, 32, 32, 3, 1, 1, 1), cpu)); // one channel in, three out
		// an image's 1 or 3 channels into a multiple of 16 (the metrics network's first layer): right on affected CPUs too
		assertEquals(Convolutions.Route.LIBTORCH, Convolutions.route(new ConvShape(64, 1, 32, 32, 32, 3, 1, 1, 1), cpu));
		assertEquals(Convolutions.Route.LIBTORCH, Convolutions.route(new ConvShape(64, 3, 32, 32, 32, 3, 1, 1, 1), cpu));
		assertEquals(Convolutions.Route.GEMM, Convolutions.route(new ConvShape(16, 3, 32, 32, 32, 3, 2, 1, 1), cpu)); // strided: powers of two only
		assertEquals(Convolutions.Route.LIBTORCH, Convolutions.route(new ConvShape(16, 128, 64, 16, 16, 3, 1, 1, 1), cpu));
		assertEquals(Convolutions.Route.LIBTORCH, Convolutions.route(new ConvShape(16, 64, 128, 32, 32, 4, 2, 1, 1), cpu));
	}

	@Test
	void bothRoutesComputeTheSameConvolution() {
		// the GEMM formulation against libtorch's float64 convolution, for every kind of layer we use
		int[][] kinds = {{3, 1, 1, 1}, {1, 1, 0, 1}, {2, 1, 1, 1}, {4, 2, 1, 1}, {3, 1, 1, 6}}; // kernel, stride, pad, groups
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Random rng = new Random(3);
			for (int[] k : kinds) {
				ConvShape s = new ConvShape(3, 6, k[3] == 1 ? 5 : 6, 8, 6, k[0], k[1], k[2], k[3]);
				NDArray x = gaussian(m, rng, new Shape(s.batch, s.in, s.height, s.width)).toType(DataType.FLOAT64, false);
				NDArray w = gaussian(m, rng, new Shape(s.out, s.in / s.groups, s.kernel, s.kernel)).toType(DataType.FLOAT64, false);
				NDArray b = gaussian(m, rng, new Shape(s.out)).toType(DataType.FLOAT64, false);
				NDArray gemm = Convolutions.compute(x, w, b, s, Convolutions.Route.GEMM);
				NDArray lib = Convolutions.compute(x, w, b, s, Convolutions.Route.LIBTORCH);
				assertEquals(new Shape(s.batch, s.out, s.outHeight(), s.outWidth()), gemm.getShape(), s.toString());
				assertTrue(EngineCheck.relativeError(gemm, lib) < 1e-12, s + ": " + EngineCheck.relativeError(gemm, lib));
				if (s.groups == 1 && s.stride == 1) { // 6 → 16 input and 5/6 → 16 output channels (1×1 too, though not routed so)
					NDArray padded = Convolutions.compute(x, w, b, s, Convolutions.Route.PADDED);
					assertEquals(gemm.getShape(), padded.getShape(), s.toString());
					assertTrue(EngineCheck.relativeError(padded, lib) < 1e-12, s + " padded: " + EngineCheck.relativeError(padded, lib));
				}
			}
		}
	}

	@Test
	void wrongValuesAndNanAreCaught() {
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			NDArray ref = m.create(new double[] {1, -2, 4});
			assertEquals(0, EngineCheck.relativeError(ref, ref));
			assertEquals(0.25, EngineCheck.relativeError(m.create(new double[] {1, -2, 3}), ref), 1e-12);
			assertTrue(Double.isInfinite(EngineCheck.relativeError(m.create(new double[] {1, Double.NaN, 4}), ref)));
		}
	}

	@Test
	void wholeNetworksInFloat32AgreeWithFloat64() {
		// G's image, D's scores and R1's input gradient with random weights (non-zero biases, noise strengths)
		StyleGanConfig c = StyleGanConfig.reference();
		GeneratorNetwork g = NetworkFamily.generator(c);
		DiscriminatorNetwork d = NetworkFamily.discriminator(c);
		try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
			Random rng = new Random(11);
			Params g32 = random(g.parameters(), m, rng, DataType.FLOAT32), g64 = as64(g32, g.parameters(), m);
			Params d32 = random(d.parameters(), m, rng, DataType.FLOAT32), d64 = as64(d32, d.parameters(), m);
			NDArray z = gaussian(m, rng, new Shape(4, c.latentSize));
			for (double lod : new double[] {0, 0.5}) {
				NDArray img32 = g.synthesize(g32, g.broadcast(g.map(g32, z)), NoiseSource.constant(g32), lod, LayerObserver.NONE);
				NDArray img64 = g.synthesize(g64, g.broadcast(g.map(g64, z.toType(DataType.FLOAT64, false))), NoiseSource.constant(g64), lod, LayerObserver.NONE);
				assertTrue(EngineCheck.relativeError(img32, img64) < 1e-4, "G image, lod " + lod + ": " + EngineCheck.relativeError(img32, img64));
				NDArray[] r32 = d.forwardWithInputGradient(d32, img64.toType(DataType.FLOAT32, false), lod);
				NDArray[] r64 = d.forwardWithInputGradient(d64, img64, lod);
				assertTrue(EngineCheck.relativeError(r32[0], r64[0]) < 1e-4, "D scores, lod " + lod + ": " + EngineCheck.relativeError(r32[0], r64[0]));
				assertTrue(EngineCheck.relativeError(r32[1], r64[1]) < 1e-4, "∇D, lod " + lod + ": " + EngineCheck.relativeError(r32[1], r64[1]));
			}
		}
	}

	private static Params random(List<ParamSpec> specs, NDManager m, Random rng, DataType type) {
		Params p = new Params(m);
		for (ParamSpec s : specs) {
			NDArray v = gaussian(m, rng, new Shape(s.shape));
			if (s.name.endsWith("/bias") || s.name.endsWith("/Noise/weight") || s.name.equals(GeneratorNetwork.DLATENT_AVG)) v = v.mul(0.2f);
			p.put(s.name, v.toType(type, false), s.trainable);
		}
		return p;
	}

	private static Params as64(Params p32, List<ParamSpec> specs, NDManager m) {
		Params p = new Params(m);
		for (ParamSpec s : specs) p.put(s.name, p32.get(s.name).toType(DataType.FLOAT64, true), s.trainable);
		return p;
	}

	static NDArray gaussian(NDManager m, Random rng, Shape shape) {
		float[] v = new float[Math.toIntExact(shape.size())];
		for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextGaussian();
		return HostArrays.upload(m, v, shape);
	}
}

package io.github.stylegan4fiji.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.Flops;
import io.github.stylegan4fiji.core.NoiseSource;
import io.github.stylegan4fiji.core.ProcessMemory;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;

/**
 * Generation speed: prints one JSON line per configuration with the median ms per batch and
 * images/s (ψ = 0.7), GFLOP/s (reference FLOP count, see {@link Flops}), peak resident memory,
 * engine and device. Two timings: {@code sampler_*} is the user-visible path (z from seeds on the
 * host, mapping, truncation, synthesis, copy back); {@code forward_*} is the network alone on
 * device-resident z. {@code page_faults_per_batch} (minor faults after warm-up, both paths) shows
 * whether activations are served from freed memory (a few hundred) or mapped afresh every batch.
 * <p>
 * Usage: {@code bin/benchmark generation [device] [repeats]}.
 */
public final class GenerationBenchmark {

	/** Unmeasured batches per path before the timed ones. */
	private static final int WARM_UP = 60;

	public static void main(String[] args) {
		Device device = Devices.parse(args.length > 0 ? args[0] : "cpu");
		int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
		Object[][] configs = {
			{"res32_c1_fb1024_fm128_z128", StyleGanConfig.reference(), 16},
			{"res128_c3_fb4096_fm256_z256", StyleGanConfig.of(128, 3, 4096, 256, 256), 8},
		};
		for (Object[] cfg : configs) {
			run((String) cfg[0], (StyleGanConfig) cfg[1], (Integer) cfg[2], device, repeats);
		}
	}

	/** What the commands do: seeds → z on the host, mapping, truncation, synthesis, copy back. */
	private static double timeSampler(Sampler sampler, long[] seeds, Truncation t) {
		long t0 = System.nanoTime();
		sampler.generate(seeds, t, NoiseSpec.random());
		return (System.nanoTime() - t0) / 1e6;
	}

	/** G alone on device-resident z. */
	private static double timeNetwork(StyleGanModel model, StyleGanConfig c, int batch) {
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray z = model.manager().randomNormal(new Shape(batch, c.latentSize));
			long t0 = System.nanoTime();
			NDArray img = model.generator.generate(model.gEma(), z, 0.7, 0, NoiseSource.RANDOM);
			img.toFloatArray(); // forces completion (and the copy) on any device
			return (System.nanoTime() - t0) / 1e6;
		}
	}

	static void run(String name, StyleGanConfig c, int batch, Device device, int repeats) {
		try (StyleGanModel model = StyleGanModel.create(c, DataRange.ofType(DataRange.PixelType.UINT8), 1, device);
				Sampler sampler = new Sampler(model, device).batchSize(batch)) {
			Truncation t = new Truncation(0.7, 0);
			long[] seeds = new long[batch];
			double[] samplerMs = new double[repeats], forwardMs = new double[repeats];
			long faults0 = 0;
			// both paths warmed alike and measured interleaved (alternating which goes first), so that a
			// noisy machine does not favour the one measured later
			// 60 warm-up batches per path: the first ≈ 50 batches of a fresh JVM run up to 2× slower than
			// the settled loop (res 32 on the 2-core machine: 53, 44, then 27–30 ms per 25-batch window —
			// the JIT compiling the per-op Java code, caches filling; docs/benchmarks.md). A long job runs
			// settled; the first batches are reported separately.
			double[] firstMs = new double[WARM_UP];
			for (int i = 0; i < WARM_UP; i++) {
				firstMs[i] = timeSampler(sampler, seeds, t);
				timeNetwork(model, c, batch);
			}
			faults0 = ProcessMemory.minorFaults();
			for (int i = 0; i < repeats; i++) {
				for (int s = 0; s < batch; s++) seeds[s] = (long) i * batch + s;
				if (i % 2 == 0) {
					samplerMs[i] = timeSampler(sampler, seeds, t);
					forwardMs[i] = timeNetwork(model, c, batch);
				} else {
					forwardMs[i] = timeNetwork(model, c, batch);
					samplerMs[i] = timeSampler(sampler, seeds, t);
				}
			}
			double faultsPerBatch = (ProcessMemory.minorFaults() - faults0) / (2.0 * repeats);
			double ms = BenchUtil.median(samplerMs), fwd = BenchUtil.median(forwardMs);
			double gflopImg = Flops.generator(c) / 1e9;
			JsonObject o = new JsonObject();
			o.addProperty("benchmark", "generation");
			o.addProperty("config", name);
			o.addProperty("batch", batch);
			o.addProperty("psi", 0.7);
			o.addProperty("sampler_ms_per_batch", BenchUtil.round(ms, 2));
			o.addProperty("sampler_images_per_s", BenchUtil.round(batch * 1000 / ms, 1));
			o.addProperty("forward_ms_per_batch", BenchUtil.round(fwd, 2));
			o.addProperty("forward_images_per_s", BenchUtil.round(batch * 1000 / fwd, 1));
			o.addProperty("gflop_per_image", BenchUtil.round(gflopImg, 3));
			o.addProperty("gflop_per_s", BenchUtil.round(gflopImg * batch * 1000 / fwd, 1));
			o.addProperty("first_10_sampler_ms_per_batch", BenchUtil.round(BenchUtil.median(java.util.Arrays.copyOf(firstMs, 10)), 2));
			o.addProperty("page_faults_per_batch", BenchUtil.round(faultsPerBatch, 0));
			o.addProperty("peak_rss_mib", BenchUtil.round(ProcessMemory.peakMiB(), 0));
			o.addProperty("repeats", repeats);
			o.addProperty("device", device.toString());
			o.addProperty("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
			o.addProperty("threads", Runtime.getRuntime().availableProcessors());
			System.out.println(o);
		}
	}
}

package io.github.stylegan4fiji.bench;

import ai.djl.Device;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.EngineSetup;
import io.github.stylegan4fiji.core.Flops;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.ProcessMemory;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.train.Trainer;
import io.github.stylegan4fiji.train.TrainingOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Training speed and memory: one JSON line per configuration with the median ms per full iteration
 * (D step with R1 + G step, mixing on, at full resolution), kimg/s and peak resident memory; then
 * the scaling of an iteration with batch size and resolution. With {@code memory} as the first
 * argument, instead, resident memory over a long run at the reference configuration, which must stay
 * flat after warm-up; {@code bin/benchmark} runs it in a JVM of its own, since a process that ran a
 * larger configuration first keeps that configuration's memory and hides growth below its level.
 * <p>
 * Each configuration is timed after {@value #WARM_UP} warm-up iterations: in a fresh JVM the first
 * ≈ 50 iterations run up to 1.25× slower than the settled loop (res 32, medians per 10 iterations:
 * 481, 440, 424, 439, 438, then 392–407) while the JIT compiles the per-op Java code; the Python
 * reference shows no such trend. A training run lasts thousands of iterations, so the settled speed
 * is what it gets; the first 10 iterations are reported too ({@code first_10_ms_per_iteration}).
 * <p>
 * Usage: {@code TrainingBenchmark [device] [iterations] [scaling]} and {@code TrainingBenchmark memory [device]
 * [iterations]}, both through {@code bin/benchmark training [device] [iterations] [memory-iterations]};
 * {@code scaling} {@code false} leaves out the scaling runs ({@code bin/benchmark compare} does, so
 * that its rounds go to the configurations it compares).
 */
public final class TrainingBenchmark {

	static Dataset noise(int n, int channels, int res) {
		float[] px = new float[n * channels * res * res];
		NumpyRandom r = new NumpyRandom(7);
		for (int i = 0; i < px.length; i++) px[i] = (float) Math.max(-1, Math.min(1, r.gauss() * 0.5));
		return new Dataset(px, n, channels, res, DataRange.ofType(DataRange.PixelType.UINT8), null);
	}

	static TrainingOptions fixedResolution(int batch) {
		TrainingOptions o = new TrainingOptions();
		o.progressive = false;
		o.minibatchBase = batch;
		o.r1Interval = 1;
		o.mixingProb = 0.9;
		o.totalKimg = 1e9;
		return o.validate();
	}

	/** Warm-up iterations before a configuration is timed (see the class comment). */
	static final int WARM_UP = 50;

	/** Minor page faults per iteration of the last {@link #time} call. */
	private static double lastFaultsPerIteration;
	/** ms of each warm-up iteration of the last {@link #time} call. */
	private static double[] lastWarmUpMs = new double[0];

	/** ms per iteration after {@code warmUp} iterations (and {@link #lastFaultsPerIteration}, {@link #lastWarmUpMs}). */
	static double[] time(StyleGanConfig c, int batch, int warmUp, int iterations, Device device, Path tmp) throws Exception {
		try (Trainer t = Trainer.start(c, fixedResolution(batch), noise(256, c.channels, c.resolution), tmp, device)) {
			lastWarmUpMs = new double[warmUp];
			for (int i = 0; i < warmUp; i++) {
				long t0 = System.nanoTime();
				t.step();
				lastWarmUpMs[i] = (System.nanoTime() - t0) / 1e6;
			}
			double[] ms = new double[iterations];
			long faults0 = ProcessMemory.minorFaults();
			for (int i = 0; i < iterations; i++) {
				long t0 = System.nanoTime();
				t.step();
				ms[i] = (System.nanoTime() - t0) / 1e6;
			}
			lastFaultsPerIteration = (ProcessMemory.minorFaults() - faults0) / (double) iterations;
			return ms;
		}
	}

	public static void main(String[] args) throws Exception {
		Path tmp = Files.createTempDirectory("stylegan-bench");
		StyleGanConfig ref = StyleGanConfig.reference();
		if (args.length > 0 && args[0].equals("memory")) {
			memory(ref, args.length > 2 ? Integer.parseInt(args[2]) : 2000, Devices.parse(args.length > 1 ? args[1] : "cpu"), tmp);
			return;
		}
		Device device = Devices.parse(args.length > 0 ? args[0] : "cpu");
		int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
		boolean scalingRuns = args.length <= 2 || Boolean.parseBoolean(args[2]);
		StyleGanConfig big = StyleGanConfig.of(64, 3, 2048, 256, 256);
		Object[][] configs = {{"res32_c1_fb1024_fm128_z128_b16", ref, 16}, {"res64_c3_fb2048_fm256_z256_b8", big, 8}};
		for (Object[] cfg : configs) {
			StyleGanConfig c = (StyleGanConfig) cfg[1];
			int batch = (Integer) cfg[2];
			double ms = BenchUtil.median(time(c, batch, WARM_UP, iterations, device, tmp));
			double first10 = BenchUtil.median(java.util.Arrays.copyOf(lastWarmUpMs, 10));
			JsonObject o = new JsonObject();
			o.addProperty("benchmark", "training");
			o.addProperty("config", (String) cfg[0]);
			o.addProperty("batch", batch);
			o.addProperty("r1_every", 1);
			o.addProperty("mixing_prob", 0.9);
			o.addProperty("ms_per_iteration", BenchUtil.round(ms, 1));
			o.addProperty("first_10_ms_per_iteration", BenchUtil.round(first10, 1));
			o.addProperty("warm_up_iterations", WARM_UP);
			o.addProperty("kimg_per_s", BenchUtil.round(batch / ms, 4));
			o.addProperty("images_per_s", BenchUtil.round(batch * 1000 / ms, 2));
			o.addProperty("forward_gflop_per_iteration", BenchUtil.round(
				batch * (2 * Flops.generator(c) + 2 * Flops.discriminator(c)) / 1e9, 2));
			o.addProperty("page_faults_per_iteration", BenchUtil.round(lastFaultsPerIteration, 0));
			o.addProperty("peak_rss_mib", BenchUtil.round(ProcessMemory.peakMiB(), 0));
			o.addProperty("iterations", iterations);
			o.addProperty("device", device.toString());
			o.addProperty("engine", Devices.describe(device));
			System.out.println(o);
		}
		if (!scalingRuns) return;
		JsonObject scaling = new JsonObject();
		scaling.addProperty("benchmark", "training_scaling");
		JsonArray byBatch = new JsonArray();
		for (int b : new int[] {8, 16, 32}) {
			JsonObject e = new JsonObject();
			e.addProperty("batch", b);
			e.addProperty("ms_per_iteration", BenchUtil.round(BenchUtil.median(time(ref, b, 5, Math.max(3, iterations / 2), device, tmp)), 1));
			byBatch.add(e);
		}
		scaling.add("res32_by_batch", byBatch);
		JsonArray byRes = new JsonArray();
		for (int r : new int[] {16, 32, 64}) {
			JsonObject e = new JsonObject();
			e.addProperty("resolution", r);
			e.addProperty("ms_per_iteration", BenchUtil.round(BenchUtil.median(
				time(StyleGanConfig.of(r, 1, 1024, 128, 128), 16, 5, Math.max(3, iterations / 2), device, tmp)), 1));
			byRes.add(e);
		}
		scaling.add("batch16_by_resolution", byRes);
		System.out.println(scaling);
	}

	/**
	 * Resident memory every 100 iterations of a long run at the reference configuration, with what
	 * glibc's allocator has in use between iterations (a leak grows it) and holds (retention and
	 * fragmentation grow it).
	 */
	static void memory(StyleGanConfig c, int iterations, Device device, Path tmp) throws Exception {
		JsonArray samples = new JsonArray();
		double warm = -1, last = -1;
		try (Trainer t = Trainer.start(c, fixedResolution(16), noise(256, 1, 32), tmp, device)) {
			for (int i = 1; i <= iterations; i++) {
				t.step();
				if (i % 100 == 0) {
					last = ProcessMemory.residentMiB();
					if (i == Math.min(200, iterations)) warm = last;
					JsonObject s = new JsonObject();
					s.addProperty("iteration", i);
					s.addProperty("rss_mib", BenchUtil.round(last, 0));
					double[] malloc = ProcessMemory.allocatorMiB();
					if (malloc != null) {
						s.addProperty("malloc_in_use_mib", BenchUtil.round(malloc[0], 0));
						s.addProperty("malloc_held_mib", BenchUtil.round(malloc[1], 0));
					}
					samples.add(s);
				}
			}
		}
		JsonObject o = new JsonObject();
		o.addProperty("benchmark", "training_memory");
		o.addProperty("iterations", iterations);
		o.addProperty("allocator", EngineSetup.allocator());
		o.addProperty("rss_after_warmup_mib", BenchUtil.round(warm, 0));
		o.addProperty("rss_at_end_mib", BenchUtil.round(last, 0));
		o.addProperty("growth_mib", BenchUtil.round(last - warm, 0));
		o.add("samples", samples);
		System.out.println(o);
	}
}

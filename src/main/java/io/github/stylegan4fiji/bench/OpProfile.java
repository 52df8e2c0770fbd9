package io.github.stylegan4fiji.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.Truncation;
import io.github.stylegan4fiji.train.Trainer;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the time goes, op by op: libtorch's autograd profiler over a few iterations of a workload
 * at the reference configuration — a training step, or a batch of 16 generated images (the sampler
 * path of {@link GenerationBenchmark}) — then one JSON line per top-level op (forward ops and
 * autograd's backward functions, not their children) with its time per iteration and calls per
 * iteration, largest first. The profiler adds overhead, so compare shares, not absolute times.
 * This is how the zero-filled crop gradients and slow 1-channel products were found (benchmarks.md).
 * <p>
 * Usage: {@code bin/benchmark profile [device] [iterations] [trace.json|-] [training|generation]}
 * (the Chrome trace is kept when a file is given).
 */
public final class OpProfile {

	private OpProfile() {}

	/** {@code warmUp} unprofiled runs of the workload, then {@code iterations} profiled ones. */
	private static void profile(Runnable workload, int warmUp, int iterations, Path trace) {
		for (int i = 0; i < warmUp; i++) workload.run();
		JniUtils.startProfile(false, true, false);
		for (int i = 0; i < iterations; i++) workload.run();
		JniUtils.stopProfile(trace.toString());
	}

	public static void main(String[] args) throws Exception {
		Device device = Devices.parse(args.length > 0 ? args[0] : "cpu");
		int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
		boolean keepTrace = args.length > 2 && !args[2].equals("-");
		Path trace = keepTrace ? Path.of(args[2]) : Files.createTempFile("stylegan-profile", ".json");
		String workload = args.length > 3 ? args[3] : "training";
		if (workload.equals("training")) {
			Path tmp = Files.createTempDirectory("stylegan-bench");
			try (Trainer t = Trainer.start(StyleGanConfig.reference(), TrainingBenchmark.fixedResolution(16),
					TrainingBenchmark.noise(256, 1, 32), tmp, device)) {
				profile(t::step, 3, iterations, trace);
			}
		} else if (workload.equals("generation")) {
			int batch = 16;
			try (StyleGanModel model = StyleGanModel.create(StyleGanConfig.reference(), DataRange.ofType(DataRange.PixelType.UINT8), 1, device);
					Sampler sampler = new Sampler(model, device).batchSize(batch)) {
				long[] seeds = new long[batch];
				Truncation psi = new Truncation(0.7, 0);
				profile(() -> sampler.generate(seeds, psi, NoiseSpec.random()), 10, iterations, trace);
			}
		} else {
			throw new IllegalArgumentException("workload: training or generation, not " + workload);
		}
		List<JsonObject> events = new ArrayList<>();
		try (Reader r = Files.newBufferedReader(trace)) {
			JsonElement root = JsonParser.parseReader(r);
			JsonArray all = root.isJsonObject() ? root.getAsJsonObject().getAsJsonArray("traceEvents") : root.getAsJsonArray();
			for (JsonElement e : all) {
				JsonObject o = e.getAsJsonObject();
				if (o.has("ph") && "X".equals(o.get("ph").getAsString()) && o.has("dur")) events.add(o);
			}
		}
		if (!keepTrace) Files.deleteIfExists(trace);
		// top level = not inside another op of the same thread
		events.sort(Comparator.<JsonObject, String>comparing(o -> o.get("tid").getAsString())
			.thenComparingDouble(o -> o.get("ts").getAsDouble()).thenComparingDouble(o -> -o.get("dur").getAsDouble()));
		Map<String, double[]> byOp = new LinkedHashMap<>(); // name → {µs, calls}
		Deque<double[]> open = new ArrayDeque<>(); // {end} of enclosing ops
		String tid = null;
		double total = 0;
		for (JsonObject o : events) {
			String t = o.get("tid").getAsString();
			if (!t.equals(tid)) {
				open.clear();
				tid = t;
			}
			double ts = o.get("ts").getAsDouble(), dur = o.get("dur").getAsDouble();
			while (!open.isEmpty() && open.peek()[0] <= ts) open.pop();
			if (open.isEmpty()) {
				double[] v = byOp.computeIfAbsent(o.get("name").getAsString(), k -> new double[2]);
				v[0] += dur;
				v[1]++;
				total += dur;
			}
			open.push(new double[] {ts + dur});
		}
		List<Map.Entry<String, double[]>> rows = new ArrayList<>(byOp.entrySet());
		rows.sort(Comparator.comparingDouble(e -> -e.getValue()[0]));
		JsonObject head = new JsonObject();
		head.addProperty("benchmark", workload + "_profile");
		head.addProperty("config", "res32_c1_fb1024_fm128_z128_b16");
		head.addProperty("iterations", iterations);
		head.addProperty("profiled_ms_per_iteration", BenchUtil.round(total / 1000 / iterations, 1));
		head.addProperty("engine", Devices.describe(device));
		System.out.println(head);
		for (Map.Entry<String, double[]> e : rows.subList(0, Math.min(30, rows.size()))) {
			JsonObject o = new JsonObject();
			o.addProperty("op", e.getKey());
			o.addProperty("ms_per_iteration", BenchUtil.round(e.getValue()[0] / 1000 / iterations, 2));
			o.addProperty("share", BenchUtil.round(e.getValue()[0] / total, 3));
			o.addProperty("calls_per_iteration", BenchUtil.round(e.getValue()[1] / iterations, 1));
			System.out.println(o);
		}
	}
}

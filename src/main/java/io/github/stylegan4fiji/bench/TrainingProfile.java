package io.github.stylegan4fiji.bench;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanConfig;
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
 * Where a training iteration's time goes, op by op: libtorch's autograd profiler over a few
 * iterations at the reference configuration, then one JSON line per top-level op (forward ops and
 * autograd's backward functions, not their children) with its time per iteration and calls per
 * iteration, largest first. The profiler adds overhead, so compare shares, not absolute times.
 * This is how the zero-filled crop gradients and slow 1-channel products were found (benchmarks.md).
 * <p>
 * Usage: {@code bin/benchmark profile [device] [iterations] [trace.json]} (the Chrome trace is kept
 * when a file is given).
 */
public final class TrainingProfile {

	private TrainingProfile() {}

	public static void main(String[] args) throws Exception {
		Device device = Devices.parse(args.length > 0 ? args[0] : "cpu");
		int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
		Path trace = args.length > 2 ? Path.of(args[2]) : Files.createTempFile("stylegan-profile", ".json");
		Path tmp = Files.createTempDirectory("stylegan-bench");
		try (Trainer t = Trainer.start(StyleGanConfig.reference(), TrainingBenchmark.fixedResolution(16),
				TrainingBenchmark.noise(256, 1, 32), tmp, device)) {
			for (int i = 0; i < 3; i++) t.step();
			JniUtils.startProfile(false, true, false);
			for (int i = 0; i < iterations; i++) t.step();
			JniUtils.stopProfile(trace.toString());
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
		if (args.length <= 2) Files.deleteIfExists(trace);
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
		head.addProperty("benchmark", "training_profile");
		head.addProperty("config", "res32_c1_fb1024_fm128_z128_b16");
		head.addProperty("iterations", iterations);
		head.addProperty("profiled_ms_per_iteration", Double.valueOf(BenchUtil.round(total / 1000 / iterations, 1)));
		head.addProperty("engine", Devices.describe(device));
		System.out.println(head);
		for (Map.Entry<String, double[]> e : rows.subList(0, Math.min(30, rows.size()))) {
			JsonObject o = new JsonObject();
			o.addProperty("op", e.getKey());
			o.addProperty("ms_per_iteration", Double.valueOf(BenchUtil.round(e.getValue()[0] / 1000 / iterations, 2)));
			o.addProperty("share", Double.valueOf(BenchUtil.round(e.getValue()[0] / total, 3)));
			o.addProperty("calls_per_iteration", Double.valueOf(BenchUtil.round(e.getValue()[1] / iterations, 1)));
			System.out.println(o);
		}
	}
}

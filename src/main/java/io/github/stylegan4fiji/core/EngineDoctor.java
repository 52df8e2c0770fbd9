package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code bin/stylegan doctor} and the Fiji command <i>Engine Check</i> print: engine, device,
 * libtorch and oneDNN versions, the CPU's vector extensions, whether libtorch's own convolutions are
 * right on this machine (shapes known to fail on some CPUs, computed without the project's routing),
 * and the engine check of a model's convolutions as training would run it.
 */
public final class EngineDoctor {

	/** Shapes libtorch 2.7.1's oneDNN got wrong on an affected AMD EPYC (AVX-512): C+1 channels, 1–8 channels, strided 48. */
	static final List<ConvShape> KNOWN_BAD = Arrays.asList(
		new ConvShape(4, 129, 128, 4, 4, 3, 1, 1, 1), new ConvShape(4, 128, 129, 4, 4, 3, 1, 1, 1),
		new ConvShape(4, 17, 32, 8, 8, 3, 1, 1, 1), new ConvShape(4, 3, 1, 8, 8, 3, 1, 1, 1),
		new ConvShape(4, 8, 3, 8, 8, 4, 2, 1, 1), new ConvShape(4, 48, 48, 8, 8, 4, 2, 1, 1),
		new ConvShape(16, 24, 16, 32, 32, 2, 1, 0, 1), new ConvShape(16, 33, 1, 8, 8, 3, 2, 1, 1));

	private static final List<String> ISA_FLAGS = Arrays.asList("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl",
		"avx512_vnni", "avx512_bf16", "avx512_vp2intersect", "amx_tile", "amx_bf16");

	private EngineDoctor() {}

	/** The outcome: a printable report and whether the project's convolutions are right. */
	public static final class Result {
		public final String report;
		public final boolean ok;

		Result(String report, boolean ok) {
			this.report = report;
			this.ok = ok;
		}
	}

	/**
	 * @param model the architecture whose convolutions to check; null checks the reference config
	 *              (32², 1 channel, fmap_base 1024, fmap_max 128)
	 * @param batch the batch size the check uses (as training would, capped as in {@link EngineCheck})
	 */
	public static Result run(Device device, StyleGanConfig model, int batch) {
		StringBuilder r = new StringBuilder();
		Engine engine = Engine.getInstance();
		line(r, "engine", Devices.describe(device));
		line(r, "libtorch", engine.getVersion() + "; oneDNN: " + oneDnnVersion());
		line(r, "GPUs visible", String.valueOf(engine.getGpuCount()));
		line(r, "CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " logical cores");
		line(r, "CPU vector extensions", String.join(" ", cpuFlags()));
		line(r, "environment", env("OMP_NUM_THREADS") + " " + env("MKL_CBWR") + " " + env("ONEDNN_MAX_CPU_ISA") + " "
			+ env("DNNL_MAX_CPU_ISA") + "; stylegan4fiji.conv=" + System.getProperty("stylegan4fiji.conv", "auto"));
		EngineSetup.init();
		line(r, "allocator", EngineSetup.allocator() + "; GLIBC_TUNABLES " + String.valueOf(EngineSetup.processEnv("GLIBC_TUNABLES")));

		EngineCheck.Report raw = EngineCheck.check(KNOWN_BAD, device, Convolutions.Route.LIBTORCH);
		line(r, "libtorch's own conv2d", raw.ok()
			? "right on all " + raw.shapes.size() + " probe shapes that are wrong on affected CPUs"
			: countShapes(raw) + " of " + raw.shapes.size() + " probe shapes WRONG (this machine has the oneDNN defect; the project routes such shapes around it)");
		for (EngineCheck.Failure f : raw.failures) r.append("    ").append(f).append('\n');

		StyleGanConfig c = model != null ? model : StyleGanConfig.reference();
		Set<ConvShape> shapes = EngineCheck.shapesOf(c, batch, true);
		EngineCheck.Report own = EngineCheck.check(shapes, device);
		int gemm = 0, padded = 0;
		for (ConvShape s : shapes) {
			Convolutions.Route route = Convolutions.route(s, device);
			if (route == Convolutions.Route.GEMM) gemm++;
			if (route == Convolutions.Route.PADDED) padded++;
		}
		line(r, "project's convolutions", (model != null ? "this model" : "reference config") + " (" + c.resolution + "², " + c.channels
			+ " channel(s)), G + D + R1, " + shapes.size() + " shapes (" + gemm + " as GEMM, " + padded + " channel-padded): " + own.summary());
		for (EngineCheck.Failure f : own.failures) r.append("    ").append(f).append('\n');
		r.append(own.ok() ? "OK: training, sampling and metrics compute correct values on this device.\n"
			: "PROBLEM: some convolutions are wrong; training and metric jobs route them to GEMM after their own check.\n");
		return new Result(r.toString(), own.ok());
	}

	private static int countShapes(EngineCheck.Report rep) {
		Set<ConvShape> s = new LinkedHashSet<>();
		for (EngineCheck.Failure f : rep.failures) s.add(f.shape);
		return s.size();
	}

	private static void line(StringBuilder r, String key, String value) {
		r.append(String.format(Locale.ROOT, "%-24s %s%n", key + ":", value));
	}

	private static String env(String name) {
		String v = EngineSetup.processEnv(name);
		return name + "=" + (v == null ? "(unset)" : v);
	}

	/**
	 * oneDNN's version string from the loaded libtorch ({@code at::get_mkldnn_version()}, which returns
	 * a std::string: called through JNA with the return slot as hidden first argument, x86-64 System V).
	 */
	static String oneDnnVersion() {
		if (!System.getProperty("os.arch", "").contains("64") || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"))
			return "unknown (read only on Linux x86-64)";
		try {
			Engine.getInstance(); // libtorch loaded
			Function f = NativeLibrary.getInstance("torch_cpu").getFunction("_ZN2at18get_mkldnn_versionB5cxx11Ev");
			Memory slot = new Memory(64); // std::string (libstdc++: pointer, length, 16-byte buffer)
			slot.clear();
			f.invoke(Void.class, new Object[] {slot});
			Pointer p = slot.getPointer(0);
			long n = slot.getLong(8);
			if (p == null || n <= 0 || n > 1000) return "unknown";
			return new String(p.getByteArray(0, (int) n), StandardCharsets.UTF_8);
		} catch (RuntimeException | UnsatisfiedLinkError e) {
			return "unknown (" + e.getClass().getSimpleName() + ")";
		}
	}

	static String cpuModel() {
		for (String l : cpuinfo())
			if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
		return System.getProperty("os.arch");
	}

	static List<String> cpuFlags() {
		List<String> out = new ArrayList<>();
		for (String l : cpuinfo())
			if (l.startsWith("flags")) {
				Set<String> flags = new LinkedHashSet<>(Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+")));
				for (String f : ISA_FLAGS) if (flags.contains(f)) out.add(f);
				return out;
			}
		out.add("(unknown: no /proc/cpuinfo)");
		return out;
	}

	private static List<String> cpuinfo() {
		Path p = Paths.get("/proc/cpuinfo");
		try {
			return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : new ArrayList<>();
		} catch (IOException e) {
			return new ArrayList<>();
		}
	}
}

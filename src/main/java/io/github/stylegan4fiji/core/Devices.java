package io.github.stylegan4fiji.core;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one device choice of every command: {@code auto}, {@code cpu} or {@code gpu:N}. */
public final class Devices {

	static {
		EngineSetup.init(); // before libtorch's first operation
	}

	private Devices() {}

	public static Device parse(String choice) {
		String c = choice == null ? "auto" : choice.trim().toLowerCase(Locale.ROOT);
		Engine engine = Engine.getInstance();
		if (c.isEmpty() || c.equals("auto")) return engine.defaultDevice();
		if (c.equals("cpu")) return Device.cpu();
		if (c.equals("gpu") || c.startsWith("gpu:") || c.startsWith("cuda")) {
			int id = 0;
			int colon = c.indexOf(':');
			if (colon >= 0) {
				try {
					id = Integer.parseInt(c.substring(colon + 1).trim());
				} catch (NumberFormatException e) {
					throw new IllegalArgumentException("device '" + choice + "': expected gpu:N with a number N");
				}
			}
			int gpus = engine.getGpuCount();
			if (id < 0 || id >= gpus)
				throw new IllegalArgumentException("device '" + choice + "' is not available: " + engine.getEngineName()
					+ " " + engine.getVersion() + " sees " + gpus + " GPU(s). Use 'cpu' or 'auto'.");
			return Device.gpu(id);
		}
		throw new IllegalArgumentException("device '" + choice + "' is not auto, cpu or gpu:N");
	}

	/** The device choices that exist here: auto, cpu and one gpu:N per GPU the engine sees. */
	public static List<String> choices() {
		List<String> c = new ArrayList<>(List.of("auto", "cpu"));
		for (int i = 0; i < Engine.getInstance().getGpuCount(); i++) c.add("gpu:" + i);
		return c;
	}

	/** e.g. "PyTorch 2.7.1 on cpu()" — what commands report as the engine/device used. */
	public static String describe(Device device) {
		Engine engine = Engine.getInstance();
		return engine.getEngineName() + " " + engine.getVersion() + " (DJL " + Engine.getDjlVersion() + ") on " + device;
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import ij.Menus;
import ij.macro.Interpreter;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs an ImageJ macro headless (no display) with this plugin's commands available under their
 * menu labels, as if the jar were installed in ImageJ's plugins folder: the entries of our
 * {@code plugins.config} are registered in ImageJ 1's command table, and the macro runs in batch mode.
 */
public final class MacroRunner {

	private static final Pattern ENTRY = Pattern.compile("^\\s*[^#,][^,]*,\\s*\"([^\"]+)\",\\s*([\\w.$]+)\\s*(\\(.*\\))?\\s*$");

	private static final Pattern BUILT_IN = Pattern.compile("^\\w+=\"([^\"]+)\",(ij\\.[\\w.$]+(\\(.*\\))?)\\s*$");

	private MacroRunner() {}

	/** Puts our plugins.config entries into ImageJ 1's command table (idempotent). */
	@SuppressWarnings({"unchecked", "rawtypes"})
	public static synchronized void registerCommands() throws IOException {
		System.setProperty("java.awt.headless", System.getProperty("java.awt.headless", "true"));
		try {
			Field f = Menus.class.getDeclaredField("pluginsTable");
			f.setAccessible(true);
			Hashtable table = (Hashtable) f.get(null);
			if (table == null) {
				table = new Hashtable();
				f.set(null, table);
			}
			// ImageJ's own plugin commands (Make Montage..., Z Project..., …), which its menus would register
			try (InputStream in = Menus.class.getResourceAsStream("/IJ_Props.txt")) {
				if (in != null) {
					BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
					for (String line; (line = r.readLine()) != null; ) {
						Matcher m = BUILT_IN.matcher(line);
						if (m.matches()) table.putIfAbsent(m.group(1), m.group(2));
					}
				}
			}
			try (InputStream in = MacroRunner.class.getResourceAsStream("/plugins.config")) {
				if (in == null) throw new IOException("plugins.config is not on the classpath");
				BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
				for (String line; (line = r.readLine()) != null; ) {
					Matcher m = ENTRY.matcher(line);
					if (m.matches() && !"null".equals(m.group(2))) table.put(m.group(1), m.group(2));
				}
			}
		} catch (NoSuchFieldException | IllegalAccessException e) {
			throw new IOException("this ImageJ version does not allow registering commands headless: " + e, e);
		}
	}

	/** Runs the macro file with an argument (getArgument() in the macro); returns its return value. */
	public static String run(Path macro, String argument) throws IOException {
		registerCommands();
		String text = new String(Files.readAllBytes(macro), StandardCharsets.UTF_8);
		Interpreter.batchMode = true;
		Interpreter interp = new Interpreter();
		CommandShim.takeLastFailure();
		String result = interp.run(text, argument == null ? "" : argument);
		if (interp.wasError()) throw new IOException("macro " + macro + " failed: " + interp.getErrorMessage());
		String failure = CommandShim.takeLastFailure();
		if (failure != null) throw new IOException("macro " + macro + " stopped: " + failure); // non-zero exit headless
		return result;
	}
}

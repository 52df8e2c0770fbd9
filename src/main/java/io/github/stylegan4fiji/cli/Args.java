package io.github.stylegan4fiji.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** {@code --key value} command-line options; unknown keys are an error so typos do not pass silently. */
final class Args {

	private final Map<String, String> values = new LinkedHashMap<>();
	private final Set<String> used = new LinkedHashSet<>();

	Args(String[] args, int from) {
		for (int i = from; i < args.length; i++) {
			String a = args[i];
			if (!a.startsWith("--")) throw new IllegalArgumentException("expected --option, got '" + a + "'");
			String key = a.substring(2);
			String value = "true";
			int eq = key.indexOf('=');
			if (eq >= 0) {
				value = key.substring(eq + 1);
				key = key.substring(0, eq);
			} else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
				value = args[++i];
			}
			values.put(key.replace('_', '-'), value);
		}
	}

	String string(String key, String def) {
		used.add(key);
		return values.getOrDefault(key, def);
	}

	String required(String key) {
		used.add(key);
		String v = values.get(key);
		if (v == null) throw new IllegalArgumentException("--" + key + " is required");
		return v;
	}

	Path path(String key) {
		return Paths.get(required(key));
	}

	int integer(String key, int def) {
		String v = string(key, null);
		try {
			return v == null ? def : Integer.parseInt(v);
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("--" + key + " needs a whole number, got '" + v + "'");
		}
	}

	double number(String key, double def) {
		String v = string(key, null);
		try {
			return v == null ? def : Double.parseDouble(v);
		} catch (NumberFormatException e) {
			throw new IllegalArgumentException("--" + key + " needs a number, got '" + v + "'");
		}
	}

	boolean flag(String key, boolean def) {
		String v = string(key, null);
		if (v == null) return def;
		if (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes")) return true;
		if (v.equalsIgnoreCase("false") || v.equals("0") || v.equalsIgnoreCase("no")) return false;
		throw new IllegalArgumentException("--" + key + " needs true or false, got '" + v + "'");
	}

	boolean has(String key) {
		return values.containsKey(key);
	}

	/** Fails on options nobody asked for. */
	void checkAllUsed() {
		for (String k : values.keySet())
			if (!used.contains(k)) throw new IllegalArgumentException("unknown option --" + k);
	}
}

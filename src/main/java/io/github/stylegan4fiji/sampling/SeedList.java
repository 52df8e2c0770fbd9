package io.github.stylegan4fiji.sampling;

import java.util.ArrayList;
import java.util.List;

/** Parses seed lists like {@code 1-16,42} (ranges inclusive, order kept, duplicates allowed). */
public final class SeedList {

	/** Largest list we accept from text: guards against '0-4294967295' exhausting memory. */
	public static final int MAX_SEEDS = 1_000_000;

	private SeedList() {}

	public static long[] parse(String text) {
		if (text == null || text.trim().isEmpty())
			throw new IllegalArgumentException("no seeds given: use e.g. '1-16,42'");
		List<Long> seeds = new ArrayList<>();
		for (String raw : text.split(",")) {
			String part = raw.trim();
			if (part.isEmpty()) throw new IllegalArgumentException("empty entry in seed list '" + text + "'");
			int dash = part.indexOf('-', 1);
			long from, to;
			try {
				if (dash < 0) {
					from = to = Long.parseLong(part);
				} else {
					from = Long.parseLong(part.substring(0, dash).trim());
					to = Long.parseLong(part.substring(dash + 1).trim());
				}
			} catch (NumberFormatException e) {
				throw new IllegalArgumentException("'" + part + "' in seed list '" + text
					+ "' is not a seed or a range like 3-7");
			}
			checkSeed(from, text);
			checkSeed(to, text);
			if (to < from) throw new IllegalArgumentException("range '" + part + "' runs backwards");
			if (seeds.size() + (to - from + 1) > MAX_SEEDS)
				throw new IllegalArgumentException("seed list '" + text + "' has more than " + MAX_SEEDS + " seeds");
			for (long s = from; s <= to; s++) seeds.add(s);
		}
		long[] out = new long[seeds.size()];
		for (int i = 0; i < out.length; i++) out[i] = seeds.get(i);
		return out;
	}

	private static void checkSeed(long s, String text) {
		if (s < 0 || s > 0xFFFFFFFFL)
			throw new IllegalArgumentException("seed " + s + " in '" + text + "' is outside 0…4294967295");
	}

	/** Formats seeds compactly, joining runs: {1,2,3,7} → "1-3,7". */
	public static String format(long[] seeds) {
		StringBuilder sb = new StringBuilder();
		for (int i = 0; i < seeds.length; ) {
			int j = i;
			while (j + 1 < seeds.length && seeds[j + 1] == seeds[j] + 1) j++;
			if (sb.length() > 0) sb.append(',');
			sb.append(seeds[i]);
			if (j > i) sb.append('-').append(seeds[j]);
			i = j + 1;
		}
		return sb.toString();
	}
}

package io.github.stylegan4fiji.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Modes as users type them: an enum constant by its key, case and surrounding spaces ignored, else a message listing the keys. */
public final class Choices {

	private Choices() {}

	public static <E extends Enum<E>> E parse(Class<E> type, String text, Function<E, String> key, String what) {
		String t = text == null ? "" : text.trim();
		for (E e : type.getEnumConstants()) if (key.apply(e).equalsIgnoreCase(t)) return e;
		throw new IllegalArgumentException(what + " must be " + Arrays.stream(type.getEnumConstants()).map(key)
			.collect(Collectors.joining(" or ")) + ", not '" + t.toLowerCase(Locale.ROOT) + "'");
	}
}

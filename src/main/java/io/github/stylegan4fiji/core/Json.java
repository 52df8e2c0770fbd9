package io.github.stylegan4fiji.core;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;

/** The one JSON dialect of the project: snake_case keys, pretty printed, NaN allowed. */
public final class Json {
	public static final Gson GSON = new GsonBuilder()
		.setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
		.serializeSpecialFloatingPointValues()
		.setPrettyPrinting()
		.create();

	/** The same dialect on one line (JSON Lines logs). */
	public static final Gson COMPACT = new GsonBuilder()
		.setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
		.serializeSpecialFloatingPointValues()
		.create();

	private Json() {}
}

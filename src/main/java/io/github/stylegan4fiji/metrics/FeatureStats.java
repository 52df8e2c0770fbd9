package io.github.stylegan4fiji.metrics;

import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.io.ModelFormatException;
import io.github.stylegan4fiji.io.SafeTensors;
import io.github.stylegan4fiji.io.ZipFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feature statistics of a set of images: count, mean and covariance (divided by N, as the official
 * {@code FeatureStats.get_mean_cov}), and optionally the features themselves for KID and
 * precision/recall. Saved as a file a user can move between machines; {@link #info} records which
 * images and which feature network they came from.
 */
public final class FeatureStats {

	public static final String FORMAT = "stylegan-fiji-feature-stats";
	static final String MANIFEST = "feature-stats.json";
	static final String TENSORS = "stats.safetensors";

	/** What the statistics describe (written to and read from the file). */
	public static final class Info {
		public String format = FORMAT;
		public String featureNetwork;
		public String source;
		public String contentHash;
		public long count;
		public int dimension;
		public int keptFeatures;
	}

	public final Info info;
	public final double[] mean;
	/** Row-major [dimension × dimension]. */
	public final double[] covariance;
	/** Row-major [keptFeatures × dimension], or an empty array. */
	public final float[] features;

	public FeatureStats(Info info, double[] mean, double[] covariance, float[] features) {
		int d = info.dimension;
		if (mean.length != d || covariance.length != (long) d * d || features.length != (long) info.keptFeatures * d)
			throw new IllegalArgumentException("statistics do not match dimension " + d);
		this.info = info;
		this.mean = mean;
		this.covariance = covariance;
		this.features = features;
	}

	public int dimension() {
		return info.dimension;
	}

	public int keptCount() {
		return info.keptFeatures;
	}

	public void save(Path file) throws IOException {
		Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
		int d = info.dimension;
		// float32 storage would round the covariance; keep double precision as two float halves
		t.put("mean_hi", new SafeTensors.Tensor(new long[] {d}, hi(mean)));
		t.put("mean_lo", new SafeTensors.Tensor(new long[] {d}, lo(mean)));
		t.put("cov_hi", new SafeTensors.Tensor(new long[] {d, d}, hi(covariance)));
		t.put("cov_lo", new SafeTensors.Tensor(new long[] {d, d}, lo(covariance)));
		t.put("features", new SafeTensors.Tensor(new long[] {info.keptFeatures, d}, features));
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		SafeTensors.write(bytes, t, java.util.Collections.singletonMap("content", "feature statistics"));
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put(MANIFEST, Json.GSON.toJson(info).getBytes(StandardCharsets.UTF_8));
		entries.put(TENSORS, bytes.toByteArray());
		ZipFiles.writeAtomically(file, entries);
	}

	public static FeatureStats load(Path file) throws IOException {
		Map<String, byte[]> e = ZipFiles.read(file, "Statistics", MANIFEST, TENSORS);
		Info info;
		try {
			info = Json.GSON.fromJson(new String(e.get(MANIFEST), StandardCharsets.UTF_8), Info.class);
		} catch (com.google.gson.JsonParseException ex) {
			throw new ModelFormatException(file + ": " + MANIFEST + " is not valid JSON", ex);
		}
		if (info == null || !FORMAT.equals(info.format)) throw new ModelFormatException(file + " is not a feature statistics file");
		Map<String, SafeTensors.Tensor> t = SafeTensors.read(e.get(TENSORS), file.toString());
		for (String k : new String[] {"mean_hi", "mean_lo", "cov_hi", "cov_lo", "features"})
			if (!t.containsKey(k)) throw new ModelFormatException(file + ": tensor '" + k + "' is missing");
		try {
			return new FeatureStats(info, join(t.get("mean_hi").data, t.get("mean_lo").data),
				join(t.get("cov_hi").data, t.get("cov_lo").data), t.get("features").data);
		} catch (IllegalArgumentException ex) {
			throw new ModelFormatException(file + ": " + ex.getMessage(), ex);
		}
	}

	private static float[] hi(double[] v) {
		float[] f = new float[v.length];
		for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
		return f;
	}

	private static float[] lo(double[] v) {
		float[] f = new float[v.length];
		for (int i = 0; i < v.length; i++) f[i] = (float) (v[i] - (float) v[i]);
		return f;
	}

	private static double[] join(float[] hi, float[] lo) {
		double[] v = new double[hi.length];
		for (int i = 0; i < v.length; i++) v[i] = (double) hi[i] + lo[i];
		return v;
	}
}

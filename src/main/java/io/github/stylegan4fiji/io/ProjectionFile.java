package io.github.stylegan4fiji.io;

import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.sampling.ProjectedLatents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Projected latents as a small file ({@code *.zip}): {@code projection.json} (what was projected,
 * into which model, how well) and {@code latents.safetensors} ({@code w} [n, wLayers, dlatentSize],
 * {@code noise{l}} [n, 1, r, r]). Every sampling command that takes latents reads it; it moves between
 * machines like a model file. See docs/projection.md.
 */
public final class ProjectionFile {

	public static final String FORMAT = "stylegan-fiji-projection";
	public static final String MANIFEST = "projection.json";
	public static final String LATENTS = "latents.safetensors";

	/** The JSON part. */
	public static final class Info {
		public String format = FORMAT;
		public int formatVersion = 1;
		/** The model's file name and training progress, to tell which model these latents belong to. */
		public String model;
		public double modelKimg;
		public int n;
		public int wLayers;
		public int dlatentSize;
		public int classLabel = -1;
		public String[] names;
		public String distance;
		public int steps;
		public double[] finalDistance;
		public double[] psnr;
		/** Per image, in the model's range (data range 2); absent in files written before it existed. */
		public double[] ssim;
	}

	private ProjectionFile() {}

	public static void save(Path file, ProjectedLatents p, Info info) throws IOException {
		info.n = p.n;
		info.wLayers = p.wLayers;
		info.dlatentSize = p.dlatentSize;
		info.classLabel = p.classLabel;
		info.names = p.names;
		Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
		t.put("w", new SafeTensors.Tensor(new long[] {p.n, p.wLayers, p.dlatentSize}, p.w));
		for (int l = 0; l < p.noise.length; l++) {
			long r = Math.round(Math.sqrt(p.noise[l].length / (double) p.n));
			t.put("noise" + l, new SafeTensors.Tensor(new long[] {p.n, 1, r, r}, p.noise[l]));
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		SafeTensors.write(bytes, t, Collections.singletonMap("content", "projected latents"));
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put(MANIFEST, Json.GSON.toJson(info).getBytes(StandardCharsets.UTF_8));
		entries.put(LATENTS, bytes.toByteArray());
		ZipFiles.writeAtomically(file, entries);
	}

	public static Info readInfo(Path file) throws IOException {
		return parseInfo(file, ZipFiles.read(file, "Projection", MANIFEST).get(MANIFEST));
	}

	private static Info parseInfo(Path file, byte[] json) throws ModelFormatException {
		Info info;
		try {
			info = Json.GSON.fromJson(new String(json, StandardCharsets.UTF_8), Info.class);
		} catch (com.google.gson.JsonParseException e) {
			throw new ModelFormatException(file + "!" + MANIFEST + " is damaged: " + e.getMessage(), e);
		}
		if (info == null || !FORMAT.equals(info.format)) throw new ModelFormatException(file + " is not a projection file");
		if (info.n < 1 || info.wLayers < 1 || info.dlatentSize < 1) throw new ModelFormatException(file + ": damaged projection sizes");
		return info;
	}

	/** The latents, checked for shape and finite values. */
	public static ProjectedLatents load(Path file) throws IOException {
		Map<String, byte[]> e = ZipFiles.read(file, "Projection", MANIFEST, LATENTS);
		Info info = parseInfo(file, e.get(MANIFEST));
		Map<String, SafeTensors.Tensor> t = SafeTensors.read(e.get(LATENTS), file + "!" + LATENTS);
		SafeTensors.Tensor w = t.get("w");
		if (w == null || w.data.length != info.n * info.wLayers * info.dlatentSize)
			throw new ModelFormatException(file + ": w is missing or not " + info.n + "×" + info.wLayers + "×" + info.dlatentSize);
		int layers = 0;
		while (t.containsKey("noise" + layers)) layers++;
		float[][] noise = new float[layers][];
		for (int l = 0; l < layers; l++) noise[l] = t.get("noise" + l).data;
		for (float v : w.data) if (!Float.isFinite(v)) throw new ModelFormatException(file + ": w has NaN/infinite values");
		return new ProjectedLatents(info.n, info.wLayers, info.dlatentSize, w.data, noise, info.classLabel,
			info.names != null && info.names.length == info.n ? info.names : null);
	}
}

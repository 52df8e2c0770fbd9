package io.github.stylegan4fiji.sampling;

import io.github.stylegan4fiji.core.StyleGanConfig;

import java.util.Arrays;

/**
 * Latents found by projecting real images (see {@code project.Projector}): w per image (one for all
 * style layers, or one per layer: W+) and each image's noise maps. Usable wherever seeds are: render
 * them, mix their styles with seeds, interpolate between them.
 */
public final class ProjectedLatents {

	public final int n;
	/** 1 (one w per image) or the model's style layers (W+). */
	public final int wLayers;
	public final int dlatentSize;
	/** [n, wLayers, dlatentSize] row-major. */
	public final float[] w;
	/** Per style layer: [n, res, res] row-major. */
	public final float[][] noise;
	/** Class the images were projected into (−1: unconditional model). */
	public final int classLabel;
	/** A name per image (e.g. the target's file name). */
	public final String[] names;

	public ProjectedLatents(int n, int wLayers, int dlatentSize, float[] w, float[][] noise, int classLabel, String[] names) {
		if (w.length != n * wLayers * dlatentSize) throw new IllegalArgumentException("w must be " + n + "×" + wLayers + "×" + dlatentSize);
		if (names != null && names.length != n) throw new IllegalArgumentException(n + " images but " + names.length + " names");
		this.n = n;
		this.wLayers = wLayers;
		this.dlatentSize = dlatentSize;
		this.w = w;
		this.noise = noise;
		this.classLabel = classLabel;
		this.names = names;
	}

	/** Throws unless these latents fit the model (w size, style layers, noise map sizes, classes). */
	public void checkFits(StyleGanConfig c) {
		if (dlatentSize != c.dlatentSize) throw new IllegalArgumentException("the latents have w of size " + dlatentSize + "; the model " + c.dlatentSize);
		if (wLayers != 1 && wLayers != c.numLayers())
			throw new IllegalArgumentException("the latents have " + wLayers + " style layers; the model " + c.numLayers());
		if (noise.length != c.numLayers()) throw new IllegalArgumentException("the latents have noise for " + noise.length + " layers; the model has " + c.numLayers());
		for (int l = 0; l < noise.length; l++) {
			int r = c.layerResolution(l);
			if (noise[l].length != n * r * r) throw new IllegalArgumentException("noise map of layer " + l + " is not " + r + "²");
		}
		if (classLabel >= c.labelSize && c.isConditional() || classLabel >= 0 && !c.isConditional())
			throw new IllegalArgumentException("the latents' class " + classLabel + " does not exist in the model");
	}

	/** Image {@code i}'s w at style layer {@code layer}. */
	public float[] w(int i, int layer) {
		checkIndex(i);
		int l = wLayers == 1 ? 0 : layer;
		return Arrays.copyOfRange(w, (i * wLayers + l) * dlatentSize, (i * wLayers + l + 1) * dlatentSize);
	}

	private void checkIndex(int i) {
		if (i < 0 || i >= n) throw new IllegalArgumentException("projected image " + i + " does not exist (the file holds 0…" + (n - 1) + ")");
	}

	/** Per style layer, [n, dlatentSize] host arrays (shared when there is one w per image). */
	public float[][] perLayer(int layers) {
		float[][] out = new float[layers][];
		if (wLayers == 1) {
			Arrays.fill(out, w.clone());
			return out;
		}
		for (int l = 0; l < layers; l++) {
			out[l] = new float[n * dlatentSize];
			for (int i = 0; i < n; i++) System.arraycopy(w, (i * wLayers + l) * dlatentSize, out[l], i * dlatentSize, dlatentSize);
		}
		return out;
	}

	/** Images {@code indices} (in that order, repeats allowed) as latents of their own. */
	public ProjectedLatents select(int[] indices) {
		float[] w2 = new float[indices.length * wLayers * dlatentSize];
		float[][] n2 = new float[noise.length][];
		String[] names2 = names == null ? null : new String[indices.length];
		for (int l = 0; l < noise.length; l++) n2[l] = new float[indices.length * (noise[l].length / n)];
		for (int j = 0; j < indices.length; j++) {
			int i = indices[j];
			checkIndex(i);
			System.arraycopy(w, i * wLayers * dlatentSize, w2, j * wLayers * dlatentSize, wLayers * dlatentSize);
			for (int l = 0; l < noise.length; l++) {
				int per = noise[l].length / n;
				System.arraycopy(noise[l], i * per, n2[l], j * per, per);
			}
			if (names2 != null) names2[j] = names[i];
		}
		return new ProjectedLatents(indices.length, wLayers, dlatentSize, w2, n2, classLabel, names2);
	}
}

package io.github.stylegan4fiji.core;

/**
 * Floating-point operations (multiply-adds × 2) of one forward pass, counted for the reference
 * formulation (separate upsample + 3×3 conv, as the official code below 128²), so GFLOP/s figures
 * compare with other implementations even though our fused forms do less work.
 */
public final class Flops {

	private Flops() {}

	/** Generator (mapping + styles + synthesis at full resolution) per image. */
	public static double generator(StyleGanConfig c) {
		double f = 0;
		int in = c.latentSize;
		for (int i = 0; i < c.mappingLayers; i++) {
			int out = i == c.mappingLayers - 1 ? c.dlatentSize : c.mappingFmaps;
			f += 2.0 * in * out;
			in = out;
		}
		for (int l = 0; l < c.numLayers(); l++) {
			int r = Integer.numberOfTrailingZeros(c.layerResolution(l));
			f += 2.0 * c.dlatentSize * 2 * c.nf(r - 1);
		}
		f += 2.0 * 9 * c.nf(1) * c.nf(1) * 16;
		for (int r = 3; r <= c.resolutionLog2(); r++) {
			double px = Math.pow(4, r);
			f += 2.0 * 9 * c.nf(r - 2) * c.nf(r - 1) * px + 2.0 * 9 * c.nf(r - 1) * c.nf(r - 1) * px;
		}
		f += 2.0 * c.nf(c.resolutionLog2() - 1) * c.channels * Math.pow(4, c.resolutionLog2());
		return f;
	}

	/** Discriminator per image. */
	public static double discriminator(StyleGanConfig c) {
		int r2 = c.resolutionLog2();
		double f = 2.0 * c.channels * c.nf(r2 - 1) * Math.pow(4, r2);
		for (int r = r2; r >= 3; r--) {
			double px = Math.pow(4, r);
			f += 2.0 * 9 * c.nf(r - 1) * c.nf(r - 1) * px + 2.0 * 9 * c.nf(r - 1) * c.nf(r - 2) * px;
		}
		f += 2.0 * 9 * (c.nf(1) + 1) * c.nf(1) * 16 + 2.0 * c.nf(1) * 16 * c.nf(0) + 2.0 * c.nf(0);
		return f;
	}
}

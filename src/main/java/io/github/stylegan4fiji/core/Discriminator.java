package io.github.stylegan4fiji.core;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The ProGAN/StyleGAN discriminator ({@code D_basic}): fromRGB per resolution, blocks of
 * conv → blur → conv with 2× downsampling, minibatch standard deviation and a dense head, with the
 * same level-of-detail fade-in as the generator. Returns one score per image; a conditional model's D
 * scores every class and keeps the image's own (official {@code LabelSwitch}: Σ scores × one-hot label,
 * the projection of Mescheder et al. 2018).
 */
public final class Discriminator implements DiscriminatorNetwork {

	public static final String PREFIX = "D/";

	private final StyleGanConfig c;

	public Discriminator(StyleGanConfig config) {
		this.c = config.validate();
	}

	static String fromRgbName(int lod) {
		return PREFIX + "FromRGB_lod" + lod;
	}

	static String scope(int res) {
		return PREFIX + res + "x" + res + "/";
	}

	private int mbstdFeatures() {
		return c.mbstdGroupSize > 1 ? c.mbstdNumFeatures : 0;
	}

	@Override
	public List<ParamSpec> parameters() {
		List<ParamSpec> specs = new ArrayList<>();
		int r2 = c.resolutionLog2();
		for (int r = r2; r >= 2; r--) {
			Layers.declareConv(specs, fromRgbName(r2 - r), c.channels, c.nf(r - 1), 1, true);
		}
		for (int r = r2; r >= 3; r--) {
			String s = scope(1 << r);
			Layers.declareConv(specs, s + "Conv0", c.nf(r - 1), c.nf(r - 1), 3, true);
			Layers.declareConv(specs, s + "Conv1_down", c.nf(r - 1), c.nf(r - 2), 3, true);
		}
		String s4 = scope(4);
		Layers.declareConv(specs, s4 + "Conv", c.nf(1) + mbstdFeatures(), c.nf(1), 3, true);
		Layers.declareDense(specs, s4 + "Dense0", c.nf(1) * 16, c.nf(0), 1.0);
		Layers.declareDense(specs, s4 + "Dense1", c.nf(0), Math.max(c.labelSize, 1), 1.0); // one score per class
		return Collections.unmodifiableList(specs);
	}

	@Override
	public NDArray forward(Params p, NDArray images, NDArray labels, double lod) {
		int r2 = c.resolutionLog2();
		lod = Math.max(0, Math.min(lod, r2 - 2));
		int rStart = r2 - (int) Math.floor(lod);
		double frac = lod - Math.floor(lod);

		// each block in a scope of its own, its input freed after it (ArrayScope.advance), as in SynthesisNetwork
		NDArray img = Layers.downscale2d(images, 1 << (r2 - rStart));
		NDArray x = ArrayScope.local(() -> fromRgb(p, img, rStart));
		for (int r = rStart; r >= 3; r--) {
			int res = r;
			x = ArrayScope.advance(x, in -> block(p, in, res));
			if (r == rStart && frac > 0)
				x = ArrayScope.advance(x, higher -> Layers.lerpClip(higher, fromRgb(p, Layers.downscale2d(img), res - 1), frac));
		}
		return ArrayScope.advance(x, last -> head(p, last, labels));
	}

	/** Minibatch stddev, the 4×4 conv and the two dense layers: features [N, C, 4, 4] → scores [N, 1]. */
	private NDArray head(Params p, NDArray x, NDArray labels) {
		String s4 = scope(4);
		if (mbstdFeatures() > 0) x = Layers.minibatchStddev(x, c.mbstdGroupSize, c.mbstdNumFeatures);
		x = Layers.lrelu(Layers.conv(x, p, s4 + "Conv", Layers.SQRT2));
		x = x.reshape(x.getShape().get(0), -1);
		x = Layers.lrelu(Layers.dense(x, p, s4 + "Dense0", Layers.SQRT2, 1.0));
		return labelSwitch(Layers.dense(x, p, s4 + "Dense1", 1.0, 1.0), labels);
	}

	/** Per-class scores [N, labelSize] → the scores of the images' classes [N, 1]; unconditional: as is. */
	private NDArray labelSwitch(NDArray scores, NDArray labels) {
		if (!c.isConditional()) return scores;
		return scores.mul(checkLabels(labels, scores)).sum(new int[] {1}, true);
	}

	private NDArray checkLabels(NDArray labels, NDArray scores) {
		if (labels == null) throw new IllegalArgumentException("this model is conditional: D needs the images' classes");
		return labels.toType(scores.getDataType(), false);
	}

	/**
	 * Scores [N, 1] and ∇ₓΣD(x) [N, C, H, W], the gradient written out layer by layer (the adjoint of
	 * {@link #forward}) with ordinary differentiable ops, so that the R1 penalty's gradient with
	 * respect to D's weights comes from one first-order backward. Tested against autograd.
	 */
	@Override
	public NDArray[] forwardWithInputGradient(Params p, NDArray images, NDArray labels, double lod) {
		NDArray[] r = scoreWithInputGradient(p, images, null, labels, lod);
		return new NDArray[] {r[0], r[1]};
	}

	/**
	 * One pass over both minibatches stacked (2N images: half the layer calls of two passes, whose fixed
	 * cost dominates at small batches), minibatch statistics taken within each as two calls would; the
	 * adjoint runs on the first minibatch only.
	 */
	@Override
	public NDArray[] forwardPairWithInputGradient(Params p, NDArray images, NDArray others, NDArray labels, double lod) {
		if (!others.getShape().equals(images.getShape()))
			throw new IllegalArgumentException("minibatches of different shapes: " + images.getShape() + ", " + others.getShape());
		return scoreWithInputGradient(p, images, others, labels, lod);
	}

	/** {scores of images, ∇ of Σ those scores by images, scores of others (or null)}. */
	private NDArray[] scoreWithInputGradient(Params p, NDArray images, NDArray others, NDArray labels, double lod) {
		int r2 = c.resolutionLog2();
		lod = Math.max(0, Math.min(lod, r2 - 2));
		int rStart = r2 - (int) Math.floor(lod);
		double frac = lod - Math.floor(lod);
		int down = 1 << (r2 - rStart);
		String s4 = scope(4);
		long n = images.getShape().get(0);
		int parts = others == null ? 1 : 2;
		NDArray all = others == null ? images : images.concat(others, 0);
		NDArray allLabels = labels == null || others == null ? labels : labels.concat(labels, 0);

		// forward, keeping the pre-activations
		NDArray img = Layers.downscale2d(all, down);
		NDArray a0 = Layers.conv(img, p, fromRgbName(r2 - rStart), Layers.SQRT2);
		NDArray x = Layers.lrelu(a0);
		NDArray[] a1 = new NDArray[rStart + 1], a2 = new NDArray[rStart + 1];
		NDArray a3 = null;
		for (int r = rStart; r >= 3; r--) {
			String s = scope(1 << r);
			NDArray in = x;
			int res = 1 << r;
			NDArray[] block = ArrayScope.localAll(() -> { // {pre-activation 1, pre-activation 2, output}
				NDArray pre1 = Layers.conv(in, p, s + "Conv0", Layers.SQRT2);
				NDArray h1 = Layers.lrelu(pre1);
				NDArray pre2 = Layers.convDown(c.blur ? Layers.blur(h1) : h1, p, s + "Conv1_down", Layers.SQRT2, c.fused(res));
				return new NDArray[] {pre1, pre2, Layers.lrelu(pre2)};
			});
			a1[r] = block[0];
			a2[r] = block[1];
			ArrayScope.release(in);
			x = block[2];
			if (r == rStart && frac > 0) {
				a3 = Layers.conv(Layers.downscale2d(img), p, fromRgbName(r2 - r + 1), Layers.SQRT2);
				x = Layers.lerpClip(x, Layers.lrelu(a3), frac);
			}
		}
		NDArray xin = x;
		int extra = mbstdFeatures();
		NDArray xm = extra > 0 ? Layers.minibatchStddev(xin, c.mbstdGroupSize, c.mbstdNumFeatures, parts) : xin;
		NDArray a4 = Layers.conv(xm, p, s4 + "Conv", Layers.SQRT2);
		NDArray a5 = Layers.dense(Layers.lrelu(a4).reshape(a4.getShape().get(0), -1), p, s4 + "Dense0", Layers.SQRT2, 1.0);
		NDArray scores = labelSwitch(Layers.dense(Layers.lrelu(a5), p, s4 + "Dense1", 1.0, 1.0), allLabels);
		NDArray otherScores = null;
		if (others != null) { // the adjoint below needs the first minibatch's activations only
			otherScores = scores.get(n + ":");
			scores = scores.get(":" + n);
			a0 = first(a0, n);
			a3 = a3 == null ? null : first(a3, n);
			for (int r = rStart; r >= 3; r--) {
				a1[r] = first(a1[r], n);
				a2[r] = first(a2[r], n);
			}
			xin = xin.get(":" + n);
			a4 = first(a4, n);
			a5 = first(a5, n);
		}

		// backward of Σ scores, by hand (through the label switch: the one-hot labels)
		NDArray seed = c.isConditional() ? checkLabels(labels, scores) : scores.onesLike();
		NDArray d = Layers.denseInputGrad(seed, p, s4 + "Dense1", 1.0, 1.0);
		d = Layers.denseInputGrad(Layers.lreluGrad(d, a5), p, s4 + "Dense0", Layers.SQRT2, 1.0).reshape(a4.getShape());
		d = Layers.convInputGrad(Layers.lreluGrad(d, a4), p, s4 + "Conv", Layers.SQRT2);
		if (extra > 0) {
			long ch = xin.getShape().get(1);
			NDArray ds = d.get(":, " + ch + ":");
			d = d.get(":, :" + ch).add(Layers.minibatchStddevGrad(xin, ds, c.mbstdGroupSize, c.mbstdNumFeatures));
		}
		NDArray dImg = null;
		for (int r = 3; r <= rStart; r++) {
			String s = scope(1 << r);
			if (r == rStart && frac > 0) {
				NDArray da3 = Layers.lreluGrad(Scalars.mul(d, frac), a3);
				dImg = Scalars.mul(Layers.upscale2d(Layers.convInputGrad(da3, p, fromRgbName(r2 - r + 1), Layers.SQRT2), 2), 0.25);
				d = Scalars.mul(d, 1 - frac);
			}
			NDArray pre1 = a1[r], pre2 = a2[r];
			int res = 1 << r;
			d = ArrayScope.advance(d, dOut -> {
				NDArray g = Layers.convDownInputGrad(Layers.lreluGrad(dOut, pre2), p, s + "Conv1_down", Layers.SQRT2, c.fused(res));
				if (c.blur) g = Layers.blur(g); // the symmetric, zero-padded blur is its own adjoint
				return Layers.convInputGrad(Layers.lreluGrad(g, pre1), p, s + "Conv0", Layers.SQRT2);
			});
		}
		NDArray g0 = Layers.convInputGrad(Layers.lreluGrad(d, a0), p, fromRgbName(r2 - rStart), Layers.SQRT2);
		dImg = dImg == null ? g0 : g0.add(dImg);
		if (down > 1) dImg = Scalars.div(Layers.upscale2d(dImg, down), (double) down * down);
		return new NDArray[] {scores, dImg, otherScores};
	}

	/** The first n samples of a pre-activation, only read for the leaky-ReLU masks (no gradient through it). */
	private static NDArray first(NDArray a, long n) {
		return a.stopGradient().get(":" + n);
	}

	private NDArray fromRgb(Params p, NDArray img, int r) {
		return Layers.lrelu(Layers.conv(img, p, fromRgbName(c.resolutionLog2() - r), Layers.SQRT2));
	}

	private NDArray block(Params p, NDArray x, int r) {
		int res = 1 << r;
		String s = scope(res);
		x = Layers.lrelu(Layers.conv(x, p, s + "Conv0", Layers.SQRT2));
		if (c.blur) x = Layers.blur(x);
		return Layers.lrelu(Layers.convDown(x, p, s + "Conv1_down", Layers.SQRT2, c.fused(res)));
	}
}

package io.github.stylegan4fiji.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import io.github.stylegan4fiji.core.Discriminator;
import io.github.stylegan4fiji.core.DiscriminatorNetwork;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.Layers;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.Scalars;

/**
 * The training losses as functions of networks, weights and minibatches (official training/loss.py):
 * logistic non-saturating with R1 ({@code D_logistic_simplegp}, {@code G_logistic_nonsaturating}) and
 * WGAN-GP; and the official {@code process_reals}. Stateless, so tests check them directly against
 * finite differences and the independent reference.
 */
final class Losses {

	private Losses() {}

	/** Reals at the current level of detail, as the official process_reals (fade, then upscale). */
	static NDArray processReals(NDArray x, double lod) {
		int f = (int) Math.floor(lod);
		double frac = lod - f;
		x = Layers.downscale2d(x, 1 << f);
		if (frac > 0) x = Layers.lerpClip(x, Layers.upscale2d(Layers.downscale2d(x), 2), frac);
		return Layers.upscale2d(x, 1 << f);
	}

	/**
	 * The discriminator's loss for one minibatch: softplus(D(fake)) + softplus(−D(real)), plus
	 * weight·‖∇ₓD(x)‖² (R1; weight = γ/2, × interval when lazy) when {@code r1Weight} > 0. The input
	 * gradient comes from {@link Discriminator#forwardWithInputGradient}, so one ordinary backward of
	 * the returned loss gives D's gradients including R1's. Grad mode must be on.
	 */
	static NDArray discriminator(DiscriminatorNetwork d, Params dp, NDArray reals, NDArray fakes, double lod,
			double r1Weight, double[] r1Out) {
		return discriminator(d, dp, reals, fakes, null, lod, r1Weight, r1Out);
	}

	/** As above for a conditional D: reals and fakes share the one-hot {@code labels} (the official D loss). */
	static NDArray discriminator(DiscriminatorNetwork d, Params dp, NDArray reals, NDArray fakes, NDArray labels, double lod,
			double r1Weight, double[] r1Out) {
		NDArray realScores, fakeScores;
		NDArray penalty = null;
		if (r1Weight > 0) {
			NDArray[] sg = d.forwardPairWithInputGradient(dp, reals, fakes, labels, lod); // one pass over both
			realScores = sg[0];
			fakeScores = sg[2];
			NDArray grad = sg[1];
			penalty = grad.square().reshape(grad.getShape().get(0), -1).sum(new int[] {1}).mean();
			if (r1Out != null) r1Out[0] = penalty.getFloat();
		} else {
			realScores = d.forward(dp, reals, labels, lod);
			fakeScores = d.forward(dp, fakes, labels, lod);
		}
		NDArray loss = Activation.softPlus(fakeScores).mean().add(Activation.softPlus(realScores.neg()).mean());
		return penalty == null ? loss : loss.add(Scalars.mul(penalty, (float) r1Weight));
	}

	/**
	 * WGAN-GP (official {@code D_wgan_gp}): D(fake) − D(real) + λ/t² (‖∇D(mix)‖ − t)² + ε D(real)²,
	 * batch means, on random mixes of reals and fakes; ∇D from the same hand-written adjoint as R1.
	 * {@code gpOut[0]} receives the mean gradient penalty (reported where R1 is otherwise).
	 */
	static NDArray wganGp(DiscriminatorNetwork d, Params dp, NDArray reals, NDArray fakes, NDArray labels, NDArray mixing,
			double lod, TrainingOptions o, double[] gpOut) {
		NDArray realScores = d.forward(dp, reals, labels, lod);
		NDArray fakeScores = d.forward(dp, fakes, labels, lod);
		NDArray mixed = reals.add(fakes.sub(reals).mul(mixing));
		NDArray grad = d.forwardWithInputGradient(dp, mixed, labels, lod)[1];
		// + 1e-12: the norm's derivative is undefined at a zero gradient
		NDArray norms = grad.square().reshape(grad.getShape().get(0), -1).sum(new int[] {1}).add(1e-12f).sqrt();
		NDArray gp = norms.sub((float) o.wganTarget).square();
		if (gpOut != null) gpOut[0] = gp.mean().getFloat();
		NDArray loss = fakeScores.sub(realScores).reshape(-1)
			.add(Scalars.mul(gp, (float) (o.wganLambda / (o.wganTarget * o.wganTarget))))
			.add(Scalars.mul(realScores.square().reshape(-1), (float) o.wganEpsilon));
		return loss.mean();
	}

	/** Per-sample interpolation factors U(0, 1) for WGAN-GP, [n, 1, 1, 1], from the step's generator. */
	static NDArray mixingFactors(NDManager m, int n, NumpyRandom rng) {
		float[] f = new float[n];
		for (int i = 0; i < n; i++) f[i] = (float) rng.nextDouble();
		return HostArrays.upload(m, f, new Shape(n, 1, 1, 1));
	}

	/** G's loss from D's scores of its fakes: softplus(−D(G(z))) (logistic NS), or −D(G(z)) (WGAN). */
	static NDArray generator(NDArray fakeScores, TrainingOptions o) {
		return o.isWgan() ? fakeScores.mean().neg() : Activation.softPlus(fakeScores.neg()).mean();
	}
}

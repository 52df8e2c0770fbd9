package io.github.stylegan4fiji.sampling;

/** Truncation trick settings: w' = w_avg + ψ(w − w_avg) on layers below the cutoff (0 = all layers). */
public final class Truncation {

	public static final Truncation NONE = new Truncation(1.0, 0);
	/** The official G_style's truncation_cutoff: ψ applies to style layers 0–7 (coarse and middle). */
	public static final int OFFICIAL_CUTOFF = 8;

	public final double psi;
	public final int cutoff;

	public Truncation(double psi, int cutoff) {
		if (!Double.isFinite(psi) || psi < -2 || psi > 2)
			throw new IllegalArgumentException("psi must be a number in −2…2, got " + psi);
		if (cutoff < 0) throw new IllegalArgumentException("cutoff must be ≥ 0 (0 = all layers), got " + cutoff);
		this.psi = psi;
		this.cutoff = cutoff;
	}

	@Override
	public String toString() {
		return "psi=" + psi + (cutoff > 0 ? " cutoff=" + cutoff : "");
	}
}

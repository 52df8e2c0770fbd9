package io.github.stylegan4fiji.train;

/**
 * The progressive-growing schedule of the official training loop: level of detail, resolution,
 * minibatch and learning rate as functions of the images shown so far.
 */
public final class Schedule {

	public final double lod;
	public final int resolution;
	public final int minibatch;
	public final double lr;

	private Schedule(double lod, int resolution, int minibatch, double lr) {
		this.lod = lod;
		this.resolution = resolution;
		this.minibatch = minibatch;
		this.lr = lr;
	}

	public static Schedule at(double kimg, int resolutionLog2, TrainingOptions o) {
		double lod = 0;
		if (o.progressive) {
			double phaseDur = o.lodTrainingKimg + o.lodTransitionKimg;
			int phaseIdx = phaseDur > 0 ? (int) Math.floor(kimg / phaseDur) : 0;
			double phaseKimg = kimg - phaseIdx * phaseDur;
			lod = resolutionLog2 - Integer.numberOfTrailingZeros(o.lodInitialResolution);
			lod -= phaseIdx;
			if (o.lodTransitionKimg > 0) lod -= Math.max(phaseKimg - o.lodTrainingKimg, 0) / o.lodTransitionKimg;
			lod = Math.max(lod, 0);
		}
		int res = 1 << (resolutionLog2 - (int) Math.floor(lod));
		return new Schedule(lod, res, o.minibatch(res), o.lr(res));
	}
}

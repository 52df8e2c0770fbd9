package io.github.stylegan4fiji.train;

/** The resumable state of a run besides weights and optimiser moments (saved as train/state.json). */
final class State {
	TrainingOptions options;
	long step;
	long nimg;
	int epoch;
	int position;
	double prevLod = -1;
	long adamGSteps, adamDSteps;
	double trainingSeconds;
	double nextSnapshotKimg;
	double lastR1;
	/** Roll-backs after divergence so far; part of every step's seed, so the retried steps draw anew. */
	int restarts;

	/** Goes back to a saved position of the run; time spent and restarts are kept. */
	void rewindTo(State saved) {
		step = saved.step;
		nimg = saved.nimg;
		epoch = saved.epoch;
		position = saved.position;
		prevLod = saved.prevLod;
		adamGSteps = saved.adamGSteps;
		adamDSteps = saved.adamDSteps;
		nextSnapshotKimg = saved.nextSnapshotKimg;
		lastR1 = saved.lastR1;
	}
}

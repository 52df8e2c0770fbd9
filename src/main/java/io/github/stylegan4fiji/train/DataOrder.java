package io.github.stylegan4fiji.train;

import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.data.Dataset;

/**
 * Which real images a run shows, and which classes its fakes get: the data in a fresh permutation per
 * epoch (seeded by the run's seed and the epoch, so a resumed run continues the same order from the
 * saved position), or for balanced class sampling a uniformly drawn class and then an image of it.
 * The position lives in the run's {@link State}, so checkpoints and roll-backs carry it.
 */
final class DataOrder {

	private final Dataset data;
	private final TrainingOptions opts;
	private final State state;
	private final int labelSize;
	private final int[][] byClass;
	private int[] permutation;

	DataOrder(Dataset data, TrainingOptions opts, State state, int labelSize) {
		this.data = data;
		this.opts = opts;
		this.state = state;
		this.labelSize = labelSize;
		this.byClass = data.isLabelled() ? indicesByClass(data) : null;
		this.permutation = permutation(state.epoch);
	}

	/** After the state was rewound (roll-back): the permutation of the restored epoch. */
	void rewound() {
		permutation = permutation(state.epoch);
	}

	private int[] permutation(int epoch) {
		return new NumpyRandom(Trainer.mix(opts.seed, 1_000_000L + epoch) & 0xFFFFFFFFL).permutation(data.count);
	}

	/**
	 * The next {@code n} real images (host, model range), maybe mirrored: in the run's data order, or
	 * for balanced class sampling a uniformly drawn class and then an image of it. Their labels go to
	 * {@code labelsOut} (when the data is labelled).
	 */
	float[] nextReals(int n, NumpyRandom rng, int[] labelsOut) {
		int size = data.imageSize();
		float[] out = new float[n * size];
		for (int i = 0; i < n; i++) {
			int index;
			if (balanced()) {
				int[] members = byClass[rng.nextInt(byClass.length)];
				index = members[rng.nextInt(members.length)];
			} else {
				if (state.position >= permutation.length) {
					state.epoch++;
					state.position = 0;
					permutation = permutation(state.epoch);
				}
				index = permutation[state.position++];
			}
			boolean flip = opts.mirror && rng.nextDouble() < 0.5;
			data.copyImage(index, flip, out, i * size);
			if (labelsOut != null) labelsOut[i] = data.labels[index];
		}
		return out;
	}

	private boolean balanced() {
		return data.isLabelled() && opts.classSampling == TrainingOptions.ClassSampling.BALANCED;
	}

	/** Classes for G's fakes: those of random training images (natural) or uniform (balanced); null if unconditional. */
	int[] fakeLabels(int n, NumpyRandom rng) {
		if (labelSize == 0) return null;
		int[] k = new int[n];
		for (int i = 0; i < n; i++) k[i] = balanced() ? rng.nextInt(labelSize) : data.labels[rng.nextInt(data.count)];
		return k;
	}

	/** Image indices per class, for balanced sampling. */
	private static int[][] indicesByClass(Dataset data) {
		int[] counts = data.classCounts();
		int[][] out = new int[counts.length][];
		for (int k = 0; k < counts.length; k++) {
			if (counts[k] == 0) throw new IllegalArgumentException("class '" + data.classNames.get(k) + "' has no images");
			out[k] = new int[counts[k]];
		}
		int[] at = new int[counts.length];
		for (int i = 0; i < data.count; i++) out[data.labels[i]][at[data.labels[i]]++] = i;
		return out;
	}

}

package io.github.stylegan4fiji.sampling;

/**
 * Helpers around {@link Sampler#translate}: what changes between the two classes for each seed.
 * (Lamiable et al., Nat Commun 2023, show condition differences this way: the same latent rendered
 * under each condition.)
 */
public final class ClassTranslation {

	private ClassTranslation() {}

	/** Per seed, last frame − first frame (class B − class A) of a seeds × steps translation, model range. */
	public static Images endDifference(Images frames, int seeds, int steps) {
		if (frames.n != seeds * steps) throw new IllegalArgumentException(frames.n + " frames are not " + seeds + " seeds × " + steps + " steps");
		int per = frames.channels * frames.height * frames.width;
		float[] d = new float[seeds * per];
		for (int i = 0; i < seeds; i++) {
			int first = i * steps * per, last = (i * steps + steps - 1) * per;
			for (int j = 0; j < per; j++) d[i * per + j] = frames.data[last + j] - frames.data[first + j];
		}
		return new Images(seeds, frames.channels, frames.height, frames.width, d);
	}
}

package io.github.stylegan4fiji;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;

/** Small models for tests, with the zero-initialised parts (noise strengths, w_avg) made non-trivial. */
public final class TestModels {

	private TestModels() {}

	public static StyleGanModel tiny(int resolution, int channels) {
		return tiny(StyleGanConfig.tiny(resolution, channels));
	}

	public static StyleGanModel tiny(StyleGanConfig config) {
		StyleGanModel m = StyleGanModel.create(config, DataRange.ofType(DataRange.PixelType.UINT8), 1234, Device.cpu());
		perturb(m.g(), 99);
		perturb(m.gEma(), 99);
		return m;
	}

	/**
	 * Random values for the parts that start constant (noise strengths, biases, dlatent_avg, the
	 * all-ones 4×4 input), so tests see a network more like a trained one.
	 */
	public static void perturb(Params p, long seed) {
		NumpyRandom rng = new NumpyRandom(seed);
		for (String name : p.names()) {
			if (name.endsWith("/Noise/weight") || name.endsWith("/bias") || name.equals("dlatent_avg")
				|| name.endsWith("Const/const")) {
				NDArray a = p.get(name);
				float[] v = new float[(int) a.size()];
				for (int i = 0; i < v.length; i++) v[i] = (float) (rng.gauss() * (name.endsWith("Noise/weight") ? 0.05 : name.endsWith("const") ? 1 : 0.5));
				a.set(v);
			}
		}
	}
}

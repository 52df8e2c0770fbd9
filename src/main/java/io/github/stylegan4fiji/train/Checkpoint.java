package io.github.stylegan4fiji.train;

import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.data.Dataset;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.io.ModelFormatException;
import io.github.stylegan4fiji.io.SafeTensors;
import io.github.stylegan4fiji.optim.Adam;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A training checkpoint: a model file (docs/model-format.md) plus {@code train/state.json} and both
 * optimisers' moments. Everything read back is checked before use, and a damaged file is a
 * {@link ModelFormatException} naming the file and the field.
 */
final class Checkpoint {

	static final String STATE_ENTRY = "train/state.json";
	static final String ADAM_G_ENTRY = "train/adam_G.safetensors";
	static final String ADAM_D_ENTRY = "train/adam_D.safetensors";

	private Checkpoint() {}

	/** Writes a checkpoint: the model file plus training state and both optimisers' moments (atomically). */
	static void save(Path file, StyleGanModel model, State state, Adam adamG, Adam adamD) throws IOException {
		Map<String, byte[]> extra = new LinkedHashMap<>();
		extra.put(STATE_ENTRY, Json.GSON.toJson(state).getBytes(StandardCharsets.UTF_8));
		extra.put(ADAM_G_ENTRY, toBytes(adamG.state()));
		extra.put(ADAM_D_ENTRY, toBytes(adamD.state()));
		ModelFile.save(model, file, extra);
	}

	private static byte[] toBytes(Map<String, SafeTensors.Tensor> tensors) throws IOException {
		ByteArrayOutputStream bos = new ByteArrayOutputStream();
		SafeTensors.write(bos, tensors, null);
		return bos.toByteArray();
	}

	/** The training state of a checkpoint, every field checked. */
	static State readState(Path checkpoint, Dataset data) throws IOException {
		byte[] json = ModelFile.readExtraEntry(checkpoint, STATE_ENTRY);
		if (json == null)
			throw new ModelFormatException(checkpoint + " is a model file without training state: it cannot be resumed");
		String where = checkpoint + "!" + STATE_ENTRY;
		State s;
		try {
			s = Json.GSON.fromJson(new String(json, StandardCharsets.UTF_8), State.class);
		} catch (com.google.gson.JsonParseException e) {
			throw new ModelFormatException(where + " is damaged (not valid JSON: " + e.getMessage() + ")", e);
		}
		if (s == null || s.options == null) throw new ModelFormatException(where + " is damaged: no training options");
		try {
			s.options.validate();
		} catch (IllegalArgumentException e) {
			throw new ModelFormatException(where + " is damaged: " + e.getMessage(), e);
		}
		check(s.step >= 0 && s.nimg >= 0 && s.epoch >= 0 && s.adamGSteps >= 0 && s.adamDSteps >= 0 && s.restarts >= 0,
			where, "negative step, image, epoch or optimiser counters");
		check(s.position >= 0 && (data == null || s.position <= data.count), where,
			"data position " + s.position + " outside the data set" + (data == null ? "" : " of " + data.count + " images")
				+ " (resume with the same data folder)");
		check(Double.isFinite(s.nextSnapshotKimg) && Double.isFinite(s.trainingSeconds) && s.trainingSeconds >= 0, where,
			"snapshot schedule or training time not a finite number");
		return s;
	}

	private static void check(boolean ok, String where, String what) throws ModelFormatException {
		if (!ok) throw new ModelFormatException(where + " is damaged: " + what);
	}

	/** One optimiser's moments, checked against the model's tensors (names, shapes, finite values) before use. */
	static Map<String, SafeTensors.Tensor> readOptimiser(Path checkpoint, String entry, Params p, List<String> names, double beta1)
			throws IOException {
		String where = checkpoint + "!" + entry;
		byte[] bytes = ModelFile.readExtraEntry(checkpoint, entry);
		if (bytes == null) throw new ModelFormatException(where + " is missing: the checkpoint cannot be resumed");
		Map<String, SafeTensors.Tensor> t = SafeTensors.read(bytes, where);
		List<String> moments = new ArrayList<>(java.util.Collections.singletonList("/v"));
		if (beta1 != 0) moments.add("/m");
		for (String n : names) {
			long[] shape = p.get(n).getShape().getShape();
			for (String k : moments) {
				SafeTensors.Tensor m = t.get(n + k);
				if (m == null) throw new ModelFormatException(where + ": optimiser entry '" + n + k + "' is missing");
				if (!java.util.Arrays.equals(m.shape, shape))
					throw new ModelFormatException(where + ": optimiser entry '" + n + k + "' has shape " + java.util.Arrays.toString(m.shape)
						+ ", the model needs " + java.util.Arrays.toString(shape));
				for (float v : m.data)
					if (!Float.isFinite(v)) throw new ModelFormatException(where + ": optimiser entry '" + n + k + "' holds NaN/Inf");
			}
		}
		return t;
	}
}

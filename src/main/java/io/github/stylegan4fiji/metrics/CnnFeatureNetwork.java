package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ConvShape;
import io.github.stylegan4fiji.core.Convolutions;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.Json;
import io.github.stylegan4fiji.core.Layers;
import io.github.stylegan4fiji.core.ParamSpec;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.io.Hashes;
import io.github.stylegan4fiji.io.ModelFormatException;
import io.github.stylegan4fiji.io.SafeTensors;
import io.github.stylegan4fiji.io.ZipFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The project's built-in feature network: a small classifier CNN trained by the project on a labelled
 * image folder (the shipped one on Fashion-MNIST). Offline and meaningful for non-photographic data,
 * unlike Inception; numbers made with it are comparable only with numbers made with the same file.
 *
 * <pre>
 * conv0 3×3 C→w0 @R, lrelu, 2×2 avg pool
 * conv1 3×3 w0→w1 @R/2, lrelu; conv2 3×3 w1→w1, lrelu, pool
 * conv3 3×3 w1→w2 @R/4, lrelu, pool
 * fc    w2·(R/8)² → F, lrelu      ← features
 * out   F → classes               ← logits
 * </pre>
 * Equalized-learning-rate layers as in the GAN, so the same {@link Layers} code runs it.
 */
public final class CnnFeatureNetwork implements FeatureNetwork {

	public static final String FORMAT = "stylegan-fiji-feature-network";
	static final String MANIFEST = "feature-network.json";
	static final String WEIGHTS = "weights.safetensors";
	static final String[] PERCEPTUAL_TAPS = {"conv0", "conv2", "conv3"};

	/** Architecture and provenance, stored as JSON next to the weights. */
	public static final class Config {
		public String format = FORMAT;
		public int resolution = 32;
		public int channels = 1;
		public int[] widths = {32, 64, 128};
		public int featureSize = 256;
		public List<String> classNames = new ArrayList<>();
		/** Free text: what it was trained on, how long, held-out accuracy. */
		public Map<String, Object> training = new LinkedHashMap<>();

		public Config validate() {
			if (resolution < 8 || Integer.bitCount(resolution) != 1)
				throw new IllegalArgumentException("feature network resolution must be a power of two ≥ 8, not " + resolution);
			if (channels < 1) throw new IllegalArgumentException("channels must be ≥ 1");
			if (widths == null || widths.length != 3) throw new IllegalArgumentException("widths needs 3 values");
			if (classNames == null || classNames.size() < 2) throw new IllegalArgumentException("a classifier needs ≥ 2 classes");
			return this;
		}
	}

	private final Config config;
	private final Params params;
	/**
	 * What the forward pass reads: for a network loaded from a file, which nothing trains, a
	 * {@linkplain Params#samplingView sampling view} that keeps the scaled weights instead of scaling
	 * them for every batch (the dense layer's 2 MiB among them); for one being trained, the tensors.
	 */
	private final Params forwardParams;
	private final NDManager manager;
	private final String id;

	private CnnFeatureNetwork(Config config, Params params, NDManager manager, String id, boolean frozen) {
		this.config = config;
		this.params = params;
		this.forwardParams = frozen ? params.samplingView(manager) : params;
		this.manager = manager;
		this.id = id;
	}

	public static List<ParamSpec> parameters(Config c) {
		List<ParamSpec> specs = new ArrayList<>();
		int[] w = c.widths;
		Layers.declareConv(specs, "conv0", c.channels, w[0], 3, true);
		Layers.declareConv(specs, "conv1", w[0], w[1], 3, true);
		Layers.declareConv(specs, "conv2", w[1], w[1], 3, true);
		Layers.declareConv(specs, "conv3", w[1], w[2], 3, true);
		int side = c.resolution / 8;
		Layers.declareDense(specs, "fc", w[2] * side * side, c.featureSize, 1);
		Layers.declareDense(specs, "out", c.featureSize, c.classNames.size(), 1);
		return specs;
	}

	/** A freshly initialised network (for training). */
	public static CnnFeatureNetwork create(Config config, long seed, Device device) {
		config.validate();
		NDManager m = Engine.getInstance().newBaseManager(device);
		return new CnnFeatureNetwork(config, Params.initialize(parameters(config), m, seed), m, "untrained", false);
	}

	public Config config() {
		return config;
	}

	/** The tensors. Those of a {@linkplain #load loaded} network must not change: its forward pass keeps their scaled forms. */
	public Params params() {
		return params;
	}

	@Override
	public NDManager manager() {
		return manager;
	}

	@Override
	public String id() {
		return id;
	}

	@Override
	public int featureSize() {
		return config.featureSize;
	}

	@Override
	public List<String> classNames() {
		return Collections.unmodifiableList(config.classNames);
	}

	@Override
	public Set<ConvShape> convolutionShapes() {
		Set<ConvShape> shapes = Convolutions.record(() -> {
			try (NDManager m = manager.newSubManager()) {
				forward(m.zeros(new Shape(1, config.channels, config.resolution, config.resolution)), true);
			}
		});
		return shapes;
	}

	/** Activations by name: conv0…conv3, fc (= features) and out (= logits). */
	Map<String, NDArray> forward(NDArray images, boolean withLogits) {
		Map<String, NDArray> acts = new LinkedHashMap<>();
		NDArray x = adapt(images);
		x = put(acts, "conv0", Layers.lrelu(Layers.conv(x, forwardParams, "conv0", Layers.SQRT2)));
		x = Layers.downscale2d(x);
		x = put(acts, "conv1", Layers.lrelu(Layers.conv(x, forwardParams, "conv1", Layers.SQRT2)));
		x = put(acts, "conv2", Layers.lrelu(Layers.conv(x, forwardParams, "conv2", Layers.SQRT2)));
		x = Layers.downscale2d(x);
		x = put(acts, "conv3", Layers.lrelu(Layers.conv(x, forwardParams, "conv3", Layers.SQRT2)));
		x = Layers.downscale2d(x);
		x = put(acts, "fc", Layers.lrelu(Layers.dense(x.reshape(x.getShape().get(0), -1), forwardParams, "fc", Layers.SQRT2, 1)));
		if (withLogits) put(acts, "out", Layers.dense(x, forwardParams, "out", 1, 1));
		return acts;
	}

	private static NDArray put(Map<String, NDArray> acts, String name, NDArray a) {
		acts.put(name, a);
		return a;
	}

	/**
	 * Brings images to the network's size and channels: box averaging down and nearest-neighbour up
	 * by integer factors (as the official metrics downsample), 1 → C channels by repetition and
	 * 3 → 1 by averaging.
	 */
	NDArray adapt(NDArray images) {
		Shape s = images.getShape();
		if (s.dimension() != 4) throw new IllegalArgumentException("images must be [N, C, H, W], got " + s);
		long c = s.get(1), h = s.get(2), w = s.get(3);
		if (h != w) throw new IllegalArgumentException("the feature network needs square images, got " + w + "×" + h);
		checkCompatible((int) c, (int) h);
		int r = config.resolution;
		NDArray x = images.clip(-1f, 1f);
		if (h > r) x = Layers.downscale2d(x, (int) (h / r));
		else if (h < r) x = Layers.upscale2d(x, (int) (r / h));
		if (c != config.channels) x = c == 1 ? x.repeat(1, config.channels) : x.mean(new int[] {1}, true);
		return x;
	}

	/** Throws IllegalArgumentException, with the reason, unless {@link #adapt} can take such images. */
	@Override
	public void checkCompatible(int channels, int size) {
		int r = config.resolution;
		if (size > r ? size % r != 0 : r % size != 0)
			throw new IllegalArgumentException("image size " + size + " and the feature network's " + r
				+ " are not integer multiples of each other");
		boolean ok = channels == config.channels || channels == 1 || (config.channels == 1 && channels == 3);
		if (!ok) throw new IllegalArgumentException("images have " + channels + " channels; the feature network takes "
			+ config.channels + " (1 → " + config.channels + " by repetition and 3 → 1 by averaging are the only conversions)");
	}

	@Override
	public NDArray features(NDArray images) {
		return forward(images, false).get("fc");
	}

	@Override
	public NDArray logits(NDArray images) {
		return forward(images, true).get("out");
	}

	@Override
	public NDArray perceptualDistance(NDArray a, NDArray b) {
		long n = a.getShape().get(0);
		Map<String, NDArray> f = forward(a.concat(b, 0), false); // one batch: both halves through the network at once
		NDArray total = null;
		for (String tap : PERCEPTUAL_TAPS) {
			NDArray u = unitChannels(f.get(tap));
			NDArray d = u.get("0:" + n).sub(u.get(n + ":")).square().sum(new int[] {1}).reshape(n, -1).mean(new int[] {1});
			total = total == null ? d : total.add(d);
		}
		return total;
	}

	/** Each pixel's activation vector scaled to unit length (LPIPS's channel normalisation). */
	private static NDArray unitChannels(NDArray x) {
		return x.div(x.square().sum(new int[] {1}, true).sqrt().add(1e-10f));
	}

	// ---- files ------------------------------------------------------------------------------------

	public void save(Path file) throws IOException {
		Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
		for (ParamSpec s : parameters(config)) tensors.put(s.name, new SafeTensors.Tensor(s.shape, params.hostValues(s.name)));
		ByteArrayOutputStream weights = new ByteArrayOutputStream();
		SafeTensors.write(weights, tensors, Collections.singletonMap("network", "feature"));
		Map<String, byte[]> entries = new LinkedHashMap<>();
		entries.put(MANIFEST, Json.GSON.toJson(config).getBytes(StandardCharsets.UTF_8));
		entries.put(WEIGHTS, weights.toByteArray());
		ZipFiles.writeAtomically(file, entries);
	}

	public static CnnFeatureNetwork load(Path file, Device device) throws IOException {
		String where = file.toString();
		Map<String, byte[]> entries = ZipFiles.read(file, "Feature network", MANIFEST, WEIGHTS);
		Config c;
		try {
			c = Json.GSON.fromJson(new String(entries.get(MANIFEST), StandardCharsets.UTF_8), Config.class);
			if (c == null || !FORMAT.equals(c.format)) throw new ModelFormatException(where + " is not a feature network file");
			c.validate();
		} catch (com.google.gson.JsonParseException | IllegalArgumentException e) {
			throw new ModelFormatException(where + ": invalid " + MANIFEST + ": " + e.getMessage(), e);
		}
		Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(entries.get(WEIGHTS), where);
		NDManager m = Engine.getInstance().newBaseManager(device);
		Params p = new Params(m);
		try {
			for (ParamSpec s : parameters(c)) {
				SafeTensors.Tensor t = tensors.get(s.name);
				if (t == null || !java.util.Arrays.equals(t.shape, s.shape))
					throw new ModelFormatException(where + ": tensor '" + s.name + "' is missing or has the wrong shape");
				p.put(s.name, HostArrays.upload(m, t.data, new Shape(s.shape)), false);
			}
		} catch (ModelFormatException e) {
			m.close();
			throw e;
		}
		return new CnnFeatureNetwork(c, p, m, "cnn-" + Hashes.sha256(entries.get(WEIGHTS)).substring(0, 16), true);
	}

	@Override
	public void close() {
		manager.close();
	}
}

package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.io.Hashes;
import io.github.stylegan4fiji.io.ModelFormatException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;

/**
 * A TorchScript feature detector with the calling convention of the official metric networks
 * (StyleGAN2-ADA's {@code inception-2015-12-05.pt}): {@code forward(img, return_features: bool)}
 * on 3-channel images with values 0…255 (uint8 in the official code), returning [N, F] features.
 * Images are converted as the official metrics do: (x·127.5 + 128) clamped to 0…255 and truncated,
 * one channel repeated to three. The detector resizes internally (Inception to 299²).
 * <p>
 * Only features: PPL needs the built-in network's perceptual distance and LS its classes.
 */
public final class TorchScriptFeatureNetwork implements FeatureNetwork {

	private final PtNDManager manager;
	private final PtSymbolBlock module;
	private final String id;
	private final int featureSize;

	private TorchScriptFeatureNetwork(PtNDManager manager, PtSymbolBlock module, String id, int probeSize) {
		this.manager = manager;
		this.module = module;
		this.id = id;
		try (ArrayScope scope = new ArrayScope()) {
			scope.suppressNotUsedWarning();
			NDArray probe = manager.zeros(new Shape(2, 3, probeSize, probeSize));
			NDArray f = call(probe);
			if (f.getShape().dimension() != 2 || f.getShape().get(0) != 2)
				throw new IllegalArgumentException("the TorchScript detector returned " + f.getShape() + " for 2 images, not [2, features]");
			this.featureSize = (int) f.getShape().get(1);
		}
	}

	/** Loads a TorchScript file; {@code probeSize} is the image size used once to learn the feature size. */
	public static TorchScriptFeatureNetwork load(Path file, Device device, int probeSize) throws IOException {
		if (!Files.isRegularFile(file)) throw new ModelFormatException("Feature network file not found: " + file);
		PtNDManager m = (PtNDManager) Engine.getEngine("PyTorch").newBaseManager(device);
		try {
			PtSymbolBlock module = JniUtils.loadModule(m, file, true, new String[0], new String[0], false);
			return new TorchScriptFeatureNetwork(m, module, "torchscript-" + sha256(file).substring(0, 16), probeSize);
		} catch (ai.djl.engine.EngineException | IllegalArgumentException e) {
			m.close();
			throw new ModelFormatException(file + " cannot be used as a TorchScript feature detector: " + e.getMessage(), e);
		}
	}

	private static String sha256(Path file) throws IOException {
		MessageDigest md = Hashes.sha256();
		try (InputStream in = Files.newInputStream(file)) {
			byte[] buf = new byte[1 << 16];
			int r;
			while ((r = in.read(buf)) > 0) md.update(buf, 0, r);
		}
		return Hashes.hex(md.digest());
	}

	/** forward(img, True) on images already in the detector's 0…255, 3-channel form. */
	private NDArray call(NDArray img255) {
		IValue in = IValue.from((PtNDArray) img255), flag = IValue.from(true);
		IValue out = module.forward(in, flag);
		try {
			return out.toTensor(manager);
		} finally {
			in.close();
			flag.close();
			out.close();
		}
	}

	/** Model range → the official uint8 values (as float), 3 channels. */
	static NDArray toDetectorInput(NDArray images) {
		long c = images.getShape().get(1);
		NDArray x = images.mul(127.5f).add(128f).clip(0f, 255f).floor();
		if (c == 1) x = x.repeat(1, 3);
		else if (c != 3) throw new IllegalArgumentException("the detector takes 1 or 3 channels, images have " + c);
		return x.toType(DataType.UINT8, false);
	}

	@Override
	public String id() {
		return id;
	}

	@Override
	public int featureSize() {
		return featureSize;
	}

	@Override
	public NDManager manager() {
		return manager;
	}

	@Override
	public NDArray features(NDArray images) {
		return call(toDetectorInput(images)).toType(DataType.FLOAT32, false);
	}

	@Override
	public void checkCompatible(int channels, int size) {
		if (channels != 1 && channels != 3)
			throw new IllegalArgumentException("TorchScript detectors take 1- or 3-channel images; the model makes " + channels);
	}

	@Override
	public boolean hasPerceptualDistance() {
		return false;
	}

	@Override
	public NDArray perceptualDistance(NDArray a, NDArray b) {
		throw new UnsupportedOperationException("PPL needs the built-in feature network (a TorchScript detector gives features only)");
	}

	@Override
	public List<String> classNames() {
		return Collections.emptyList();
	}

	@Override
	public NDArray logits(NDArray images) {
		throw new UnsupportedOperationException("linear separability needs the built-in feature network's classes");
	}

	@Override
	public void close() {
		module.close();
		manager.close();
	}
}

package io.github.stylegan4fiji.metrics;

import ai.djl.Device;
import io.github.stylegan4fiji.io.ModelFormatException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/** Opens a feature network file of either kind: the project's own (.zip) or a TorchScript detector (.pt). */
public final class FeatureNetworks {

	private FeatureNetworks() {}

	public static FeatureNetwork load(Path file, Device device) throws IOException {
		if (!Files.isRegularFile(file)) throw new ModelFormatException("Feature network file not found: " + file);
		boolean builtIn;
		try (ZipFile zip = new ZipFile(file.toFile())) {
			builtIn = zip.getEntry(CnnFeatureNetwork.MANIFEST) != null;
		} catch (java.util.zip.ZipException e) {
			throw new ModelFormatException(file + " is neither a feature network (.zip) nor a TorchScript file", e);
		}
		// TorchScript archives are zips too; they resize internally, so a small probe image will do
		return builtIn ? CnnFeatureNetwork.load(file, device) : TorchScriptFeatureNetwork.load(file, device, 32);
	}
}

package io.github.stylegan4fiji.metrics;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.stylegan4fiji.core.ArrayScope;
import io.github.stylegan4fiji.core.Autograd;
import io.github.stylegan4fiji.core.EngineCheck;
import io.github.stylegan4fiji.core.HostArrays;
import io.github.stylegan4fiji.core.NumpyRandom;
import io.github.stylegan4fiji.core.Params;
import io.github.stylegan4fiji.core.Progress;
import io.github.stylegan4fiji.core.Scalars;
import io.github.stylegan4fiji.data.LabelledImages;
import io.github.stylegan4fiji.optim.Adam;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains a {@link CnnFeatureNetwork} as a classifier on labelled images: softmax cross-entropy,
 * Adam(0.9, 0.999), x-flip augmentation, seeded shuffling. The features of a network that tells
 * the classes of a domain apart are what FID and precision/recall compare.
 */
public final class FeatureNetworkTrainer {

	public static final class Options {
		public int epochs = 4;
		public int batchSize = 64;
		public double learningRate = 1e-3;
		public boolean mirror = true;
		public long seed = 1;
	}

	private FeatureNetworkTrainer() {}

	/** Trains in place; returns the mean training loss of each epoch. Stops early when cancelled. */
	public static double[] train(CnnFeatureNetwork net, LabelledImages data, Options o, Progress progress) {
		checkClasses(net, data);
		EngineCheck.ensureCorrect(EngineCheck.forJob(net.convolutionShapes(), o.batchSize), net.manager().getDevice(), progress::log);
		Params p = net.params();
		List<String> names = new ArrayList<>(p.names());
		NumpyRandom rng = new NumpyRandom(o.seed);
		int n = data.images.count, size = data.images.imageSize(), classes = data.classNames.size();
		double[] epochLoss = new double[o.epochs];
		try (Adam adam = new Adam(net.manager(), 0.9, 0.999, 1e-8)) {
			for (String name : names) p.get(name).setRequiresGradient(true);
			for (int epoch = 0; epoch < o.epochs; epoch++) {
				int[] order = permutation(n, rng);
				double sum = 0;
				int steps = 0;
				long t0 = System.nanoTime();
				for (int b0 = 0; b0 + o.batchSize <= n; b0 += o.batchSize) {
					if (progress.cancelled()) return java.util.Arrays.copyOf(epochLoss, epoch);
					float[] x = new float[o.batchSize * size];
					int[] y = new int[o.batchSize];
					for (int i = 0; i < o.batchSize; i++) {
						int k = order[b0 + i];
						data.images.copyImage(k, o.mirror && rng.nextDouble() < 0.5, x, i * size);
						y[i] = data.labels[k];
					}
					try (ArrayScope scope = new ArrayScope()) {
						scope.suppressNotUsedWarning();
						NDManager m = net.manager();
						NDArray images = HostArrays.upload(m, x, new Shape(o.batchSize, data.images.channels, data.images.resolution, data.images.resolution));
						Autograd.gradMode(true);
						NDArray loss = crossEntropy(net.logits(images), m.create(y), classes);
						Autograd.backward(loss);
						Autograd.gradMode(false);
						adam.step(p, names, o.learningRate);
						sum += loss.getFloat();
						steps++;
					} finally {
						Autograd.gradMode(false);
					}
				}
				epochLoss[epoch] = sum / Math.max(1, steps);
				progress.log(String.format(Locale.ROOT, "epoch %d/%d: loss %.4f (%.0f s)", epoch + 1, o.epochs, epochLoss[epoch],
					(System.nanoTime() - t0) / 1e9));
			}
		} finally {
			for (String name : names) p.get(name).setRequiresGradient(false);
		}
		return epochLoss;
	}

	/** Mean softmax cross-entropy of logits [N, K] against integer labels [N]. */
	static NDArray crossEntropy(NDArray logits, NDArray labels, int classes) {
		NDArray logp = logits.logSoftmax(1);
		NDArray onehot = labels.oneHot(classes).toType(DataType.FLOAT32, false);
		return Scalars.div(logp.mul(onehot).sum().neg(), logits.getShape().get(0));
	}

	/** Share of images whose arg-max class is their label. */
	public static double accuracy(CnnFeatureNetwork net, LabelledImages data, int batchSize) {
		checkClasses(net, data);
		int n = data.images.count, size = data.images.imageSize(), correct = 0;
		for (int b0 = 0; b0 < n; b0 += batchSize) {
			int b = Math.min(batchSize, n - b0);
			float[] x = new float[b * size];
			for (int i = 0; i < b; i++) data.images.copyImage(b0 + i, false, x, i * size);
			try (ArrayScope scope = new ArrayScope()) {
				scope.suppressNotUsedWarning();
				NDArray images = HostArrays.upload(net.manager(), x, new Shape(b, data.images.channels, data.images.resolution, data.images.resolution));
				long[] pred = net.logits(images).argMax(1).toLongArray();
				for (int i = 0; i < b; i++) if (pred[i] == data.labels[b0 + i]) correct++;
			}
		}
		return correct / (double) n;
	}

	private static void checkClasses(CnnFeatureNetwork net, LabelledImages data) {
		if (!net.classNames().equals(data.classNames))
			throw new IllegalArgumentException("the network's classes " + net.classNames() + " differ from the data's " + data.classNames);
	}

	static int[] permutation(int n, NumpyRandom rng) {
		return rng.permutation(n);
	}
}

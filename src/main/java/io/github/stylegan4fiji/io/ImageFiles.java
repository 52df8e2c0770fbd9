package io.github.stylegan4fiji.io;

import ij.ImagePlus;
import ij.ImageStack;
import ij.io.FileSaver;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import io.github.stylegan4fiji.sampling.Images;

import java.io.IOException;
import java.nio.file.Path;

/** Writes generated images: PNG montages for looking at, TIFF stacks for analysis (via ImageJ's writers). */
public final class ImageFiles {

	private ImageFiles() {}

	/** Model value (−1…1) → 0…255 for display. */
	static int display(float v) {
		return (int) Math.max(0, Math.min(255, Math.round((v + 1) * 127.5)));
	}

	/**
	 * A grid of the images, {@code cols} per row, with a {@code gap}-pixel border: RGB when the model
	 * has 3 channels, grayscale of the first channel otherwise.
	 */
	public static ImagePlus montage(Images img, int cols, int gap, String title) {
		int rows = (img.n + cols - 1) / cols;
		int w = cols * img.width + (cols + 1) * gap, h = rows * img.height + (rows + 1) * gap;
		boolean rgb = img.channels == 3;
		ColorProcessor cp = rgb ? new ColorProcessor(w, h) : null;
		ByteProcessor bp = rgb ? null : new ByteProcessor(w, h);
		if (rgb) {
			cp.setColor(java.awt.Color.WHITE);
			cp.fill();
		} else {
			bp.setValue(255);
			bp.fill();
		}
		for (int i = 0; i < img.n; i++) {
			int ox = gap + (i % cols) * (img.width + gap), oy = gap + (i / cols) * (img.height + gap);
			for (int y = 0; y < img.height; y++)
				for (int x = 0; x < img.width; x++) {
					if (rgb) {
						int r = display(img.get(i, 0, x, y)), g = display(img.get(i, 1, x, y)), b = display(img.get(i, 2, x, y));
						cp.set(ox + x, oy + y, (r << 16) | (g << 8) | b);
					} else {
						bp.set(ox + x, oy + y, display(img.get(i, 0, x, y)));
					}
				}
		}
		return new ImagePlus(title, rgb ? cp : bp);
	}

	/** A float32 hyperstack: channels × frames (one frame per image), values in the model's range. */
	public static ImagePlus floatStack(Images img, String title) {
		ImageStack stack = new ImageStack(img.width, img.height);
		for (int i = 0; i < img.n; i++)
			for (int c = 0; c < img.channels; c++) {
				float[] plane = new float[img.planeSize()];
				System.arraycopy(img.data, img.index(i, c, 0, 0), plane, 0, plane.length);
				stack.addSlice(new FloatProcessor(img.width, img.height, plane));
			}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(img.channels, 1, img.n);
		if (img.channels > 1) imp.setOpenAsHyperStack(true);
		return imp;
	}

	/** The images as a float32 TIFF stack ({@link #floatStack}), for callers that need no ImageJ types. */
	public static void saveFloatTiff(Images img, String title, Path file) throws IOException {
		saveTiff(floatStack(img, title), file);
	}

	/** A montage of the images ({@link #montage}) written as a PNG, for callers that need no ImageJ types. */
	public static void saveMontagePng(Images img, int cols, int gap, String title, Path file) throws IOException {
		savePng(montage(img, cols, gap, title), file);
	}

	/** Writes a PNG atomically (complete or absent, see {@link AtomicFiles}). */
	public static void savePng(ImagePlus imp, Path file) throws IOException {
		AtomicFiles.write(file, tmp -> {
			if (!new FileSaver(imp).saveAsPng(tmp.toString())) throw new IOException("could not write " + file);
		});
	}

	/** Writes a TIFF (a stack when it has several planes; virtual stacks are rendered plane by plane) atomically. */
	public static void saveTiff(ImagePlus imp, Path file) throws IOException {
		AtomicFiles.write(file, tmp -> {
			boolean ok = imp.getStackSize() > 1 ? new FileSaver(imp).saveAsTiffStack(tmp.toString())
				: new FileSaver(imp).saveAsTiff(tmp.toString());
			if (!ok) throw new IOException("could not write " + file);
		});
	}

	/**
	 * A float32 hyperstack like {@link #floatStack} whose planes are rendered batch by batch when
	 * read (ImageJ's TIFF writer reads a virtual stack in order): writing it holds one batch in
	 * memory, however many images there are.
	 */
	public static ImagePlus streamedFloatStack(int n, int channels, int width, int height, int batch,
			java.util.function.BiFunction<Integer, Integer, Images> render, String title) {
		ij.VirtualStack stack = new ij.VirtualStack(width, height, null, null) {
			private int cachedFirst = -1;
			private Images cached;

			@Override
			public ij.process.ImageProcessor getProcessor(int slice) {
				int image = (slice - 1) / channels, c = (slice - 1) % channels;
				int first = image / batch * batch;
				if (first != cachedFirst) {
					cached = render.apply(first, Math.min(batch, n - first));
					cachedFirst = first;
				}
				float[] plane = new float[width * height];
				System.arraycopy(cached.data, cached.index(image - first, c, 0, 0), plane, 0, plane.length);
				return new FloatProcessor(width, height, plane);
			}

			@Override
			public Object getPixels(int slice) {
				return getProcessor(slice).getPixels();
			}

			@Override
			public int getSize() {
				return n * channels;
			}

			@Override
			public String getSliceLabel(int slice) {
				return null;
			}

			@Override
			public int getBitDepth() {
				return 32;
			}
		};
		ImagePlus imp = new ImagePlus();
		imp.setStack(title, stack);
		imp.setDimensions(channels, 1, n);
		if (channels > 1) imp.setOpenAsHyperStack(true);
		return imp;
	}
}

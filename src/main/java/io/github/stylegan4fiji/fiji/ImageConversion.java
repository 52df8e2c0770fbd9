package io.github.stylegan4fiji.fiji;

import java.util.Arrays;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.stylegan4fiji.core.Choices;
import io.github.stylegan4fiji.core.DataRange;
import io.github.stylegan4fiji.core.DataRange.PixelType;
import io.github.stylegan4fiji.sampling.Images;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.RealType;

/**
 * Generated images as ImgLib2 stacks ordered X, Y, [C], N (C only when the model has more than one
 * channel) and as ImageJ 1 hyperstacks (C channels × N frames), either in the model's float range
 * or mapped back to the training data's intensities and pixel type.
 */
public final class ImageConversion {

	/** Dialog labels and macro values of {@link Values} (annotation choices need constants). */
	public static final String FLOAT = "float (model range -1..1)";
	public static final String DATA = "data type and range";
	public static final String DATA_FLOAT = "float (data range)";

	/** What the commands' pixels hold. */
	public enum Values {
		/** The generator's own output, −1 … 1. */
		MODEL_FLOAT(FLOAT),
		/** Mapped back to the training data's intensities and pixel type (8/16-bit clamped and rounded). */
		DATA_TYPE(DATA),
		/** Mapped back to the training data's intensities, as float. */
		DATA_FLOAT(ImageConversion.DATA_FLOAT);

		public final String label;

		Values(String label) {
			this.label = label;
		}

		public static Values parse(String label) {
			return Choices.parse(Values.class, label, v -> v.label, "output type");
		}

		@Override
		public String toString() {
			return label;
		}
	}

	private ImageConversion() {}

	private static long[] dims(Images img) {
		return img.channels == 1 ? new long[] {img.width, img.height, img.n}
			: new long[] {img.width, img.height, img.channels, img.n};
	}

	/** The pixel array the values come out as: byte[] or short[] for 8/16-bit data, float[] otherwise. */
	private static Object convert(float[] data, int offset, int length, DataRange range, Values values) {
		if (values == Values.DATA_TYPE && range.pixelType == PixelType.UINT8) {
			byte[] b = new byte[length];
			for (int i = 0; i < length; i++) b[i] = (byte) range.toPixel(data[offset + i]);
			return b;
		}
		if (values == Values.DATA_TYPE && range.pixelType == PixelType.UINT16) {
			short[] s = new short[length];
			for (int i = 0; i < length; i++) s[i] = (short) range.toPixel(data[offset + i]);
			return s;
		}
		if (values == Values.MODEL_FLOAT) return Arrays.copyOfRange(data, offset, offset + length);
		float[] f = new float[length];
		for (int i = 0; i < length; i++) f[i] = (float) range.toData(data[offset + i]);
		return f;
	}

	/** Our [n][c][y][x] row-major buffer is exactly ImgLib2's X-fastest X, Y, C, N order. */
	public static Img<? extends RealType<?>> toImg(Images img, DataRange range, Values values) {
		if (values == Values.MODEL_FLOAT) return ArrayImgs.floats(img.data, dims(img)); // no copy
		Object px = convert(img.data, 0, img.data.length, range, values);
		if (px instanceof byte[]) return ArrayImgs.unsignedBytes((byte[]) px, dims(img));
		if (px instanceof short[]) return ArrayImgs.unsignedShorts((short[]) px, dims(img));
		return ArrayImgs.floats((float[]) px, dims(img));
	}

	/** A hyperstack with C channels and N frames, display range set to the value range. */
	public static ImagePlus toImagePlus(Images img, DataRange range, Values values, String title) {
		ImageStack stack = new ImageStack(img.width, img.height);
		int plane = img.planeSize();
		boolean floats = true;
		for (int i = 0; i < img.n; i++)
			for (int c = 0; c < img.channels; c++) {
				Object px = convert(img.data, img.index(i, c, 0, 0), plane, range, values);
				ImageProcessor ip;
				if (px instanceof byte[]) ip = new ByteProcessor(img.width, img.height, (byte[]) px);
				else if (px instanceof short[]) ip = new ShortProcessor(img.width, img.height, (short[]) px, null);
				else ip = new FloatProcessor(img.width, img.height, (float[]) px);
				floats = px instanceof float[];
				stack.addSlice("image " + (i + 1) + (img.channels > 1 ? " c" + (c + 1) : ""), ip);
			}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(img.channels, 1, img.n);
		if (img.channels > 1) imp.setOpenAsHyperStack(true);
		Calibration cal = imp.getCalibration();
		cal.setUnit("pixel");
		cal.setTimeUnit("image");
		if (values == Values.MODEL_FLOAT) imp.setDisplayRange(-1, 1);
		else if (floats) imp.setDisplayRange(range.low, range.high);
		else imp.resetDisplayRange();
		return imp;
	}
}

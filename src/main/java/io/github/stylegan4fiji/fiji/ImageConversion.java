package io.github.stylegan4fiji.fiji;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import io.github.stylegan4fiji.core.DataRange;
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

	/** Output value type of the commands. */
	public static final String FLOAT = "float (model range -1..1)";
	public static final String DATA = "data type and range";
	public static final String DATA_FLOAT = "float (data range)";

	private ImageConversion() {}

	private static long[] dims(Images img) {
		return img.channels == 1 ? new long[] {img.width, img.height, img.n}
			: new long[] {img.width, img.height, img.channels, img.n};
	}

	/** Our [n][c][y][x] row-major buffer is exactly ImgLib2's X-fastest X, Y, C, N order. */
	public static Img<? extends RealType<?>> toImg(Images img, DataRange range, String outputType) {
		if (FLOAT.equals(outputType)) return ArrayImgs.floats(img.data, dims(img));
		int len = img.data.length;
		if (DATA.equals(outputType) && "uint8".equals(range.pixelType)) {
			byte[] b = new byte[len];
			for (int i = 0; i < len; i++) b[i] = (byte) range.toPixel(img.data[i]);
			return ArrayImgs.unsignedBytes(b, dims(img));
		}
		if (DATA.equals(outputType) && "uint16".equals(range.pixelType)) {
			short[] s = new short[len];
			for (int i = 0; i < len; i++) s[i] = (short) range.toPixel(img.data[i]);
			return ArrayImgs.unsignedShorts(s, dims(img));
		}
		float[] f = new float[len];
		for (int i = 0; i < len; i++) f[i] = (float) range.toData(img.data[i]);
		return ArrayImgs.floats(f, dims(img));
	}

	/** A hyperstack with C channels and N frames, display range set to the value range. */
	public static ImagePlus toImagePlus(Images img, DataRange range, String outputType, String title) {
		ImageStack stack = new ImageStack(img.width, img.height);
		int plane = img.planeSize();
		boolean bytes = DATA.equals(outputType) && "uint8".equals(range.pixelType);
		boolean shorts = DATA.equals(outputType) && "uint16".equals(range.pixelType);
		for (int i = 0; i < img.n; i++)
			for (int c = 0; c < img.channels; c++) {
				int off = img.index(i, c, 0, 0);
				ImageProcessor ip;
				if (bytes) {
					byte[] b = new byte[plane];
					for (int j = 0; j < plane; j++) b[j] = (byte) range.toPixel(img.data[off + j]);
					ip = new ByteProcessor(img.width, img.height, b);
				} else if (shorts) {
					short[] s = new short[plane];
					for (int j = 0; j < plane; j++) s[j] = (short) range.toPixel(img.data[off + j]);
					ip = new ShortProcessor(img.width, img.height, s, null);
				} else {
					float[] f = new float[plane];
					boolean model = FLOAT.equals(outputType);
					for (int j = 0; j < plane; j++) f[j] = model ? img.data[off + j] : (float) range.toData(img.data[off + j]);
					ip = new FloatProcessor(img.width, img.height, f);
				}
				stack.addSlice("image " + (i + 1) + (img.channels > 1 ? " c" + (c + 1) : ""), ip);
			}
		ImagePlus imp = new ImagePlus(title, stack);
		imp.setDimensions(img.channels, 1, img.n);
		if (img.channels > 1) imp.setOpenAsHyperStack(true);
		Calibration cal = imp.getCalibration();
		cal.setUnit("pixel");
		cal.setTimeUnit("image");
		if (FLOAT.equals(outputType)) imp.setDisplayRange(-1, 1);
		else if (!bytes && !shorts) imp.setDisplayRange(range.low, range.high);
		else imp.resetDisplayRange();
		return imp;
	}
}

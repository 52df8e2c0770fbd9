package io.github.stylegan4fiji.core;

import com.google.gson.annotations.SerializedName;

/**
 * How the training data's intensities map onto the model's range [-1, 1]: data value {@code low}
 * ↦ −1 and {@code high} ↦ +1 (the same for all channels). Stored in the model so generated images can
 * be mapped back to the original intensity range and pixel type.
 */
public final class DataRange {

	/** Pixel type of the training data; files and messages use the key (uint8, uint16, float32). */
	public enum PixelType {
		@SerializedName("uint8") UINT8("uint8", 255),
		@SerializedName("uint16") UINT16("uint16", 65535),
		@SerializedName("float32") FLOAT32("float32", 1);

		public final String key;
		/** The top of the type's range (float32: 1, by convention). */
		public final double max;

		PixelType(String key, double max) {
			this.key = key;
			this.max = max;
		}

		/** ImageJ's bit depth: 16 → uint16, 32 → float32, 8 and 24 (RGB) → uint8. */
		public static PixelType ofBitDepth(int bitDepth) {
			return bitDepth == 16 ? UINT16 : bitDepth == 32 ? FLOAT32 : UINT8;
		}

		/** Integer types are clamped and rounded when generated images go back to the data's type. */
		public boolean isInteger() {
			return this != FLOAT32;
		}

		@Override
		public String toString() {
			return key;
		}
	}

	/** How low/high are chosen from the data; files, options and dialogs use the key. */
	public enum Normalization {
		/** type for 8-bit and RGB data, percentile otherwise (a choice, never stored in a model). */
		@SerializedName("auto") AUTO("auto"),
		/** The type's full range (float32 data: min/max). */
		@SerializedName("type") TYPE("type"),
		@SerializedName("percentile") PERCENTILE("percentile"),
		@SerializedName("minmax") MINMAX("minmax");

		public final String key;

		Normalization(String key) {
			this.key = key;
		}

		public static Normalization parse(String key) {
			return Choices.parse(Normalization.class, key, n -> n.key, "normalization");
		}

		/** The data-dependent modes, which would give each class of a conditional data set its own range. */
		public boolean perDataSet() {
			return this != TYPE;
		}

		@Override
		public String toString() {
			return key;
		}
	}

	public PixelType pixelType = PixelType.UINT8;
	public Normalization normalization = Normalization.TYPE;
	public double low = 0;
	public double high = 255;
	/** Percentiles used when normalization = "percentile". */
	public double lowPercentile = 0;
	public double highPercentile = 100;

	/** The type's full range: 0 … {@link PixelType#max}. */
	public static DataRange ofType(PixelType pixelType) {
		DataRange r = new DataRange();
		r.pixelType = pixelType;
		r.high = pixelType.max;
		return r;
	}

	/** Takes over every field of {@code other} (the model keeps its own instance). */
	public void copyFrom(DataRange other) {
		pixelType = other.pixelType;
		normalization = other.normalization;
		low = other.low;
		high = other.high;
		lowPercentile = other.lowPercentile;
		highPercentile = other.highPercentile;
	}

	/** Model value (−1…1) → data intensity, unclamped. */
	public double toData(double modelValue) {
		return low + (modelValue + 1) * 0.5 * (high - low);
	}

	/** Data intensity → model value. */
	public double toModel(double dataValue) {
		return (dataValue - low) / (high - low) * 2 - 1;
	}

	/** Model value → the data's pixel type, clamped to the type's range and rounded. */
	public double toPixel(double modelValue) {
		double v = toData(modelValue);
		return pixelType.isInteger() ? Math.max(0, Math.min(pixelType.max, Math.rint(v))) : v;
	}

	public DataRange validate() {
		// Gson reads a key it does not know as null
		if (pixelType == null) throw new IllegalArgumentException("data_range.pixel_type must be uint8, uint16 or float32");
		if (normalization == null || normalization == Normalization.AUTO)
			throw new IllegalArgumentException("data_range.normalization must be type, percentile or minmax");
		if (!(high > low) || !Double.isFinite(low) || !Double.isFinite(high))
			throw new IllegalArgumentException("data_range needs finite low < high, got " + low + " … " + high);
		return this;
	}
}

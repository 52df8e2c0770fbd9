package io.github.stylegan4fiji.core;

/**
 * How the training data's intensities map onto the model's range [-1, 1]: data value {@code low}
 * ↦ −1 and {@code high} ↦ +1 (the same for all channels). Stored in the model so generated images can
 * be mapped back to the original intensity range and pixel type.
 */
public final class DataRange {

	/** Pixel type of the training data: uint8, uint16 or float32. */
	public String pixelType = "uint8";
	/** How low/high were chosen: "type" (the type's full range), "percentile", "minmax", "manual". */
	public String normalization = "type";
	public double low = 0;
	public double high = 255;
	/** Percentiles used when normalization = "percentile". */
	public double lowPercentile = 0;
	public double highPercentile = 100;

	public static DataRange ofType(String pixelType) {
		DataRange r = new DataRange();
		r.pixelType = pixelType;
		switch (pixelType) {
			case "uint8": r.high = 255; break;
			case "uint16": r.high = 65535; break;
			case "float32": r.high = 1; break;
			default: throw new IllegalArgumentException("unknown pixel type " + pixelType);
		}
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
		switch (pixelType) {
			case "uint8": return Math.max(0, Math.min(255, Math.rint(v)));
			case "uint16": return Math.max(0, Math.min(65535, Math.rint(v)));
			default: return v;
		}
	}

	public DataRange validate() {
		if (!"uint8".equals(pixelType) && !"uint16".equals(pixelType) && !"float32".equals(pixelType))
			throw new IllegalArgumentException("data_range.pixel_type must be uint8, uint16 or float32, not " + pixelType);
		if (!(high > low) || !Double.isFinite(low) || !Double.isFinite(high))
			throw new IllegalArgumentException("data_range needs finite low < high, got " + low + " … " + high);
		return this;
	}
}

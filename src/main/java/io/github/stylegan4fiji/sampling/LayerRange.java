package io.github.stylegan4fiji.sampling;

/**
 * A range of style layers [from, to). Named presets follow the paper's Figure 3: coarse = 4²–8²
 * (layers 0–3), middle = 16²–32² (4–7), fine = 64² and up (8 …).
 */
public final class LayerRange {

	public final int from;
	public final int to;

	public LayerRange(int from, int to) {
		if (from < 0 || to < from) throw new IllegalArgumentException("bad layer range " + from + "–" + to);
		this.from = from;
		this.to = to;
	}

	public static LayerRange coarse(int numLayers) {
		return new LayerRange(0, Math.min(4, numLayers));
	}

	public static LayerRange middle(int numLayers) {
		return new LayerRange(Math.min(4, numLayers), Math.min(8, numLayers));
	}

	public static LayerRange fine(int numLayers) {
		return new LayerRange(Math.min(8, numLayers), numLayers);
	}

	public static LayerRange all(int numLayers) {
		return new LayerRange(0, numLayers);
	}

	/**
	 * Parses "coarse", "middle", "fine", "all", "none", or an inclusive custom range "a-b" / "a"
	 * (as the official {@code --styles 0-6}), checked against the model's layer count.
	 */
	public static LayerRange parse(String text, int numLayers) {
		String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
		LayerRange r;
		switch (t) {
			case "coarse": r = coarse(numLayers); break;
			case "middle": r = middle(numLayers); break;
			case "fine": r = fine(numLayers); break;
			case "all": r = all(numLayers); break;
			case "none": r = new LayerRange(0, 0); break;
			default:
				try {
					int dash = t.indexOf('-');
					int a = Integer.parseInt(dash < 0 ? t : t.substring(0, dash).trim());
					int b = dash < 0 ? a : Integer.parseInt(t.substring(dash + 1).trim());
					if (a < 0 || b < a) throw new NumberFormatException();
					r = new LayerRange(a, b + 1);
				} catch (NumberFormatException e) {
					throw new IllegalArgumentException("layer range '" + text
						+ "' is not coarse, middle, fine, all, none or a range like 0-3");
				}
		}
		if (r.to > numLayers)
			throw new IllegalArgumentException("layer range '" + text + "' goes past the model's "
				+ numLayers + " style layers (0–" + (numLayers - 1) + ")");
		return r;
	}

	public boolean contains(int layer) {
		return layer >= from && layer < to;
	}

	public boolean isEmpty() {
		return to == from;
	}

	@Override
	public String toString() {
		return isEmpty() ? "none" : from + "-" + (to - 1);
	}
}

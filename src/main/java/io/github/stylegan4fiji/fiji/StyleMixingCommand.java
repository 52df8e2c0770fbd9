package io.github.stylegan4fiji.fiji;

import ij.ImagePlus;
import io.github.stylegan4fiji.io.ImageFiles;
import io.github.stylegan4fiji.sampling.Images;
import io.github.stylegan4fiji.sampling.LayerRange;
import io.github.stylegan4fiji.sampling.NoiseSpec;
import io.github.stylegan4fiji.sampling.Sampler;
import io.github.stylegan4fiji.sampling.SeedList;
import io.github.stylegan4fiji.sampling.Truncation;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import java.util.ArrayList;
import java.util.List;
import io.github.stylegan4fiji.io.ProjectionFile;
import io.github.stylegan4fiji.sampling.Latents;
import io.github.stylegan4fiji.sampling.ProjectedLatents;

/**
 * The paper's Figure 3: every row seed (source A) combined with every column seed (source B), the
 * chosen style layers taken from B. Output: the grid as a stack (row-major) and, with "Make
 * montage", one image with the sources along the top and left.
 */
@Plugin(type = Command.class, menuPath = "Plugins>StyleGAN>Style Mixing", label = "Style Mixing")
public class StyleMixingCommand extends StyleGanCommand {

	@Parameter(label = "Row seeds (source A)", description = "Seeds of the rows, e.g. 1-5")
	private String row_seeds = "1-5";

	@Parameter(label = "Rows from projection", required = false, style = "open", description = "A projection file (Project Image):"
		+ " its real images are the rows (source A) instead of row seeds")
	private java.io.File row_latents;

	@Parameter(label = "Column seeds (source B)", description = "Seeds of the columns, e.g. 11-15")
	private String column_seeds = "11-15";

	@Parameter(label = "Styles from B", description = "coarse (4²-8²), middle (16²-32²), fine (64²+), all, or layers like 0-3")
	private String layers = "coarse";

	@Parameter(label = "Class of B (columns)", required = false, description = "Of a conditional model: the columns' class"
		+ " (name or number); empty: as the rows (Class). Mixes the styles of two classes.")
	private String column_class = "";

	@Parameter(label = "Truncation psi", min = "-2", max = "2", stepSize = "0.1")
	private double psi = 1.0;

	@Parameter(label = "Noise", choices = {"const", "none", "random"})
	private String noise = "const";

	@Override
	protected void validate() {
		SeedList.parse(row_seeds);
		SeedList.parse(column_seeds);
	}

	private boolean rowsProjected() {
		return row_latents != null && !row_latents.getPath().isEmpty();
	}

	@Override
	protected Images render(Sampler s) throws java.io.IOException {
		long[] rows = SeedList.parse(row_seeds), cols = SeedList.parse(column_seeds);
		LayerRange range = LayerRange.parse(layers, s.model().config.numLayers());
		NoiseSpec n = NoiseSpec.parseMode(noise);
		Truncation t = new Truncation(psi, 0);
		if (rowsProjected())
			return s.styleMix(ProjectionFile.load(row_latents.toPath()), cols, columnClasses(s, cols), range, t);
		return s.styleMix(rows, s.classesOf(rows), cols, columnClasses(s, cols), range, t, n);
	}

	/** The columns' classes: the column class if one is chosen, else those of the rows' setting. */
	private int[] columnClasses(Sampler s, long[] cols) {
		int k = chosenClass(s, column_class);
		if (k < 0) return s.classesOf(cols);
		int[] out = new int[cols.length];
		java.util.Arrays.fill(out, k);
		return out;
	}

	@Override
	protected String[] imageLabels(Sampler s) {
		if (rowsProjected()) return null;
		long[] rows = SeedList.parse(row_seeds), cols = SeedList.parse(column_seeds);
		int[] colK = columnClasses(s, cols);
		String[] l = new String[rows.length * cols.length];
		for (int r = 0; r < rows.length; r++)
			for (int c = 0; c < cols.length; c++)
				l[r * cols.length + c] = "seed " + rows[r] + classOf(s, rows[r]) + " + " + layers + " of seed " + cols[c]
					+ (colK == null ? "" : " class " + s.model().config.className(colK[c]));
		return l;
	}

	/** Figure 3 layout: blank corner, column sources along the top, row sources down the left. */
	@Override
	protected ImagePlus makeMontage(Sampler s, Images grid) {
		long[] rows = SeedList.parse(row_seeds), cols = SeedList.parse(column_seeds);
		Truncation t = new Truncation(psi, 0);
		NoiseSpec n = NoiseSpec.parseMode(noise);
		Images a;
		if (rowsProjected()) {
			try {
				ProjectedLatents p = ProjectionFile.load(row_latents.toPath());
				a = s.render(p, t);
				rows = new long[p.n];
			} catch (java.io.IOException e) {
				throw new IllegalArgumentException(e.getMessage(), e);
			}
		} else {
			a = s.generate(rows, t, n);
		}
		int[] colK = columnClasses(s, cols);
		Images b = colK == null ? s.generate(cols, t, n)
			: s.render(s.broadcast(s.mapZ(Latents.zBatch(cols, s.model().config.latentSize), cols.length, colK)),
				cols.length, s.broadcastClasses(colK), t, n);
		int per = grid.channels * grid.height * grid.width;
		List<Images> cells = new ArrayList<>();
		cells.add(new Images(1, grid.channels, grid.height, grid.width, filled(per, 1f)));
		cells.add(b);
		for (int r = 0; r < rows.length; r++) {
			cells.add(a.slice(r, 1));
			cells.add(grid.slice(r * cols.length, cols.length));
		}
		return ImageFiles.montage(Images.concat(cells), cols.length + 1, 2, "Style mixing (" + layers + " from columns)");
	}

	private static float[] filled(int n, float v) {
		float[] f = new float[n];
		java.util.Arrays.fill(f, v);
		return f;
	}

	@Override
	protected String title() {
		return "StyleGAN style mixing " + layers;
	}
}

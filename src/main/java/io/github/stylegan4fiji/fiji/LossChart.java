package io.github.stylegan4fiji.fiji;

import io.github.stylegan4fiji.train.TrainingStatus;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** G and D loss (and R1) over kimg: the training window's live plot and {@code bin/stylegan plot-log}'s PNG. */
public final class LossChart {

	private final XYSeries lossG = new XYSeries("G loss");
	private final XYSeries lossD = new XYSeries("D loss");
	private final XYSeries r1 = new XYSeries("R1 (mean |grad|^2)");
	public final JFreeChart chart;

	public LossChart(String title, boolean withR1) {
		XYSeriesCollection data = new XYSeriesCollection();
		data.addSeries(lossG);
		data.addSeries(lossD);
		if (withR1) data.addSeries(r1);
		chart = ChartFactory.createXYLineChart(title, "kimg", "loss", data, PlotOrientation.VERTICAL, true, false, false);
	}

	/** Adds one status line (non-finite values are left out). Call on the event thread when the chart is shown. */
	public void add(TrainingStatus s) {
		if (Double.isFinite(s.lossG)) lossG.add(s.kimg, s.lossG);
		if (Double.isFinite(s.lossD)) lossD.add(s.kimg, s.lossD);
		if (Double.isFinite(s.r1)) r1.add(s.kimg, s.r1);
	}

	public int points() {
		return lossG.getItemCount();
	}
}

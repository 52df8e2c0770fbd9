package io.github.stylegan4fiji.fiji;

import ij.IJ;
import ij.ImagePlus;
import io.github.stylegan4fiji.train.TrainingListener;
import io.github.stylegan4fiji.train.TrainingStatus;
import org.jfree.chart.ChartPanel;

import java.awt.BorderLayout;
import java.awt.Image;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.swing.ImageIcon;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.SwingUtilities;

/**
 * The training window shown when a display is present: G and D loss over kimg (JFreeChart), the
 * latest sample grid, a status line and a Stop button that ends training after the current step
 * with a checkpoint (like cancel).
 */
final class TrainingMonitor implements TrainingListener {

	private final LossChart losses;
	private final JLabel grid = new JLabel("sample grid after the first snapshot", JLabel.CENTER);
	private final JLabel line = new JLabel(" ");
	private final AtomicBoolean stop = new AtomicBoolean();
	private final JFrame frame;
	private final JButton stopButton = new JButton("Stop (save checkpoint)");

	TrainingMonitor(String title) {
		losses = new LossChart(title, false);
		stopButton.addActionListener(e -> {
			stop.set(true);
			stopButton.setEnabled(false);
			line.setText("Stopping after this step…");
		});
		JPanel south = new JPanel(new BorderLayout());
		south.add(line, BorderLayout.CENTER);
		south.add(stopButton, BorderLayout.EAST);
		frame = new JFrame(title);
		frame.setLayout(new BorderLayout());
		frame.add(new ChartPanel(losses.chart), BorderLayout.CENTER);
		frame.add(grid, BorderLayout.EAST);
		frame.add(south, BorderLayout.SOUTH);
		frame.setSize(900, 420);
		frame.setDefaultCloseOperation(JFrame.DISPOSE_ON_CLOSE);
		frame.addWindowListener(new java.awt.event.WindowAdapter() {
			@Override
			public void windowClosed(java.awt.event.WindowEvent e) {
				ij.WindowManager.removeWindow(frame);
			}
		});
		frame.setVisible(true);
		ij.WindowManager.addWindow(frame); // listed in ImageJ's Window menu
	}

	boolean stopRequested() {
		return stop.get();
	}

	@Override
	public void onStatus(TrainingStatus s) {
		SwingUtilities.invokeLater(() -> {
			losses.add(s);
			line.setText(String.format(Locale.ROOT, "%.1f / %.0f kimg · %d² · %.1f img/s · ETA %s", s.kimg, s.totalKimg,
				s.resolution, s.imagesPerSec, TrainingStatus.formatDuration(s.etaSeconds)));
		});
	}

	@Override
	public void onSnapshot(Path model, Path gridPng, TrainingStatus s) {
		ImagePlus imp = IJ.openImage(gridPng.toString());
		if (imp == null) return;
		int size = 320;
		Image scaled = imp.getImage().getScaledInstance(size, size * imp.getHeight() / imp.getWidth(), Image.SCALE_FAST);
		SwingUtilities.invokeLater(() -> {
			grid.setText(null);
			grid.setIcon(new ImageIcon(scaled));
		});
	}

	/** Training has ended: the window stays, with its plot and grid, until the user closes it. */
	void finished(String message) {
		SwingUtilities.invokeLater(() -> {
			stopButton.setEnabled(false);
			line.setText(message);
			frame.setTitle(frame.getTitle() + " — " + message);
		});
	}
}

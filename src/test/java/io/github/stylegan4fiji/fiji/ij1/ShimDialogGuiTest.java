package io.github.stylegan4fiji.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.ModelFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Button;
import java.awt.Choice;
import java.awt.Component;
import java.awt.Container;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.Label;
import java.awt.TextField;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real dialog of a plain-ImageJ command on a display (run by bin/imagej1-smoke under Xvfb;
 * excluded from the headless suite by its tag): labels as the user sees them, Browse buttons,
 * Help, only existing devices; Cancel runs nothing; OK runs the command with the typed values.
 */
@Tag("gui")
class ShimDialogGuiTest {

	@TempDir
	Path dir;

	@Test
	void generateImagesDialog() throws Exception {
		assertFalse(GraphicsEnvironment.isHeadless(), "this test needs a display (bin/imagej1-smoke runs it under Xvfb)");
		Path model = dir.resolve("tiny.zip");
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			ModelFile.save(m, model);
		}

		// Cancel: the dialog as the user sees it, and nothing runs
		Thread first = new Thread(() -> new Generate_Images().run(""));
		first.start();
		GenericDialog gd = waitFor(() -> dialog("Generate Images"), "the Generate Images dialog");
		List<String> labels = texts(gd, Label.class);
		assertTrue(labels.contains("psi (Truncation psi)"), labels.toString());
		assertTrue(labels.stream().anyMatch(l -> l.startsWith("model (Model file")), labels.toString());
		assertTrue(texts(gd, Button.class).contains("Browse"), "a Browse button for the model file");
		assertTrue(texts(gd, Button.class).contains("Help"));
		List<String> devices = new ArrayList<>();
		for (Choice c : all(gd, Choice.class))
			if (c.getItemCount() > 0 && c.getItem(0).equals("auto")) for (int i = 0; i < c.getItemCount(); i++) devices.add(c.getItem(i));
		assertEquals(Devices.choices(), devices);
		press(gd, "Cancel");
		first.join(20_000);
		assertFalse(first.isAlive());
		assertNull(image("StyleGAN seeds"), "Cancel must not run the command");

		// OK: typed values reach the command
		Thread second = new Thread(() -> new Generate_Images().run(""));
		second.start();
		GenericDialog gd2 = waitFor(() -> dialog("Generate Images"), "the second dialog");
		EventQueue.invokeAndWait(() -> {
			field(gd2, "model").setText(model.toString());
			field(gd2, "seeds").setText("4-6");
			// dialogs prefill the last values used (user prefs, possibly from other tests): set what matters
			field(gd2, "latents_file").setText("");
			field(gd2, "class_name").setText("");
			field(gd2, "psi").setText("1");
			field(gd2, "cutoff").setText("0");
			field(gd2, "batch_size").setText("16");
		});
		setChoice(gd2, "cpu");
		press(gd2, "OK");
		ImagePlus out = waitFor(() -> image("StyleGAN seeds"), "the generated images");
		assertEquals(3, out.getStackSize());
		assertTrue(out.getStack().getSliceLabel(1).contains("seed 4"), out.getStack().getSliceLabel(1));
		second.join(60_000);
		out.close();
	}

	private static GenericDialog dialog(String title) {
		for (Window w : Window.getWindows())
			if (w instanceof GenericDialog && w.isShowing() && title.equals(((GenericDialog) w).getTitle())) return (GenericDialog) w;
		return null;
	}

	private static ImagePlus image(String titleStart) {
		for (Window w : Window.getWindows())
			if (w instanceof ImageWindow && w.isShowing() && ((ImageWindow) w).getImagePlus().getTitle().startsWith(titleStart))
				return ((ImageWindow) w).getImagePlus();
		return null;
	}

	private static <T> T waitFor(Supplier<T> what, String name) throws InterruptedException {
		for (int i = 0; i < 600; i++) {
			T t = what.get();
			if (t != null) return t;
			Thread.sleep(100);
		}
		StringBuilder open = new StringBuilder();
		for (Window w : Window.getWindows())
			if (w.isShowing()) open.append(w.getClass().getSimpleName()).append(' ').append(w instanceof java.awt.Dialog
				? ((java.awt.Dialog) w).getTitle() + " " + texts(w, Label.class) : w.getName()).append("; ");
		throw new AssertionError(name + " did not appear within 60 s; showing: " + open);
	}

	private static <T extends Component> List<T> all(Container c, Class<T> type) {
		List<T> found = new ArrayList<>();
		for (Component k : c.getComponents()) {
			if (type.isInstance(k)) found.add(type.cast(k));
			if (k instanceof Container) found.addAll(all((Container) k, type));
		}
		return found;
	}

	private static List<String> texts(Container c, Class<? extends Component> type) {
		List<String> t = new ArrayList<>();
		for (Component k : all(c, type)) t.add(k instanceof Label ? ((Label) k).getText() : ((Button) k).getLabel());
		return t;
	}

	/** The text field after the label that starts with this key (file fields sit in a panel with their Browse button). */
	private static TextField field(GenericDialog gd, String key) {
		String shown = key.replace('_', ' '); // ImageJ shows underscores as spaces (and records them as underscores)
		for (Label l : all(gd, Label.class)) {
			if (!l.getText().equals(shown) && !l.getText().startsWith(shown + " (")) continue;
			Container parent = l.getParent();
			List<Component> siblings = List.of(parent.getComponents());
			Component next = siblings.get(siblings.indexOf(l) + 1);
			if (next instanceof TextField) return (TextField) next;
			return all((Container) next, TextField.class).get(0);
		}
		throw new AssertionError("no field " + key);
	}

	private static void setChoice(GenericDialog gd, String device) throws Exception {
		EventQueue.invokeAndWait(() -> {
			for (Choice c : all(gd, Choice.class))
				if (c.getItemCount() > 0 && c.getItem(0).equals("auto")) c.select(device);
		});
	}

	private static void press(GenericDialog gd, String button) throws Exception {
		for (Button b : all(gd, Button.class))
			if (b.getLabel().trim().equals(button)) {
				EventQueue.invokeAndWait(() -> gd.actionPerformed(new ActionEvent(b, ActionEvent.ACTION_PERFORMED, button)));
				return;
			}
		fail("no " + button + " button in " + texts(gd, Button.class));
	}
}

package io.github.stylegan4fiji.fiji.ij1;

import ij.ImagePlus;
import ij.gui.GenericDialog;
import ij.gui.ImageWindow;
import io.github.stylegan4fiji.TestModels;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.core.StyleGanModel;
import io.github.stylegan4fiji.io.ModelFile;
import io.github.stylegan4fiji.sampling.ClassCentres;
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
import java.awt.event.TextEvent;
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

	private static Path conditional(Path dir, String file, String... classes) throws Exception {
		StyleGanConfig c = StyleGanConfig.tiny(16, 1);
		c.labelSize = classes.length;
		c.classNames = List.of(classes);
		Path p = dir.resolve(file);
		try (StyleGanModel m = TestModels.tiny(c.validate())) {
			ClassCentres.update(m);
			ModelFile.save(m, p);
		}
		return p;
	}

	@Test
	void generateImagesDialog() throws Exception {
		assertFalse(GraphicsEnvironment.isHeadless(), "this test needs a display (bin/imagej1-smoke runs it under Xvfb)");
		Path model = dir.resolve("tiny.zip");
		try (StyleGanModel m = TestModels.tiny(16, 1)) {
			ModelFile.save(m, model);
		}
		Path twoClasses = conditional(dir, "two.zip", "plain", "spotted");
		Path threeClasses = conditional(dir, "three.zip", "round", "square", "star");

		// Cancel: the dialog as the user sees it, and nothing runs
		GenericDialog gd = open();
		List<String> labels = texts(gd, Label.class);
		assertTrue(labels.contains("psi (Truncation psi)"), labels.toString());
		assertTrue(labels.stream().anyMatch(l -> l.startsWith("model (Model file")), labels.toString());
		assertTrue(texts(gd, Button.class).contains("Browse"), "a Browse button for the model file");
		assertTrue(texts(gd, Button.class).contains("Help"));
		Choice device = (Choice) field(gd, "device");
		List<String> devices = new ArrayList<>();
		for (int i = 0; i < device.getItemCount(); i++) devices.add(device.getItem(i));
		assertEquals(Devices.choices(), devices);
		press(gd, "Cancel");
		assertNull(image("StyleGAN seeds"), "Cancel must not run the command");

		// OK: typed values reach the command (fields set that user prefs from other runs may prefill)
		GenericDialog gd2 = open();
		set(gd2, "model", model.toString());
		set(gd2, "seeds", "4-6");
		set(gd2, "latents_file", "");
		set(gd2, "class_name", "");
		set(gd2, "psi", "1");
		set(gd2, "cutoff", "0");
		set(gd2, "batch_size", "16");
		set(gd2, "device", "cpu");
		press(gd2, "OK");
		ImagePlus out = waitFor(() -> image("StyleGAN seeds 4-6"), "the generated images");
		assertEquals(3, out.getStackSize());
		assertTrue(out.getStack().getSliceLabel(1).contains("seed 4"), out.getStack().getSliceLabel(1));
		out.close();

		// a conditional model typed into the dialog, a class by name
		GenericDialog gd3 = open();
		set(gd3, "model", twoClasses.toString());
		set(gd3, "class_name", "spotted");
		set(gd3, "seeds", "7");
		press(gd3, "OK");
		ImagePlus spotted = waitFor(() -> image("StyleGAN seeds 7 "), "the conditional model's image");
		assertTrue(spotted.getStack().getSliceLabel(1).contains("class spotted"), spotted.getStack().getSliceLabel(1));
		spotted.close();

		// the dialog now remembers that model: its classes are a choice, updated when another model is typed
		GenericDialog gd4 = open();
		Choice classes = (Choice) field(gd4, "class_name");
		assertEquals(List.of("", "plain", "spotted"), items(classes));
		assertEquals("spotted", classes.getSelectedItem());
		set(gd4, "model", threeClasses.toString());
		assertEquals(List.of("", "round", "square", "star"), items(classes));
		press(gd4, "Cancel");
	}

	private static GenericDialog open() throws InterruptedException {
		new Thread(() -> new Generate_Images().run("")).start();
		return waitFor(() -> dialog("Generate Images"), "the Generate Images dialog");
	}

	private static List<String> items(Choice c) {
		List<String> l = new ArrayList<>();
		for (int i = 0; i < c.getItemCount(); i++) l.add(c.getItem(i));
		return l;
	}

	/** Types into a text field (telling the dialog, as typing would) or selects a choice. */
	private static void set(GenericDialog gd, String key, String value) throws Exception {
		EventQueue.invokeAndWait(() -> {
			Component c = field(gd, key);
			if (c instanceof Choice) {
				((Choice) c).select(value);
				assertEquals(value, ((Choice) c).getSelectedItem(), key);
			} else {
				((TextField) c).setText(value);
				gd.textValueChanged(new TextEvent(c, TextEvent.TEXT_VALUE_CHANGED));
			}
		});
	}

	private static GenericDialog dialog(String title) {
		for (Window w : Window.getWindows())
			if (w instanceof GenericDialog && w.isShowing() && title.equals(((GenericDialog) w).getTitle())) return (GenericDialog) w;
		return null;
	}

	private static ImagePlus image(String titleStart) {
		for (Window w : Window.getWindows())
			if (w instanceof ImageWindow && w.isShowing()) {
				ImagePlus imp = ((ImageWindow) w).getImagePlus(); // null once closed
				if (imp != null && imp.getTitle().startsWith(titleStart)) return imp;
			}
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

	/** The input after the label that starts with this key: a choice or a text field (file fields sit in a panel with Browse). */
	private static Component field(GenericDialog gd, String key) {
		String shown = key.replace('_', ' '); // ImageJ shows underscores as spaces (and records them as underscores)
		for (Label l : all(gd, Label.class)) {
			if (!l.getText().equals(shown) && !l.getText().startsWith(shown + " (")) continue;
			List<Component> siblings = List.of(l.getParent().getComponents());
			Component next = siblings.get(siblings.indexOf(l) + 1);
			if (next instanceof TextField || next instanceof Choice) return next;
			return all((Container) next, TextField.class).get(0);
		}
		throw new AssertionError("no field " + key + " in " + texts(gd, Label.class));
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

package io.github.stylegan4fiji.fiji.ij1;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.gui.GenericDialog;
import ij.plugin.PlugIn;
import io.github.stylegan4fiji.core.Devices;
import io.github.stylegan4fiji.core.StyleGanConfig;
import io.github.stylegan4fiji.fiji.MacroDefaults;
import io.github.stylegan4fiji.io.ModelFile;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;
import org.scijava.widget.FileWidget;

import java.awt.GraphicsEnvironment;
import java.io.File;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one of our SciJava commands from plain ImageJ 1.x (menu or macro), where no SciJava bridge
 * exists: macro options are matched to the command's inputs by field name ({@code key=value},
 * booleans as {@code key=true|false} or a bare {@code key}), a dialog asks when there are no options
 * and a display is available, ImagePlus outputs are shown, text outputs are logged, and a failed
 * command aborts the macro with its message. In Fiji the SciJava command with the same label
 * replaces the shim.
 */
public abstract class CommandShim implements PlugIn {

	private static Context context;

	/** One SciJava context for all shims of this ImageJ session. */
	static synchronized Context context() {
		if (context == null) {
			context = new Context(CommandService.class, ConvertService.class, org.scijava.log.LogService.class,
				org.scijava.app.StatusService.class);
			// the commands' messages (engine/device, training progress, "resume from …") belong in
			// ImageJ's Log window, not only on the terminal
			context.service(org.scijava.log.LogService.class).addLogListener(message -> {
				if (IJ.getInstance() != null && message.level() <= org.scijava.log.LogLevel.INFO) IJ.log(message.text());
			});
		}
		return context;
	}

	protected abstract Class<? extends Command> command();

	@Override
	public void run(String arg) {
		// In plain ImageJ 1.x our jars live in ImageJ's plugin class loader; SciJava discovers its
		// services and plugins through the thread's context class loader, so point it there.
		Thread thread = Thread.currentThread();
		ClassLoader previous = thread.getContextClassLoader();
		thread.setContextClassLoader(CommandShim.class.getClassLoader());
		try {
			runCommand();
		} catch (org.scijava.InstantiableException e) {
			abort(command().getSimpleName(), e.getMessage());
		} finally {
			thread.setContextClassLoader(previous);
		}
	}

	private void runCommand() throws org.scijava.InstantiableException {
		CommandService cs = context().service(CommandService.class);
		CommandInfo info = cs.getCommand(command());
		String options = Macro.getOptions();
		Map<String, Object> inputs = new HashMap<>();
		if (options == null && !GraphicsEnvironment.isHeadless()) {
			if (!askUser(info, inputs)) return;
		} else {
			collect(info, options == null ? "" : options, inputs);
			// a macro means what it says: keys it leaves out take the documented defaults, never the
			// values remembered from an earlier dialog (those only prefill dialogs)
			String missing = MacroDefaults.fillAbsent(info, inputs, info.createInstance());
			if (missing != null) {
				abort(info.getLabel(), missing);
				return;
			}
		}
		try {
			CommandModule module = runCancelable(info, inputs);
			if (module == null) return; // stopped by Esc / ImageJ's abort: already reported
			if (module.isCanceled()) {
				abort(info.getLabel(), module.getCancelReason());
				return;
			}
			for (ModuleItem<?> out : info.outputs()) {
				Object value = module.getOutput(out.getName());
				if (value instanceof ImagePlus) ((ImagePlus) value).show();
				else if (value instanceof String || value instanceof Number) IJ.log(out.getLabel() + ": " + value);
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		} catch (java.util.concurrent.ExecutionException e) {
			abort(info.getLabel(), String.valueOf(e.getCause()));
		}
	}

	/**
	 * Runs the command and waits for it; Esc (or ImageJ stopping this thread) cancels the command
	 * itself, which ends at its next batch, instead of leaving it running unseen with a stack trace.
	 */
	private static CommandModule runCancelable(CommandInfo info, Map<String, Object> inputs)
			throws InterruptedException, java.util.concurrent.ExecutionException {
		org.scijava.module.ModuleService modules = context().service(org.scijava.module.ModuleService.class);
		CommandModule module = (CommandModule) modules.createModule(info);
		java.util.concurrent.Future<?> done = modules.run(module, true, inputs);
		IJ.resetEscape();
		try {
			while (true) {
				try {
					done.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
					return module;
				} catch (java.util.concurrent.TimeoutException e) {
					if (IJ.escapePressed()) {
						module.cancel("Canceled (Esc)");
						IJ.showStatus(info.getLabel() + ": canceling…");
					}
				}
			}
		} catch (ThreadDeath stopped) { // ImageJ 1.x stops plugin threads on Esc / abort
			module.cancel("Canceled");
			IJ.showStatus(info.getLabel() + ": canceled");
			return null;
		}
	}

	/** The message of the last command that stopped a macro on this thread (read by MacroRunner). */
	private static final ThreadLocal<String> LAST_FAILURE = new ThreadLocal<>();

	/** Returns and forgets the message of the last command that aborted a macro on this thread. */
	public static String takeLastFailure() {
		String f = LAST_FAILURE.get();
		LAST_FAILURE.remove();
		return f;
	}

	private static void abort(String title, String reason) {
		String message = reason == null ? "canceled" : reason;
		if (Macro.getOptions() != null || IJ.isMacro()) {
			LAST_FAILURE.set(title + ": " + message);
			IJ.log(title + ": " + message);
			// stop the running macro, as a failed built-in command would: the interpreter is told
			// directly (on the main thread of a batch run Macro.abort alone does not stop it)
			ij.macro.Interpreter interp = ij.macro.Interpreter.getInstance();
			if (interp != null) interp.abortMacro();
			Macro.abort();
			throw new RuntimeException(Macro.MACRO_CANCELED);
		}
		IJ.error(title, message);
	}

	private static <T> T last(java.util.Vector<?> components) {
		@SuppressWarnings("unchecked")
		T t = (T) components.lastElement();
		return t;
	}

	static boolean isUserInput(ModuleItem<?> item) {
		return !Service.class.isAssignableFrom(item.getType()) && !Context.class.isAssignableFrom(item.getType());
	}

	private void collect(CommandInfo info, String options, Map<String, Object> inputs) {
		ConvertService convert = context().service(ConvertService.class);
		String padded = " " + options + " ";
		for (ModuleItem<?> item : info.inputs()) {
			if (!isUserInput(item)) continue;
			String key = item.getName();
			String v = Macro.getValue(options, key, null);
			if (v == null && item.getType() == boolean.class && padded.contains(" " + key + " ")) v = "true";
			if (v == null) continue;
			if (item.getType() == File.class && v.trim().isEmpty()) { // "not given": neither the working folder nor a remembered file
				inputs.put(key, null);
				continue;
			}
			Object converted = item.getType() == File.class ? new File(v) : convert.convert(v, item.getType());
			if (converted == null) throw new IllegalArgumentException(key + "=" + v + " is not a valid " + item.getType().getSimpleName());
			inputs.put(key, converted);
		}
	}

	/**
	 * ImageJ records a dialog field under the first word of its label, so each label starts with the
	 * macro key and goes on with the command's own label: "psi (Truncation psi)" records {@code psi=…}.
	 */
	static String dialogLabel(ModuleItem<?> item) {
		String human = item.getLabel();
		String key = item.getName();
		boolean same = human == null || human.isEmpty() || human.equalsIgnoreCase(key.replace('_', ' '));
		return same ? key : key + " (" + human + ")";
	}

	/** The choices a dialog offers: the command's, but only devices that exist on this machine. */
	static String[] dialogChoices(ModuleItem<?> item) {
		List<?> choices = item.getChoices();
		if (choices == null || choices.isEmpty()) return null;
		List<String> c = choices.stream().map(String::valueOf).collect(java.util.stream.Collectors.toList());
		if (item.getName().equals("device")) c.retainAll(Devices.choices());
		return c.toArray(new String[0]);
	}

	/** The dialog's Help page: every field's label, macro key and description. */
	static String dialogHelp(CommandInfo info) {
		StringBuilder h = new StringBuilder("<html><h3>").append(info.getLabel()).append("</h3>");
		if (info.getDescription() != null && !info.getDescription().isEmpty()) h.append("<p>").append(info.getDescription()).append("</p>");
		h.append("<table>");
		for (ModuleItem<?> item : info.inputs()) {
			if (!isUserInput(item)) continue;
			h.append("<tr><td><b>").append(item.getLabel() == null ? item.getName() : item.getLabel()).append("</b><br><tt>")
				.append(item.getName()).append("</tt></td><td>").append(item.getDescription() == null ? "" : item.getDescription())
				.append("</td></tr>");
		}
		return h.append("</table><p>Macro keys left out of a macro call take these defaults, not the last dialog's values.</p></html>").toString();
	}

	/** A class field of a conditional model's command: a text input whose name says "class". */
	static boolean isClassField(ModuleItem<?> item) {
		return item.getType() == String.class && item.getName().contains("class")
			&& (item.getChoices() == null || item.getChoices().isEmpty());
	}

	/**
	 * The class names of a conditional model file, read from its manifest alone (no weights); null
	 * when the file is missing, unreadable or unconditional — the field then stays a text field.
	 */
	static List<String> classNames(String modelPath) {
		if (modelPath == null || modelPath.trim().isEmpty()) return null;
		try {
			StyleGanConfig c = ModelFile.readManifest(Paths.get(modelPath.trim())).config;
			if (!c.isConditional()) return null;
			List<String> names = new ArrayList<>();
			for (int k = 0; k < c.labelSize; k++) names.add(c.className(k));
			return names;
		} catch (IOException | RuntimeException e) {
			return null;
		}
	}

	/** A class choice: blank first where the command's default is blank (= each seed's own class), then the model's names. */
	private static String[] classChoices(List<String> names, Object commandDefault) {
		List<String> c = new ArrayList<>();
		if (commandDefault == null || String.valueOf(commandDefault).trim().isEmpty()) c.add("");
		c.addAll(names);
		return c.toArray(new String[0]);
	}

	/** A class given by number (as the defaults are) shown by its name. */
	private static String classDefault(List<String> names, Object def) {
		String d = def == null ? "" : String.valueOf(def).trim();
		if (d.matches("\\d+") && Integer.parseInt(d) < names.size()) return names.get(Integer.parseInt(d));
		return d;
	}

	/**
	 * A plain ImageJ dialog with one field per input, prefilled with the last values used (else the
	 * command's defaults): labels from the command, Browse buttons for files and folders, a Help page,
	 * and for a conditional model its class names as choices (updated when the model field changes).
	 */
	private boolean askUser(CommandInfo info, Map<String, Object> inputs) {
		GenericDialog gd = new GenericDialog(info.getLabel());
		Object defaults;
		try {
			defaults = info.createInstance();
		} catch (Exception e) {
			defaults = null;
		}
		org.scijava.module.ModuleService modules = context().service(org.scijava.module.ModuleService.class);
		Map<String, Object> initial = new HashMap<>();
		for (ModuleItem<?> item : info.inputs()) {
			if (!isUserInput(item)) continue;
			Object remembered = item.isPersisted() ? modules.load(item) : null; // dialogs start from the last values used
			initial.put(item.getName(), remembered != null ? remembered : defaults == null ? null : MacroDefaults.fieldValue(defaults, item.getName()));
		}
		Object model = initial.get("model");
		List<String> classes = classNames(model == null ? null : String.valueOf(model));
		List<java.util.function.Supplier<String>> readers = new ArrayList<>(); // in field order, as GenericDialog hands values back
		List<java.awt.Choice> classFields = new ArrayList<>();
		java.awt.TextField[] modelField = new java.awt.TextField[1];
		for (ModuleItem<?> item : info.inputs()) {
			if (!isUserInput(item)) continue;
			Object def = initial.get(item.getName());
			String label = dialogLabel(item);
			Class<?> t = item.getType();
			String[] c = dialogChoices(item);
			if (c == null && classes != null && isClassField(item)) {
				c = classChoices(classes, defaults == null ? def : MacroDefaults.fieldValue(defaults, item.getName()));
				def = classDefault(classes, def);
			}
			if (c != null && c.length > 0) {
				String d = def == null ? c[0] : String.valueOf(def);
				gd.addChoice(label, c, java.util.Arrays.asList(c).contains(d) ? d : c[0]);
				if (isClassField(item)) classFields.add(last(gd.getChoices()));
				readers.add(gd::getNextChoice);
			} else if (t == boolean.class) {
				gd.addCheckbox(label, Boolean.TRUE.equals(def));
				readers.add(() -> String.valueOf(gd.getNextBoolean()));
			} else {
				if (t == int.class || t == long.class || t == double.class) gd.addStringField(label, def == null ? "0" : String.valueOf(def));
				else if (t == File.class && FileWidget.DIRECTORY_STYLE.equals(item.getWidgetStyle()))
					gd.addDirectoryField(label, def == null ? "" : String.valueOf(def), 30);
				else if (t == File.class) gd.addFileField(label, def == null ? "" : String.valueOf(def), 30);
				else gd.addStringField(label, def == null ? "" : String.valueOf(def), 30);
				if (item.getName().equals("model")) modelField[0] = last(gd.getStringFields());
				readers.add(gd::getNextString);
			}
		}
		if (modelField[0] != null && !classFields.isEmpty()) {
			// another model chosen in the dialog: its classes
			gd.addDialogListener((dialog, event) -> {
				if (event == null || event.getSource() != modelField[0]) return true;
				List<String> names = classNames(modelField[0].getText());
				if (names == null) return true;
				for (java.awt.Choice ch : classFields) {
					boolean blank = ch.getItemCount() > 0 && ch.getItem(0).isEmpty();
					ch.removeAll();
					if (blank) ch.add("");
					for (String n : names) ch.add(n);
				}
				return true;
			});
		}
		gd.addHelp(dialogHelp(info));
		gd.showDialog();
		if (gd.wasCanceled()) return false;
		StringBuilder options = new StringBuilder();
		int r = 0;
		for (ModuleItem<?> item : info.inputs()) {
			if (!isUserInput(item)) continue;
			options.append(item.getName()).append("=[").append(readers.get(r++).get()).append("] ");
		}
		collect(info, options.toString(), inputs);
		return true;
	}
}

package io.github.stylegan4fiji.fiji;

import ij.Macro;
import org.scijava.Context;
import org.scijava.Priority;
import org.scijava.command.Command;
import org.scijava.module.Module;
import org.scijava.module.ModuleInfo;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;
import org.scijava.service.Service;

import java.util.Map;

/**
 * In a macro, a key left out means the documented default — as with ImageJ's own commands — never
 * the value remembered from an earlier dialog (SciJava's remembered values only prefill dialogs).
 * A required input without a default (a model file, an output folder) that the macro leaves out
 * stops the command with a message instead of silently taking an earlier run's file.
 * <p>
 * As a preprocessor it runs, for this project's commands only, before SciJava loads remembered
 * values ({@code LoadInputsPreprocessor}, priority −9999) and works in Fiji; the plain-ImageJ shims
 * call {@link #fillAbsent} themselves.
 */
@Plugin(type = PreprocessorPlugin.class, priority = Priority.LOW)
public class MacroDefaults extends AbstractPreprocessorPlugin {

	/** Whether macro options give {@code key} ({@code key=value}, {@code key=[value]} or a bare boolean {@code key}). */
	public static boolean mentions(String options, String key) {
		return Macro.getValue(options, key, null) != null || (" " + options + " ").contains(" " + key + " ");
	}

	static boolean isUserInput(ModuleItem<?> item) {
		return !Service.class.isAssignableFrom(item.getType()) && !Context.class.isAssignableFrom(item.getType());
	}

	/**
	 * Adds the command's own field value (its default) for every user input missing from
	 * {@code inputs}; returns a message naming a required input without default that is missing, or null.
	 */
	public static String fillAbsent(ModuleInfo info, Map<String, Object> inputs, Object freshInstance) {
		for (ModuleItem<?> item : info.inputs()) {
			if (!isUserInput(item) || inputs.containsKey(item.getName())) continue;
			Object def = fieldValue(freshInstance, item.getName());
			if (def == null && item.isRequired()) return missing(info, item);
			inputs.put(item.getName(), def);
		}
		return null;
	}

	private static String missing(ModuleInfo info, ModuleItem<?> item) {
		return info.getLabel() + ": the macro gives no " + item.getName() + "= (" + item.getLabel() + "), which has no default";
	}

	/** A field's value by reflection (on a fresh instance: the command's documented default). */
	public static Object fieldValue(Object instance, String field) {
		for (Class<?> c = instance.getClass(); c != null; c = c.getSuperclass()) {
			try {
				java.lang.reflect.Field f = c.getDeclaredField(field);
				f.setAccessible(true);
				return f.get(instance);
			} catch (NoSuchFieldException e) {
				// declared in a superclass
			} catch (IllegalAccessException e) {
				return null;
			}
		}
		return null;
	}

	@Override
	public void process(Module module) {
		Object command = module.getDelegateObject();
		if (!(command instanceof Command) || !command.getClass().getName().startsWith("io.github.stylegan4fiji.")) return;
		String options = Macro.getOptions();
		if (options == null) return; // not called from a macro: dialogs may use remembered values
		for (ModuleItem<?> item : module.getInfo().inputs()) {
			String name = item.getName();
			if (!isUserInput(item) || module.isInputResolved(name) || mentions(options, name)) continue;
			if (module.getInput(name) == null && item.isRequired()) {
				cancel(missing(module.getInfo(), item));
				return;
			}
			module.resolveInput(name); // keeps the field's initial value: the documented default
		}
	}
}

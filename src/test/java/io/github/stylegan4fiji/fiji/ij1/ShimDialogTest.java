package io.github.stylegan4fiji.fiji.ij1;

import ij.Macro;
import io.github.stylegan4fiji.core.Devices;
import org.junit.jupiter.api.Test;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The plain-ImageJ dialogs of every command in plugins.config, without a display: what ImageJ's
 * recorder will write for each field must be the key the shim reads back, the label must be the
 * command's own, the device list only what exists, and the Help page must explain every field.
 */
class ShimDialogTest {

	static List<CommandShim> shims() throws Exception {
		List<CommandShim> shims = new ArrayList<>();
		for (String line : Files.readAllLines(Paths.get("plugins.config"))) {
			if (line.startsWith("#") || !line.contains("io.github")) continue;
			String cls = line.substring(line.lastIndexOf(',') + 1).trim();
			shims.add((CommandShim) Class.forName(cls).getDeclaredConstructor().newInstance());
		}
		return shims;
	}

	@Test
	void recordedKeysAreTheMacroKeysAndLabelsAreHuman() throws Exception {
		int humanLabels = 0, fields = 0;
		for (CommandShim shim : shims()) {
			CommandInfo info = CommandShim.context().service(CommandService.class).getCommand(shim.command());
			String help = CommandShim.dialogHelp(info);
			for (ModuleItem<?> item : info.inputs()) {
				if (!CommandShim.isUserInput(item)) continue;
				fields++;
				String label = CommandShim.dialogLabel(item);
				// GenericDialog records (and a replayed macro is read) under the label's first word
				assertEquals(item.getName(), Macro.trimKey(label), info.getLabel() + ": " + label);
				if (item.getLabel() != null && !item.getLabel().isEmpty()) {
					assertTrue(label.contains(item.getLabel()) || item.getLabel().equalsIgnoreCase(item.getName().replace('_', ' ')), label);
					if (label.contains("(")) humanLabels++;
				}
				assertTrue(help.contains("<tt>" + item.getName() + "</tt>"), info.getLabel() + " help lacks " + item.getName());
				if (item.getDescription() != null) assertTrue(help.contains(item.getDescription()), item.getDescription());
				String[] choices = CommandShim.dialogChoices(item);
				if (item.getName().equals("device")) {
					assertNotNull(choices, info.getLabel());
					assertTrue(Devices.choices().containsAll(Arrays.asList(choices)), Arrays.toString(choices));
					assertTrue(Arrays.asList(choices).contains("cpu"), Arrays.toString(choices));
				}
			}
		}
		assertTrue(fields > 100, "fields seen: " + fields);
		assertTrue(humanLabels > fields / 2, humanLabels + " of " + fields + " labels carry the command's own label");
	}

	@Test
	void devicesThatDoNotExistAreNotOffered() {
		List<String> c = Devices.choices();
		assertEquals(List.of("auto", "cpu"), c.subList(0, 2));
		int gpus = ai.djl.engine.Engine.getInstance().getGpuCount();
		assertEquals(2 + gpus, c.size());
		assertEquals(gpus > 1, c.contains("gpu:1"));
	}
}

// Build a synthetic dataset: one TIFF per seed, in the training data's type and range. Restartable:
// files already written are kept and skipped.
// Arguments: model=<file> out=<folder> seeds=<list> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
out = pathArg(args, "out", "out/synthetic", "Choose an output folder", true);
seeds = arg(args, "seeds", "0-99");
device = arg(args, "device", "auto");
makeDirectories(out);
run("Batch Export", "model=[" + model + "] output_folder=[" + out + "] seeds=" + seeds + " psi=1 cutoff=0 noise=seeded output_type=[data type and range] device=" + device + " batch_size=32");
list = getFileList(out);
return "" + list.length;

function arg(args, key, def) {
	// ImageJ's own option parser: key=value or key=[value with spaces]
	return call("ij.Macro.getValue", args, key, def);
}

function makeDirectories(path) {
	// File.makeDirectory creates one level only
	parts = split(replace(path, "\\\\", "/"), "/");
	p = "";
	if (startsWith(path, "/")) p = "/";
	for (i = 0; i < parts.length; i++) {
		p = p + parts[i] + "/";
		if (!File.exists(p)) File.makeDirectory(p);
	}
}

function pathArg(args, key, def, prompt, folder) {
	// given as an argument, or asked for when the macro is run from the menu without arguments
	v = arg(args, key, "");
	if (v != "") return v;
	if (args == "" && !is("Batch Mode")) {
		if (folder) v = getDirectory(prompt); else v = File.openDialog(prompt);
		if (v == "") exit("No " + key + " chosen");
		return v;
	}
	return def;
}

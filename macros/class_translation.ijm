// Class translation with a conditional model: for each seed the same z and noise under class A,
// moved in W to class B; saves the frames (seeds x steps), the montage (one row per seed) and the
// difference B - A per seed.
// Arguments: model=<file> out=<folder> from=<class> to=<class> seeds=<list> steps=<n> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32-conditional.zip", "Choose a conditional StyleGAN model (.zip)", false);
out = pathArg(args, "out", "out/macros", "Choose an output folder", true);
from = arg(args, "from", "0");
to = arg(args, "to", "1");
seeds = arg(args, "seeds", "0-7");
steps = arg(args, "steps", "8");
device = arg(args, "device", "auto");
makeDirectories(out);
run("Class Translation", "model=[" + model + "] class_name=[" + from + "] to_class=[" + to + "] seeds=" + seeds + " steps=" + steps
	+ " psi=1 montage=true output_type=[data type and range] device=" + device);
// three images come back: the frames, the montage and the difference
for (k = 1; k <= nImages; k++) {
	selectImage(k);
	t = getTitle();
	if (endsWith(t, "difference")) saveAs("Tiff", out + "/class_translation_difference.tif");
	else if (endsWith(t, "(montage)")) saveAs("PNG", out + "/class_translation.png");
	else saveAs("Tiff", out + "/class_translation.tif");
}
close("*");
return "ok";

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

// The paper's Figure 3: rows = source A, columns = source B; coarse, then middle styles from B.
// Arguments: model=<file> out=<folder> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
out = pathArg(args, "out", "out/macros", "Choose an output folder", true);
device = arg(args, "device", "auto");
makeDirectories(out);
ranges = newArray("coarse", "middle");
for (i = 0; i < ranges.length; i++) {
	run("Style Mixing", "model=[" + model + "] row_seeds=1-5 column_seeds=11-15 layers=" + ranges[i] + " psi=1 noise=const montage=true output_type=[data type and range] device=" + device);
	// two images come back: the grid stack and the montage
	for (k = 1; k <= nImages; k++) {
		selectImage(k);
		if (startsWith(getTitle(), "Style mixing")) saveAs("PNG", out + "/style_mixing_" + ranges[i] + ".png");
		else saveAs("Tiff", out + "/style_mixing_" + ranges[i] + ".tif");
	}
	close("*");
}
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

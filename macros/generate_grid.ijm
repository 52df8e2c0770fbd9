// Generate a grid of images from seeds (truncation psi 0.7) and save the stack (TIFF) and a montage (PNG).
// Arguments (getArgument, key=value or key=[value with spaces]): model=<file> out=<folder> seeds=<list> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
out = pathArg(args, "out", "out/macros", "Choose an output folder", true);
seeds = arg(args, "seeds", "0-15");
device = arg(args, "device", "auto");
makeDirectories(out);
run("Generate Images", "model=[" + model + "] seeds=" + seeds + " psi=0.7 cutoff=0 noise=const montage=true output_type=[data type and range] device=" + device);
// two images: the stack (TIFF, for analysis) and the montage (PNG, for looking at)
for (k = 1; k <= nImages; k++) {
	selectImage(k);
	if (endsWith(getTitle(), "(montage)")) saveAs("PNG", out + "/generated_montage.png");
	else { n = nSlices; saveAs("Tiff", out + "/generated.tif"); }
}
close("*");
return "" + n;

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

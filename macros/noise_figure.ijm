// The paper's Figures 4 and 5: one latent under 16 noise draws, the per-pixel standard deviation,
// and noise resampled in the coarse or fine layers only.
// Arguments: model=<file> out=<folder> seed=<n> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
out = pathArg(args, "out", "out/macros", "Choose an output folder", true);
seed = arg(args, "seed", "7");
device = arg(args, "device", "auto");
makeDirectories(out);
ranges = newArray("all", "coarse", "middle");
for (i = 0; i < ranges.length; i++) {
	run("Noise Resampling", "model=[" + model + "] seed=" + seed + " draws=16 layers=" + ranges[i] + " psi=1 output_type=[data type and range] device=" + device);
	for (k = 1; k <= nImages; k++) {
		selectImage(k);
		if (startsWith(getTitle(), "StyleGAN noise std")) saveAs("Tiff", out + "/noise_std_" + ranges[i] + ".tif");
		else saveAs("Tiff", out + "/noise_draws_" + ranges[i] + ".tif");
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

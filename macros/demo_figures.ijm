// The README's main job: the paper's figures from a model, as TIFF stacks (for analysis) and PNG
// montages (for looking at): uncurated samples (Fig. 2), style mixing (Fig. 3), noise resampling and
// its standard deviation (Fig. 4), noise in chosen layers only (Fig. 5), truncation sweep (Fig. 8).
// Arguments (getArgument, key=value or key=[value with spaces]): model=<file> out=<folder> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
out = pathArg(args, "out", "out/demo", "Choose an output folder", true);
device = arg(args, "device", "auto");
common = "model=[" + model + "] output_type=[data type and range] device=" + device + " montage=true";
makeDirectories(out);

run("Generate Images", common + " seeds=0-63 psi=1 cutoff=0 noise=const");
resolution = 0;
for (k = 1; k <= nImages; k++) {
	selectImage(k);
	if (!endsWith(getTitle(), "(montage)")) resolution = getWidth();
}
saveResults("uncurated_psi1.0");
run("Generate Images", common + " seeds=0-63 psi=0.7 cutoff=0 noise=const");
saveResults("uncurated_psi0.7");

ranges = newArray("coarse", "middle", "fine");
for (i = 0; i < ranges.length; i++) {
	// a model below 64² has no fine layers (64² and up)
	if (ranges[i] == "fine" && resolution < 64) continue;
	run("Style Mixing", common + " row_seeds=101-105 column_seeds=201-205 layers=" + ranges[i] + " psi=1 noise=const");
	saveResults("style_mixing_" + ranges[i]);
}

run("Noise Resampling", common + " seed=7 draws=16 layers=all other_layers=[fixed noise] psi=1");
saveResults("noise_resampling");
fig5 = newArray("all", "none", "coarse", "middle");
for (i = 0; i < fig5.length; i++) {
	run("Noise Resampling", common + " seed=7 draws=4 layers=" + fig5[i] + " other_layers=[no noise] psi=1");
	saveResults("noise_only_in_" + fig5[i]);
}

run("Truncation Sweep", common + " seeds=11-14 psis=[1,0.7,0.5,0,-0.5,-1] cutoff=0 noise=const");
saveResults("truncation_sweep");
return "ok";

// Saves every open image: the montage as PNG, the noise std map as TIFF + PNG, the stack as TIFF.
function saveResults(name) {
	for (k = nImages; k >= 1; k--) {
		selectImage(k);
		t = getTitle();
		if (endsWith(t, "(montage)") || startsWith(t, "Style mixing")) saveAs("PNG", out + "/" + name + ".png");
		else if (startsWith(t, "StyleGAN noise std")) {
			saveAs("Tiff", out + "/" + name + "_std.tif");
			resetMinAndMax();
			saveAs("PNG", out + "/" + name + "_std.png");
		} else saveAs("Tiff", out + "/" + name + ".tif");
	}
	close("*");
}

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

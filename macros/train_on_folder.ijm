// Train a StyleGAN on a folder of images (here a short, small run), then show a few samples.
// Arguments: data=<folder> out=<folder> resolution=<n> kimg=<n> phase_kimg=<n> batch=<n> device=<auto|cpu|gpu:N>
args = getArgument();
data = pathArg(args, "data", "data/images", "Choose the folder of training images", true);
out = pathArg(args, "out", "out/training", "Choose an output folder", true);
res = arg(args, "resolution", "32");
kimg = arg(args, "kimg", "20");
phase = arg(args, "phase_kimg", "5");
batch = arg(args, "batch", "16");
width = arg(args, "fmap_base", "1024");
device = arg(args, "device", "auto");
run("Train StyleGAN", "image_folder=[" + data + "] output_folder=[" + out + "] resolution=" + res + " schedule=[progressive growing] kimg=" + kimg + " phase_kimg=" + phase + " batch=" + batch + " gamma=10 mixing=0.9 mirror=true snapshot_kimg=" + kimg + " fmap_base=" + width + " fmap_max=128 latent=128 fit=crop normalization=auto device=" + device);
run("Generate Images", "model=[" + out + "/checkpoint.zip] seeds=0-7 psi=0.7 noise=const output_type=[data type and range] device=" + device);
saveAs("Tiff", out + "/samples.tif");
close("*");
return "ok";

function arg(args, key, def) {
	// ImageJ's own option parser: key=value or key=[value with spaces]
	return call("ij.Macro.getValue", args, key, def);
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

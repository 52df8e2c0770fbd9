// Projects the images of a folder into a model's latent space (StyleGAN2 projector) and saves the
// reconstructions; the written projection.zip then works in Generate Images, Style Mixing (rows from
// projection) and Interpolation like seeds do.
// Arguments: model=<file> images=<folder> out=<folder> steps=<n> distance=<perceptual+pixel|perceptual|pixel> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
images = pathArg(args, "images", "", "Choose a folder of images to project", true);
out = pathArg(args, "out", "out/projection", "Choose an output folder", true);
steps = arg(args, "steps", "1000");
distance = arg(args, "distance", "perceptual+pixel");
device = arg(args, "device", "auto");
makeDirectories(out);
run("Project Image", "model=[" + model + "] source=folder image_folder=[" + images + "] output_folder=[" + out + "] steps=" + steps
	+ " distance=" + distance + " device=" + device);
saveAs("Tiff", out + "/reconstructions_data.tif");
close("*");
// the real images' styles mixed with generated ones: rows = projected images, columns = seeds 11-15
run("Style Mixing", "model=[" + model + "] row_latents=[" + out + "/projection.zip] column_seeds=11-15 layers=coarse montage=true"
	+ " output_type=[data type and range] device=" + device);
for (k = 1; k <= nImages; k++) {
	selectImage(k);
	if (startsWith(getTitle(), "Style mixing")) saveAs("PNG", out + "/real_style_mixing.png");
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
	if (def == "") exit("No " + key + "= given");
	return def;
}

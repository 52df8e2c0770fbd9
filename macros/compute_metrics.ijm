// FID, KID, precision/recall and PPL of a model against a folder of real images; writes metrics.json
// and returns the FID. Real statistics are cached, so a second run on the same folder is quick.
// Arguments (key=value or key=[value with spaces]): model=<file> real_images=<folder> out=<folder>
//   feature_network=<file> metrics=<fid,kid,pr,ppl_wend,...> num=<generated images> ppl_pairs=<n> device=<auto|cpu|gpu:N>
args = getArgument();
model = pathArg(args, "model", "models/fashion-mnist-32.zip", "Choose a StyleGAN model (.zip)", false);
reals = pathArg(args, "real_images", "work-data/fashion-mnist/t10k", "Choose the folder of real images", true);
out = pathArg(args, "out", "out/metrics", "Choose an output folder", true);
net = pathArg(args, "feature_network", "models/fashion-mnist-classifier.zip", "Choose the feature network (.zip)", false);
metrics = arg(args, "metrics", "fid,kid,pr,ppl_wend");
num = arg(args, "num", "10000");
pairs = arg(args, "ppl_pairs", "10000");
device = arg(args, "device", "auto");
makeDirectories(out);
run("Compute Metrics", "model=[" + model + "] metrics=[" + metrics + "] feature_network=[" + net + "] real_images=[" + reals
	+ "] generated_images=" + num + " ppl_pairs=" + pairs + " seed=0 psi=1 device=" + device
	+ " results_file=[" + out + "/metrics.json]");
fid = getResult("fid", nResults - 1);
print("FID " + fid);
return "" + fid;

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

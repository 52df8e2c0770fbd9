"""Makes tiny-detector.pt and tiny-detector-expected.json for TorchScriptFeatureNetworkTest.

A small TorchScript module with the calling convention of the official StyleGAN2-ADA metric
detectors (inception-2015-12-05.pt): forward(img, return_features: bool = False) on uint8
images [N, 3, H, W] with values 0..255, resizing internally. Made with Debian's python3-torch
1.13.1 (apt-get install python3-torch; /usr/bin/python3 make_tiny_detector.py); no network needed.
"""
import json
import torch


class TinyDetector(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.fc = torch.nn.Linear(8, 5)

    def forward(self, img: torch.Tensor, return_features: bool = False) -> torch.Tensor:
        x = img.to(torch.float32) / 127.5 - 1
        x = torch.nn.functional.interpolate(x, size=(12, 12), mode="bilinear", align_corners=False)
        f = torch.relu(self.conv(x)).mean(dim=[2, 3])
        if return_features:
            return f
        return self.fc(f)


def test_images(n, c, size):
    """uint8 values (7n + 13c + 3y + 5x) mod 256: the Java test builds the same ones."""
    v = torch.zeros(n, c, size, size, dtype=torch.uint8)
    for i in range(n):
        for ch in range(c):
            for y in range(size):
                for x in range(size):
                    v[i, ch, y, x] = (7 * i + 13 * ch + 3 * y + 5 * x) % 256
    return v


torch.manual_seed(0)
net = TinyDetector().eval()
scripted = torch.jit.script(net)
scripted.save("tiny-detector.pt")
with torch.no_grad():
    gray = test_images(3, 1, 16)
    rgb = test_images(2, 3, 8)
    expected = {
        "gray_16": scripted(gray.repeat(1, 3, 1, 1), True).tolist(),  # the official 1 -> 3 channel repeat
        "rgb_8": scripted(rgb, True).tolist(),
    }
with open("tiny-detector-expected.json", "w") as f:
    json.dump(expected, f, indent=1)
print("feature size", len(expected["rgb_8"][0]))

#!/usr/bin/env python3
"""SSIM by scikit-image (Debian's python3-skimage), the independent check of metrics/Ssim.java.

SPEC: {"inputs": safetensors with "a" and "b" [n, channels, h, w], "output": json file, "data_range": float}
Writes a JSON list with one SSIM per image: Wang et al. 2004's settings (Gaussian window sigma 1.5,
population covariances, K1 0.01, K2 0.03), channels averaged.
usage: ssim_reference.py SPEC.json
"""
import json
import os
import sys

import numpy as np
from skimage.metrics import structural_similarity

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from official_stylegan import read_safetensors  # noqa: E402

spec = json.load(open(sys.argv[1]))
t = read_safetensors(open(spec['inputs'], 'rb').read())
a, b = t['a'].numpy(), t['b'].numpy()
out = []
for i in range(a.shape[0]):
    out.append(float(structural_similarity(a[i], b[i], channel_axis=0, gaussian_weights=True, sigma=1.5,
                                           use_sample_covariance=False, data_range=spec['data_range'])))
json.dump(out, open(spec['output'], 'w'))

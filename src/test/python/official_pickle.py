#!/usr/bin/env python3
"""Writes a network pickle with the structure of NVlabs/stylegan's (the tuple (G, D, Gs) of
dnnlib.tflib.network.Network, or Gs alone; official module path, class, state fields, variable names
and TensorFlow layouts, NumPy arrays) with random weights, and what the official graph computes from
those weights (official_stylegan.py, float64), for the Java importer's test.

usage: official_pickle.py SPEC.json
  SPEC: {"pickle", "protocol", "networks": ["G", "D", "Gs"] | ["Gs"], "seed", "g_build_func"?,
         "kwargs": {official G_style/D_basic keyword arguments, e.g. resolution, num_channels, fmap_base,
                    fmap_max, latent_size, dlatent_size, mapping_layers, mapping_fmaps, mapping_lrmul,
                    fused_scale, blur_filter},
         "lod": pickled lod, "inputs": safetensors (z, reals), "output": safetensors,
         "cases": [{"name", "psi", "cutoff", "lod", "noise": "const"|"none"}], "d_lods": [...]}
"""
import json
import math
import os
import pickle
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, 'standin'))
sys.path.insert(0, HERE)
from dnnlib.tflib.network import Network  # noqa: E402  (the stand-in, same module path as the official class)
import official_stylegan as ref  # noqa: E402

# keyword arguments of G_style itself; the rest go to G_mapping and G_synthesis (as in the official code)
G_STYLE_OWN = {'truncation_psi', 'truncation_cutoff', 'truncation_psi_val', 'truncation_cutoff_val',
               'dlatent_avg_beta', 'style_mixing_prob'}


def arch(kw):
    a = dict(resolution=1024, num_channels=3, fmap_base=8192, fmap_decay=1.0, fmap_max=512, latent_size=512,
             dlatent_size=512, mapping_layers=8, mapping_fmaps=512, mapping_lrmul=0.01, fused_scale='auto',
             blur_filter=[1, 2, 1], mbstd_group_size=4, mbstd_num_features=1)
    a.update(kw)
    return a


def nf(a, stage):
    return min(int(a['fmap_base'] / (2.0 ** (stage * a['fmap_decay']))), a['fmap_max'])


def generator_vars(a, rng):
    """(G_style own, G_mapping, G_synthesis) variables in TF layout, in the official creation order."""
    lrmul = a['mapping_lrmul']
    r2 = int(math.log2(a['resolution']))
    D, C = a['dlatent_size'], a['num_channels']
    f32 = lambda x: np.asarray(x, dtype=np.float32)
    mapping = []
    for i in range(a['mapping_layers']):
        fin = a['latent_size'] if i == 0 else a['mapping_fmaps']
        fout = D if i == a['mapping_layers'] - 1 else a['mapping_fmaps']
        mapping.append(('Dense%d/weight' % i, f32(rng.standard_normal((fin, fout)) / lrmul)))
        mapping.append(('Dense%d/bias' % i, f32(rng.standard_normal(fout) * 0.3 / lrmul)))
    syn = [('lod', np.float32(a.get('lod', 0.0)))]
    for layer in range(2 * r2 - 2):
        r = 4 << (layer // 2)
        syn.append(('noise%d' % layer, f32(rng.standard_normal((1, 1, r, r)))))

    def epilogue(scope, ch):
        syn.append((scope + '/Noise/weight', f32(rng.standard_normal(ch) * 0.3)))
        syn.append((scope + '/bias', f32(rng.standard_normal(ch) * 0.3)))
        syn.append((scope + '/StyleMod/weight', f32(rng.standard_normal((D, 2 * ch)))))
        syn.append((scope + '/StyleMod/bias', f32(rng.standard_normal(2 * ch) * 0.3)))

    syn.append(('4x4/Const/const', f32(rng.standard_normal((1, nf(a, 1), 4, 4)))))
    epilogue('4x4/Const', nf(a, 1))
    syn.append(('4x4/Conv/weight', f32(rng.standard_normal((3, 3, nf(a, 1), nf(a, 1))))))
    epilogue('4x4/Conv', nf(a, 1))
    for res in range(3, r2 + 1):
        s = '%dx%d/' % (2 ** res, 2 ** res)
        syn.append((s + 'Conv0_up/weight', f32(rng.standard_normal((3, 3, nf(a, res - 2), nf(a, res - 1))))))
        epilogue(s + 'Conv0_up', nf(a, res - 1))
        syn.append((s + 'Conv1/weight', f32(rng.standard_normal((3, 3, nf(a, res - 1), nf(a, res - 1))))))
        epilogue(s + 'Conv1', nf(a, res - 1))
    for res in range(2, r2 + 1):
        syn.append(('ToRGB_lod%d/weight' % (r2 - res), f32(rng.standard_normal((1, 1, nf(a, res - 1), C)))))
        syn.append(('ToRGB_lod%d/bias' % (r2 - res), f32(rng.standard_normal(C) * 0.3)))
    own = [('lod', np.float32(a.get('lod', 0.0))), ('dlatent_avg', f32(rng.standard_normal(D) * 0.5))]
    return own, mapping, syn


def discriminator_vars(a, rng):
    r2 = int(math.log2(a['resolution']))
    C = a['num_channels']
    f32 = lambda x: np.asarray(x, dtype=np.float32)
    out = [('lod', np.float32(a.get('lod', 0.0)))]

    def conv(name, k, fin, fout):
        out.append((name + '/weight', f32(rng.standard_normal((k, k, fin, fout)))))
        out.append((name + '/bias', f32(rng.standard_normal(fout) * 0.3)))

    for res in range(r2, 1, -1):
        conv('FromRGB_lod%d' % (r2 - res), 1, C, nf(a, res - 1))
    for res in range(r2, 2, -1):
        s = '%dx%d/' % (2 ** res, 2 ** res)
        conv(s + 'Conv0', 3, nf(a, res - 1), nf(a, res - 1))
        conv(s + 'Conv1_down', 3, nf(a, res - 1), nf(a, res - 2))
    mb = a['mbstd_num_features'] if a['mbstd_group_size'] > 1 else 0
    conv('4x4/Conv', 3, nf(a, 1) + mb, nf(a, 1))
    out.append(('4x4/Dense0/weight', f32(rng.standard_normal((nf(a, 1) * 16, nf(a, 0))))))
    out.append(('4x4/Dense0/bias', f32(rng.standard_normal(nf(a, 0)) * 0.3)))
    out.append(('4x4/Dense1/weight', f32(rng.standard_normal((nf(a, 0), 1)))))
    out.append(('4x4/Dense1/bias', f32(rng.standard_normal(1) * 0.3)))
    return out


def perturbed(vars_, rng):
    return [(n, v if v.ndim == 0 else (v + rng.standard_normal(v.shape) * 0.05 * (np.abs(v).mean() + 1e-3)).astype(np.float32))
            for n, v in vars_]


def to_ours(prefix, vars_):
    """TF layout -> the PyTorch layout official_stylegan.py reads (it converts back to TF layout itself)."""
    out = {}
    for n, v in vars_:
        if n == 'lod':
            continue
        t = torch.tensor(np.asarray(v, dtype=np.float64))
        if t.dim() == 2:
            t = t.t()
        elif t.dim() == 4 and n.endswith('/weight'):
            t = t.permute(3, 2, 0, 1)
        out[prefix + n] = t
    return out


def main():
    spec = json.load(open(sys.argv[1]))
    kw = dict(spec['kwargs'])
    a = arch(kw)
    a['lod'] = spec.get('lod', 0.0)
    rng = np.random.RandomState(spec.get('seed', 1))
    size = dict(num_channels=a['num_channels'], resolution=a['resolution'], label_size=0)
    g_kwargs = dict(size, **kw)
    sub_kwargs = {k: v for k, v in g_kwargs.items() if k not in G_STYLE_OWN}
    num_layers = 2 * int(math.log2(a['resolution'])) - 2

    def generator(name, own, mapping, syn):
        m = Network('G_mapping', 'G_mapping', dict(sub_kwargs, dlatent_broadcast=num_layers), mapping)
        s = Network('G_synthesis', 'G_synthesis', sub_kwargs, syn)
        return Network(name, spec.get('g_build_func', 'G_style'), g_kwargs, own, components={'synthesis': s, 'mapping': m})

    own, mapping, syn = generator_vars(a, rng)
    G = generator('G', own, mapping, syn)
    gs_own, gs_map, gs_syn = perturbed(own, rng), perturbed(mapping, rng), perturbed(syn, rng)
    Gs = generator('Gs', gs_own, gs_map, gs_syn)
    d_kw = dict(size, **{k: v for k, v in kw.items() if k in ('fmap_base', 'fmap_decay', 'fmap_max', 'blur_filter',
                                                             'mbstd_group_size', 'mbstd_num_features')})
    d_vars = discriminator_vars(a, rng)
    D = Network('D', 'D_basic', d_kw, d_vars)
    nets = {'G': G, 'D': D, 'Gs': Gs}
    with open(spec['pickle'], 'wb') as f:
        chosen = [nets[n] for n in spec['networks']]
        pickle.dump(chosen[0] if len(chosen) == 1 else tuple(chosen), f, protocol=spec.get('protocol', 4))

    c = dict(resolution=a['resolution'], fmap_base=a['fmap_base'], fmap_decay=a['fmap_decay'], fmap_max=a['fmap_max'],
             mapping_layers=a['mapping_layers'], mapping_lr_mul=a['mapping_lrmul'], normalize_latents=True,
             use_noise=True, const_input=True, blur=bool(a['blur_filter']), mbstd_group_size=a['mbstd_group_size'],
             mbstd_num_features=a['mbstd_num_features'], official_fused_scale=a['fused_scale'])
    P = to_ours('', gs_own)
    P.update(to_ours('G_mapping/', gs_map))
    P.update(to_ours('G_synthesis/', gs_syn))
    PD = to_ours('D/', d_vars)
    if not spec.get('inputs'):
        return
    with open(spec['inputs'], 'rb') as f:
        inputs = ref.read_safetensors(f.read())
    out = {}
    for case in spec['cases']:
        w = ref.g_mapping(c, P, inputs['z'])
        dl = ref.truncate(c, P['dlatent_avg'], w[:, None, :].repeat(1, num_layers, 1), case['psi'], case['cutoff'])
        out[case['name'] + '/images'] = ref.g_synthesis(c, P, dl, case['lod'], case['noise'], None)
    for lod in spec.get('d_lods', []):
        out['d_lod%g/scores' % lod] = ref.d_basic(c, PD, inputs['reals'], lod)
    ref.write_safetensors(spec['output'], out)


if __name__ == '__main__':
    main()

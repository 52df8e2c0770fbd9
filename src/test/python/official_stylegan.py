#!/usr/bin/env python3
"""An independent reference of the official StyleGAN graph (NVlabs/stylegan, training/networks_stylegan.py
and training/loss.py, TensorFlow), written for this project in PyTorch (Debian's python3-torch) and
computed in float64.

It reads a model file of this project (zip: stylegan.json + safetensors in PyTorch layout), converts the
weights to the official TensorFlow layouts ([in, out] dense, [kh, kw, in, out] conv) and then follows the
official ops one by one: G_mapping, G_synthesis (structure 'linear', fused_scale 'auto', blur, noise,
bias after the blur, instance norm, style mod), the truncation of G_style, D_basic with minibatch
stddev, and the logistic non-saturating losses with R1 (D_logistic_simplegp). Nothing here imports the
project's Java code; the Java test compares against what this script writes.

usage: official_stylegan.py SPEC.json
  SPEC: {"model": zip, "inputs": safetensors, "output": safetensors, "cases": [...]}
  case: {"name", "network": "G_ema"|"G", "z", "z_mix"?, "mix_from"?, "psi", "cutoff", "lod",
         "noise": "const"|"none"|"given", "reals"?, "fakes"?, "r1_gamma"?, "labels"?}
  labels: one-hot [N, label_size] of a conditional model (G_mapping's LabelConcat, D_basic's LabelSwitch);
  reals and fakes share them, as in the official D loss
"""
import io
import json
import math
import struct
import sys
import zipfile

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


# ---- files -------------------------------------------------------------------------------------

def read_safetensors(blob):
    n = struct.unpack('<Q', blob[:8])[0]
    header = json.loads(blob[8:8 + n].decode('utf-8'))
    out = {}
    for name, t in header.items():
        if name == '__metadata__':
            continue
        if t['dtype'] != 'F32':
            raise ValueError('only F32 tensors: ' + name)
        a, b = t['data_offsets']
        arr = np.frombuffer(blob[8 + n + a:8 + n + b], dtype='<f4').reshape(t['shape'])
        out[name] = torch.tensor(arr.astype(np.float64))
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        arr = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
        b = arr.tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(arr.shape), 'data_offsets': [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode('utf-8')
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


class Model:
    def __init__(self, path):
        with zipfile.ZipFile(path) as z:
            self.manifest = json.loads(z.read('stylegan.json').decode('utf-8'))
            self.nets = {}
            for key, entry in self.manifest['networks'].items():
                self.nets[key] = read_safetensors(z.read(entry))
        self.c = self.manifest['config']


# ---- the official layers (TF semantics, NCHW) ----------------------------------------------------

def he_std(gain, fan_in, lrmul=1.0):
    return gain / math.sqrt(fan_in) * lrmul


def dense_tf(w_ours):
    return w_ours.t()  # ours [out, in] -> TF [in, out]


def conv_tf(w_ours):
    return w_ours.permute(2, 3, 1, 0)  # ours [out, in, kh, kw] -> TF [kh, kw, in, out]


def dense(x, W, gain, lrmul=1.0):
    x = x.reshape(x.shape[0], -1)
    return x @ (W * he_std(gain, W.shape[0], lrmul))


def apply_bias(x, b, lrmul=1.0):
    b = b * lrmul
    return x + (b if x.dim() == 2 else b.reshape(1, -1, 1, 1))


def lrelu(x):
    return F.leaky_relu(x, 0.2)


def conv2d(x, W, gain):
    k = W.shape[0]
    w = W * he_std(gain, k * k * W.shape[2])
    return F.conv2d(x, w.permute(3, 2, 0, 1), padding=k // 2)  # tf.nn.conv2d SAME = correlation


def upscale2d(x, factor=2):
    return x.repeat_interleave(factor, dim=2).repeat_interleave(factor, dim=3)


def downscale2d(x, factor=2):
    return F.avg_pool2d(x, factor)


def blur2d(x):
    f = torch.tensor([1.0, 2.0, 1.0])
    f = (f[:, None] * f[None, :]) / 16.0
    c = x.shape[1]
    return F.conv2d(x, f.expand(c, 1, 3, 3), padding=1, groups=c)


def pad_sum_shifts(w):
    """w [k, k, a, b] zero-padded by one in the spatial axes, summed over the 4 one-pixel shifts."""
    w = F.pad(w.permute(2, 3, 0, 1), (1, 1, 1, 1)).permute(2, 3, 0, 1)
    return w[1:, 1:] + w[:-1, 1:] + w[1:, :-1] + w[:-1, :-1]


def upscale2d_conv2d(x, W, gain, fused):
    if not fused:
        return conv2d(upscale2d(x), W, gain)
    k = W.shape[0]
    w = W * he_std(gain, k * k * W.shape[2])
    w = pad_sum_shifts(w.permute(0, 1, 3, 2))  # [k+1, k+1, out, in], as the official code
    # tf.nn.conv2d_transpose(x, w, stride 2, SAME): filter [h, w, out, in] -> torch weight [in, out, h, w]
    return F.conv_transpose2d(x, w.permute(3, 2, 0, 1), stride=2, padding=1)


def conv2d_downscale2d(x, W, gain, fused):
    if not fused:
        return downscale2d(conv2d(x, W, gain))
    k = W.shape[0]
    w = W * he_std(gain, k * k * W.shape[2])
    w = pad_sum_shifts(w) * 0.25
    return F.conv2d(x, w.permute(3, 2, 0, 1), stride=2, padding=1)


def pixel_norm(x):
    return x * torch.rsqrt(torch.mean(x * x, dim=1, keepdim=True) + 1e-8)


def instance_norm(x):
    x = x - torch.mean(x, dim=[2, 3], keepdim=True)
    return x * torch.rsqrt(torch.mean(x * x, dim=[2, 3], keepdim=True) + 1e-8)


def minibatch_stddev(x, group_size=4, num_new_features=1):
    n, c, h, w = x.shape
    g = min(group_size, n)
    y = x.reshape(g, -1, num_new_features, c // num_new_features, h, w)
    y = y - y.mean(dim=0, keepdim=True)
    y = torch.sqrt((y * y).mean(dim=0) + 1e-8)
    y = y.mean(dim=[2, 3, 4], keepdim=True)
    y = y.mean(dim=2)  # [M, F, 1, 1]
    y = y.repeat(g, 1, h, w)  # tf.tile: sample i takes group statistic i mod M
    return torch.cat([x, y], dim=1)


def lerp_clip(a, b, t):
    return a + (b - a) * min(max(t, 0.0), 1.0)


# ---- networks ----------------------------------------------------------------------------------

def nf(c, stage):
    return min(int(c['fmap_base'] / (2.0 ** (stage * c['fmap_decay']))), c['fmap_max'])


def g_mapping(c, P, z, labels=None):
    x = z
    if c.get('label_size', 0):
        # LabelConcat: a plain variable [label_size, latent_size] (no wscale), labels @ weight, concatenated after z
        x = torch.cat([x, labels @ P['G_mapping/LabelConcat/weight']], dim=1)
    x = pixel_norm(x) if c['normalize_latents'] else x
    for i in range(c['mapping_layers']):
        pre = 'G_mapping/Dense%d/' % i
        x = lrelu(apply_bias(dense(x, dense_tf(P[pre + 'weight']), math.sqrt(2), c['mapping_lr_mul']), P[pre + 'bias'],
                             c['mapping_lr_mul']))
    return x


def official_fused(c, res):
    """G_synthesis' fused_scale: True, False or 'auto' (fused when min(input size) * 2 >= 128)."""
    f = c.get('official_fused_scale', 'auto')
    return res >= 128 if f == 'auto' else bool(f)


def g_synthesis(c, P, dl, lod_in, noise_mode, given_noise):
    r2 = int(math.log2(c['resolution']))
    n = dl.shape[0]

    def epilogue(x, layer, scope):
        if c['use_noise'] and noise_mode != 'none':
            noise = given_noise[layer] if noise_mode == 'given' else P['G_synthesis/noise%d' % layer]
            x = x + noise * P[scope + '/Noise/weight'].reshape(1, -1, 1, 1)
        x = apply_bias(x, P[scope + '/bias'])
        x = instance_norm(lrelu(x))
        style = apply_bias(dense(dl[:, layer], dense_tf(P[scope + '/StyleMod/weight']), 1.0), P[scope + '/StyleMod/bias'])
        style = style.reshape(n, 2, x.shape[1], 1, 1)
        return x * (style[:, 0] + 1) + style[:, 1]

    if not c['const_input']:
        raise NotImplementedError('traditional input')
    s = 'G_synthesis/4x4/'
    x = P[s + 'Const/const'].repeat(n, 1, 1, 1)
    x = epilogue(x, 0, s + 'Const')
    x = epilogue(conv2d(x, conv_tf(P[s + 'Conv/weight']), math.sqrt(2)), 1, s + 'Conv')

    def torgb(res, x):
        name = 'G_synthesis/ToRGB_lod%d/' % (r2 - res)
        return apply_bias(conv2d(x, conv_tf(P[name + 'weight']), 1.0), P[name + 'bias'])

    images = torgb(2, x)
    for res in range(3, r2 + 1):
        lod = r2 - res
        s = 'G_synthesis/%dx%d/' % (2 ** res, 2 ** res)
        fused = official_fused(c, 2 ** res)
        y = upscale2d_conv2d(x, conv_tf(P[s + 'Conv0_up/weight']), math.sqrt(2), fused)
        if c['blur']:
            y = blur2d(y)
        x = epilogue(y, res * 2 - 4, s + 'Conv0_up')
        x = epilogue(conv2d(x, conv_tf(P[s + 'Conv1/weight']), math.sqrt(2)), res * 2 - 3, s + 'Conv1')
        img = torgb(res, x)
        images = lerp_clip(img, upscale2d(images), lod_in - lod)
    return images


def d_basic(c, P, images, lod_in, labels=None):
    r2 = int(math.log2(c['resolution']))

    def fromrgb(x, res):
        name = 'D/FromRGB_lod%d/' % (r2 - res)
        return lrelu(apply_bias(conv2d(x, conv_tf(P[name + 'weight']), math.sqrt(2)), P[name + 'bias']))

    def block(x, res):
        s = 'D/%dx%d/' % (2 ** res, 2 ** res)
        if res >= 3:
            x = lrelu(apply_bias(conv2d(x, conv_tf(P[s + 'Conv0/weight']), math.sqrt(2)), P[s + 'Conv0/bias']))
            y = blur2d(x) if c['blur'] else x
            fused = 2 ** res >= 128  # fused_scale='auto': min(input size) >= 128
            return lrelu(apply_bias(conv2d_downscale2d(y, conv_tf(P[s + 'Conv1_down/weight']), math.sqrt(2), fused),
                                    P[s + 'Conv1_down/bias']))
        if c['mbstd_group_size'] > 1:
            x = minibatch_stddev(x, c['mbstd_group_size'], c['mbstd_num_features'])
        x = lrelu(apply_bias(conv2d(x, conv_tf(P[s + 'Conv/weight']), math.sqrt(2)), P[s + 'Conv/bias']))
        x = lrelu(apply_bias(dense(x, dense_tf(P[s + 'Dense0/weight']), math.sqrt(2)), P[s + 'Dense0/bias']))
        return apply_bias(dense(x, dense_tf(P[s + 'Dense1/weight']), 1.0), P[s + 'Dense1/bias'])

    img = images
    x = fromrgb(img, r2)
    for res in range(r2, 2, -1):
        lod = r2 - res
        x = block(x, res)
        img = downscale2d(img)
        x = lerp_clip(x, fromrgb(img, res - 1), lod_in - lod)
    scores = block(x, 2)  # [N, max(label_size, 1)]
    if c.get('label_size', 0):
        scores = (scores * labels).sum(dim=1, keepdim=True)  # LabelSwitch
    return scores


def truncate(c, avg, dl, psi, cutoff):
    layers = dl.shape[1]
    coefs = torch.tensor([psi if i < cutoff else 1.0 for i in range(layers)]).reshape(1, layers, 1)
    return avg.reshape(1, 1, -1) + (dl - avg.reshape(1, 1, -1)) * coefs


# ---- cases -------------------------------------------------------------------------------------

def run_case(model, inputs, case, out):
    c = model.c
    name = case['name']
    layers = 2 * int(math.log2(c['resolution'])) - 2
    if 'z' in case:
        G = model.nets[case.get('network', 'G_ema')]
        labels = inputs[case['labels']] if 'labels' in case else None
        w = g_mapping(c, G, inputs[case['z']], labels)
        dl = w[:, None, :].repeat(1, layers, 1)
        if 'z_mix' in case:
            w2 = g_mapping(c, G, inputs[case['z_mix']], labels)
            dl[:, case['mix_from']:] = w2[:, None, :]
        dl = truncate(c, G['dlatent_avg'], dl, case.get('psi', 1.0), case.get('cutoff', layers))
        given = [inputs['%s/noise%d' % (name, l)] for l in range(layers)] if case.get('noise') == 'given' else None
        out[name + '/w'] = w
        out[name + '/images'] = g_synthesis(c, G, dl, case.get('lod', 0.0), case.get('noise', 'const'), given)
    if 'reals' in case:
        D = {k: v.clone().requires_grad_(True) for k, v in model.nets['D'].items()}
        reals = inputs[case['reals']].clone().requires_grad_(True)
        fakes = inputs[case['fakes']]
        lod = case.get('lod', 0.0)
        labels = inputs[case['labels']] if 'labels' in case else None
        real_scores = d_basic(c, D, reals, lod, labels)
        fake_scores = d_basic(c, D, fakes, lod, labels)
        # D_logistic_simplegp and G_logistic_nonsaturating, averaged over the minibatch as the training loop does
        real_grads, = torch.autograd.grad(real_scores.sum(), reals, create_graph=True)
        r1 = (real_grads ** 2).sum(dim=[1, 2, 3])
        loss_d = (F.softplus(fake_scores) + F.softplus(-real_scores)).mean() + r1.mean() * (case.get('r1_gamma', 10.0) * 0.5)
        loss_g = F.softplus(-fake_scores).mean()
        grads = torch.autograd.grad(loss_d, list(D.values()))
        out[name + '/real_scores'] = real_scores
        out[name + '/fake_scores'] = fake_scores
        out[name + '/r1'] = r1.mean().reshape(1)
        out[name + '/loss_d'] = loss_d.reshape(1)
        out[name + '/loss_g'] = loss_g.reshape(1)
        for k, g in zip(D.keys(), grads):
            out[name + '/grad/' + k] = g


def main():
    spec = json.load(open(sys.argv[1]))
    model = Model(spec['model'])
    with open(spec['inputs'], 'rb') as f:
        inputs = read_safetensors(f.read())
    out = {}
    for case in spec['cases']:
        run_case(model, inputs, case, out)
    write_safetensors(spec['output'], out)


if __name__ == '__main__':
    main()

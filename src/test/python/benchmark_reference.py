#!/usr/bin/env python3
"""Timing of the independent reference (official_stylegan.py's official graph, PyTorch from Python,
float32 here) on the configurations of the project's own benchmarks, for `bin/benchmark compare`.

Prints JSON lines: {"benchmark": "reference_generation"|"reference_training", "config", "batch",
"ms_per_batch"|"ms_per_iteration", "repeats", "torch", "threads"}.
Generation: z -> mapping -> truncation (psi 0.7, cutoff 8) -> synthesis with the stored noise.
Training iteration: a D step (logistic loss + R1 gamma 10 on the reals, Adam) and a G step
(non-saturating loss, Adam), no style mixing, at full resolution.
Feature extraction ({"benchmark": "reference_feature_extraction", "network", "batch", "ms_per_batch", ...}):
the architecture of the project's shipped metrics network (models/fashion-mnist-classifier.zip, its
JSON: conv 3x3 -> lrelu -> pool, two convs, pool, conv, pool, dense -> lrelu) with random weights, on
batches of 64 random images, as MetricsBenchmark times it. FID loop ({"benchmark": "reference_fid_loop",
"batch", "ms_per_batch", ...}): per batch of 64, what a FID run does for its generated images — z, mapping,
synthesis with fresh noise (no truncation) at the shipped model's architecture (models/fashion-mnist-32.zip,
random weights), the images to the host and quantized to 8 bits as the official code does, features,
float64 sums for the mean and covariance; the mean over `repeats` batches after 10 (as MetricsBenchmark).

Memory: resident memory every 100 training iterations at the res-32 configuration
({"benchmark": "reference_training_memory", ...}, the fields of the project's training_memory line).

usage: benchmark_reference.py [repeats=5] [all|generation|training|metrics]
       benchmark_reference.py [iterations=2000] memory
"""
import json
import math
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official_stylegan as ref  # noqa: E402

torch.set_default_dtype(torch.float32)  # the reference runs float64 for checking; timing is float32
torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', os.cpu_count() or 1)))


def arch(res, ch, fmap_base, fmap_max, latent):
    return dict(resolution=res, channels=ch, fmap_base=fmap_base, fmap_decay=1.0, fmap_max=fmap_max, latent=latent,
                mapping_layers=8, mapping_lr_mul=0.01, normalize_latents=True, use_noise=True, const_input=True, blur=True,
                mbstd_group_size=4, mbstd_num_features=1)


def params(c, g):
    """Random weights under the official names, in the PyTorch layout official_stylegan.py reads."""
    nf = lambda s: ref.nf(c, s)
    r2 = int(math.log2(c['resolution']))
    P = {}

    def t(*shape):
        return (torch.randn(*shape) * 0.5).requires_grad_(True)
    if g:
        L, D = c['latent'], c['latent']
        for i in range(c['mapping_layers']):
            P['G_mapping/Dense%d/weight' % i] = t(D, L)
            P['G_mapping/Dense%d/bias' % i] = t(D)
        P['dlatent_avg'] = torch.zeros(D)
        for layer in range(2 * r2 - 2):
            r = 4 << (layer // 2)
            P['G_synthesis/noise%d' % layer] = torch.randn(1, 1, r, r)

        def epi(scope, n):
            P[scope + '/Noise/weight'] = t(n)
            P[scope + '/bias'] = t(n)
            P[scope + '/StyleMod/weight'] = t(2 * n, D)
            P[scope + '/StyleMod/bias'] = t(2 * n)
        P['G_synthesis/4x4/Const/const'] = t(1, nf(1), 4, 4)
        epi('G_synthesis/4x4/Const', nf(1))
        P['G_synthesis/4x4/Conv/weight'] = t(nf(1), nf(1), 3, 3)
        epi('G_synthesis/4x4/Conv', nf(1))
        for res in range(3, r2 + 1):
            s = 'G_synthesis/%dx%d/' % (2 ** res, 2 ** res)
            P[s + 'Conv0_up/weight'] = t(nf(res - 1), nf(res - 2), 3, 3)
            epi(s + 'Conv0_up', nf(res - 1))
            P[s + 'Conv1/weight'] = t(nf(res - 1), nf(res - 1), 3, 3)
            epi(s + 'Conv1', nf(res - 1))
        for res in range(2, r2 + 1):
            P['G_synthesis/ToRGB_lod%d/weight' % (r2 - res)] = t(c['channels'], nf(res - 1), 1, 1)
            P['G_synthesis/ToRGB_lod%d/bias' % (r2 - res)] = t(c['channels'])
    else:
        for res in range(r2, 1, -1):
            P['D/FromRGB_lod%d/weight' % (r2 - res)] = t(nf(res - 1), c['channels'], 1, 1)
            P['D/FromRGB_lod%d/bias' % (r2 - res)] = t(nf(res - 1))
        for res in range(r2, 2, -1):
            s = 'D/%dx%d/' % (2 ** res, 2 ** res)
            P[s + 'Conv0/weight'] = t(nf(res - 1), nf(res - 1), 3, 3)
            P[s + 'Conv0/bias'] = t(nf(res - 1))
            P[s + 'Conv1_down/weight'] = t(nf(res - 2), nf(res - 1), 3, 3)
            P[s + 'Conv1_down/bias'] = t(nf(res - 2))
        P['D/4x4/Conv/weight'] = t(nf(1), nf(1) + 1, 3, 3)
        P['D/4x4/Conv/bias'] = t(nf(1))
        P['D/4x4/Dense0/weight'] = t(nf(0), nf(1) * 16)
        P['D/4x4/Dense0/bias'] = t(nf(0))
        P['D/4x4/Dense1/weight'] = t(1, nf(0))
        P['D/4x4/Dense1/bias'] = t(1)
    return P


def generate(c, G, z):
    layers = 2 * int(math.log2(c['resolution'])) - 2
    w = ref.g_mapping(c, G, z)
    dl = ref.truncate(c, G['dlatent_avg'], w[:, None, :].repeat(1, layers, 1), 0.7, 8)
    return ref.g_synthesis(c, G, dl, 0.0, 'const', None)


def median_ms(fn, repeats):
    for _ in range(10):  # warm-up (the project's benchmarks warm up too; the reference shows no trend after the first calls)
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def training_iteration(c, batch):
    """One training iteration as a closure over fresh weights and optimisers."""
    torch.manual_seed(0)
    G, D = params(c, True), params(c, False)
    optG = torch.optim.Adam([v for k, v in G.items() if v.requires_grad], lr=0.001, betas=(0, 0.99), eps=1e-8)
    optD = torch.optim.Adam(list(D.values()), lr=0.001, betas=(0, 0.99), eps=1e-8)
    reals = torch.rand(batch, c['channels'], c['resolution'], c['resolution']) * 2 - 1

    def iteration():
        z = torch.randn(batch, c['latent'])
        with torch.no_grad():
            fakes = generate(c, G, z)
        r = reals.clone().requires_grad_(True)
        real_scores = ref.d_basic(c, D, r, 0.0)
        fake_scores = ref.d_basic(c, D, fakes, 0.0)
        grads, = torch.autograd.grad(real_scores.sum(), r, create_graph=True)
        loss_d = (torch.nn.functional.softplus(fake_scores) + torch.nn.functional.softplus(-real_scores)).mean() \
            + grads.pow(2).sum(dim=[1, 2, 3]).mean() * 5.0
        optD.zero_grad()
        loss_d.backward()
        optD.step()
        fakes = generate(c, G, torch.randn(batch, c['latent']))
        loss_g = torch.nn.functional.softplus(-ref.d_basic(c, D, fakes, 0.0)).mean()
        optG.zero_grad()
        loss_g.backward()
        optG.step()
    return iteration


MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'models')
FEATURE_NETWORK = os.path.join(MODELS, 'fashion-mnist-classifier.zip')
SHIPPED_MODEL = os.path.join(MODELS, 'fashion-mnist-32.zip')


def feature_network(path):
    """The metrics network's forward pass (features = the lrelu'd dense layer), weights scaled at run time as the project's."""
    import zipfile
    with zipfile.ZipFile(path) as z:
        c = json.loads(z.read('feature-network.json'))
    ch, (w0, w1, w2), size, r = c['channels'], c['widths'], c['feature_size'], c['resolution']
    P = dict(conv0=(torch.randn(w0, ch, 3, 3), torch.randn(w0)), conv1=(torch.randn(w1, w0, 3, 3), torch.randn(w1)),
             conv2=(torch.randn(w1, w1, 3, 3), torch.randn(w1)), conv3=(torch.randn(w2, w1, 3, 3), torch.randn(w2)),
             fc=(torch.randn(size, w2 * (r // 8) ** 2), torch.randn(size)))
    F = torch.nn.functional

    def conv(x, name):
        w, b = P[name]
        return F.leaky_relu(F.conv2d(x, w * (math.sqrt(2) / math.sqrt(w[0].numel())), b, padding=1), 0.2)

    def features(x):
        x = F.avg_pool2d(conv(x.clamp(-1, 1), 'conv0'), 2)  # the project clips its input to the data range first
        x = F.avg_pool2d(conv(conv(x, 'conv1'), 'conv2'), 2)
        x = F.avg_pool2d(conv(x, 'conv3'), 2)
        w, b = P['fc']
        return F.leaky_relu(F.linear(x.flatten(1), w * (math.sqrt(2) / math.sqrt(w.shape[1])), b), 0.2)
    return c, features


def fid_loop_ms(repeats):
    """ms per batch of 64 of a FID run's loop over generated images (see the module's doc)."""
    import zipfile
    import numpy as np
    with zipfile.ZipFile(SHIPPED_MODEL) as z:
        a = json.loads(z.read('stylegan.json'))['config']
    c = arch(a['resolution'], a['channels'], a['fmap_base'], a['fmap_max'], a['latent_size'])
    c['mapping_layers'] = a['mapping_layers']
    torch.manual_seed(0)
    G = {k: v.detach() for k, v in params(c, True).items()}
    fc, features = feature_network(FEATURE_NETWORK)
    layers = 2 * int(math.log2(c['resolution'])) - 2
    acc = [torch.zeros(fc['feature_size'], dtype=torch.float64), torch.zeros(fc['feature_size'], fc['feature_size'], dtype=torch.float64)]

    def batch():
        w = ref.g_mapping(c, G, torch.randn(64, c['latent']))
        noise = [torch.randn(64, 1, 4 << (layer // 2), 4 << (layer // 2)) for layer in range(layers)]
        img = ref.g_synthesis(c, G, w[:, None, :].repeat(1, layers, 1), 0.0, 'given', noise).numpy()
        img = np.floor(np.clip(img * 127.5 + 128, 0, 255)) / 127.5 - 1  # the official uint8 conversion
        f = features(torch.from_numpy(img.astype(np.float32))).double()
        acc[0] += f.sum(0)
        acc[1] += f.T @ f
    with torch.no_grad():
        for _ in range(10):
            batch()
        t0 = time.perf_counter()
        for _ in range(repeats):
            batch()
    return (time.perf_counter() - t0) * 1000 / repeats


def resident_mib():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) / 1024
    return -1


def memory(iterations):
    iteration = training_iteration(arch(32, 1, 1024, 128, 128), 16)
    samples, warm, last = [], -1, -1
    for i in range(1, iterations + 1):
        iteration()
        if i % 100 == 0:
            last = resident_mib()
            if i == min(200, iterations):
                warm = last
            samples.append(dict(iteration=i, rss_mib=round(last)))
    print(json.dumps(dict(benchmark='reference_training_memory', config='res32_c1_fb1024_fm128_z128_b16', iterations=iterations,
                          rss_after_warmup_mib=round(warm), rss_at_end_mib=round(last), growth_mib=round(last - warm),
                          samples=samples, torch=torch.__version__, threads=torch.get_num_threads())))


def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    what = sys.argv[2] if len(sys.argv) > 2 else 'all'
    if what == 'memory':
        memory(repeats)
        return
    common = dict(repeats=repeats, torch=torch.__version__, threads=torch.get_num_threads())
    for name, c, batch in [('res32_c1_fb1024_fm128_z128', arch(32, 1, 1024, 128, 128), 16),
                           ('res128_c3_fb4096_fm256_z256', arch(128, 3, 4096, 256, 256), 8)][:2 if what in ('all', 'generation') else 0]:
        torch.manual_seed(0)
        G = {k: v.detach() for k, v in params(c, True).items()}
        z = torch.randn(batch, c['latent'])
        with torch.no_grad():
            ms = median_ms(lambda: generate(c, G, z), repeats)
        print(json.dumps(dict(benchmark='reference_generation', config=name, batch=batch, ms_per_batch=round(ms, 2), **common)))
        sys.stdout.flush()
    for name, c, batch in [('res32_c1_fb1024_fm128_z128_b16', arch(32, 1, 1024, 128, 128), 16),
                           ('res64_c3_fb2048_fm256_z256_b8', arch(64, 3, 2048, 256, 256), 8)][:2 if what in ('all', 'training') else 0]:
        iteration = training_iteration(c, batch)
        ms = median_ms(iteration, repeats)
        print(json.dumps(dict(benchmark='reference_training', config=name, batch=batch, ms_per_iteration=round(ms, 2), **common)))
        sys.stdout.flush()
    if what in ('all', 'metrics'):
        torch.manual_seed(0)
        c, features = feature_network(FEATURE_NETWORK)
        x = torch.randn(64, c['channels'], c['resolution'], c['resolution'])
        with torch.no_grad():
            ms = median_ms(lambda: features(x), repeats)
        print(json.dumps(dict(benchmark='reference_feature_extraction', network=os.path.basename(FEATURE_NETWORK), batch=64,
                              ms_per_batch=round(ms, 2), **common)))
        sys.stdout.flush()
        print(json.dumps(dict(benchmark='reference_fid_loop', model=os.path.basename(SHIPPED_MODEL), batch=64,
                              ms_per_batch=round(fid_loop_ms(repeats), 2), **common)))


if __name__ == '__main__':
    main()

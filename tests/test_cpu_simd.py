"""The CPU's SIMD paths give the scalar path's bits, seen from Python.

RandomResizedCrop and RandomErasing evaluate their first (scale, log-ratio) attempt for a tile of
samples in AVX-512 or AVX2 lanes (csrc/cpu/area_ratio_simd.cpp), RandomAffine its six uniforms
(affine_simd.cpp), ColorJitter and RandAugment their bounded draws and rows (bounded_ints_simd.cpp,
color_jitter_simd.cpp, rand_augment_simd.cpp), RandomPerspective its corner draws and coefficients
(perspective_simd.cpp), MixUp and CutMix their Beta lambdas (beta_simd.cpp), and the normal fills
and fields their Box-Muller pairs (csrc/cpu/box_muller_simd.cpp).
TORCHRNG_CPU_ISA=scalar turns every SIMD path off, so running the same draws in subprocesses with
each ISA this CPU supports and comparing bit for bit checks the vector exp, log, sincos, square
roots and rounding against the scalar code: crop ranges inside and outside the vector path's
domain (|log ratio| <= 700), image sizes from 1x1 to 2**30 x (2**31 - 1), per-sample sizes,
partial tiles and explicit indices; normal fills and fields (GaussianNoise, RandomErasing's
value='random') of every length around the tile and vector
sizes, starting at any element offset, on 1 and 2 threads. (tests/cpp has the exhaustive
comparisons at the level of the kernels.)
"""

import os
import subprocess
import sys

import pytest
import torch

import torchrng

_SCRIPT = r"""
import sys, torch, torchrng
torch.set_num_threads(int(sys.argv[2]))
k = torchrng.key(2024)
sizes = [(1, 1), (1, 7), (7, 1), (3, 1000), (224, 224), (480, 640), (1 << 30, (1 << 31) - 1)]
cases = [
    ("resized_crop", dict()), ("resized_crop", dict(scale=(0.0, 0.0))), ("resized_crop", dict(scale=(1.0, 1.0))),
    ("resized_crop", dict(scale=(0.99, 1.0))), ("resized_crop", dict(scale=(0.5, 5.0))),
    ("resized_crop", dict(ratio=(1.0, 1.0))), ("resized_crop", dict(ratio=(1 - 1e-9, 1 + 1e-9))),
    ("resized_crop", dict(ratio=(1e-300, 1e300))), ("resized_crop", dict(ratio=(1e-305, 1e305))),
    ("resized_crop", dict(ratio=(0.01, 100.0))), ("resized_crop", dict(ratio=(2.5, 2.6))),
    ("erasing", dict()), ("erasing", dict(scale=(0.0, 0.0))), ("erasing", dict(scale=(1.0, 1.0))),
    ("erasing", dict(scale=(0.3, 1.0), ratio=(0.2, 5.0))), ("erasing", dict(ratio=(1e-300, 1e300))),
    ("erasing", dict(ratio=(1e-305, 1e305))), ("erasing", dict(ratio=(1.0, 1.0), p=1.0)),
    ("affine", dict(degrees=30, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=10)),
    ("affine", dict(degrees=(-180, 180), translate=(1.0, 1.0), shear=(-40, 40, -5, 5))),
    ("affine", dict(degrees=0, scale=(1e-300, 3.0))), ("affine", dict(degrees=(1e38, 3e38), translate=(0.0, 1.0))),
    ("color_jitter", dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)),
    ("color_jitter", dict(brightness=(0.0, 2.0), hue=0.5)), ("color_jitter", dict()),
    ("rand_augment", dict()), ("rand_augment", dict(num_ops=1, magnitude=0)),
    ("rand_augment", dict(num_ops=5, magnitude=30)), ("rand_augment", dict(num_ops=12, magnitude=1, num_magnitude_bins=2)),
    ("rand_augment", dict(num_ops=13, magnitude=4, num_magnitude_bins=10)),
    ("perspective", dict(distortion_scale=0.5, p=0.5)), ("perspective", dict(distortion_scale=1.0, p=1.0)),
    ("perspective", dict(distortion_scale=0.0)), ("perspective", dict(distortion_scale=0.01, p=0.0)),
    ("mixup", dict(alpha=1.0, per_sample=True)), ("mixup", dict(alpha=0.2, per_sample=True)),
    ("mixup", dict(alpha=1e-40, per_sample=True)), ("cutmix", dict(alpha=1.0, per_sample=True)),
    ("cutmix", dict(alpha=0.3, per_sample=True)), ("cutmix", dict(alpha=50.0, per_sample=True)),
]
out = []
for name, kw in cases:
    f = getattr(torchrng.sample, name)
    for hw in sizes:
        for n in (1, 9, 64, 65, 700):
            out.append(f(k, n=n, image_size=hw, **kw))
        out.append(f(k, indices=torch.tensor([0, 5, 2**40, -1]), image_size=hw, **kw))
    mixed = torch.tensor([[1, 1], [224, 224], [5, 3000], [480, 640], [2, 2], [1 << 30, 3]] * 25)
    out.append(f(k, n=150, image_size=mixed, **kw))
    out.append(f(torchrng.Generator(seed=5), n=130, image_size=(64, 48), **kw))
for dtype in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
    for n in (1, 3, 4, 5, 31, 33, 1023, 1025, 40000):
        out.append(torchrng.normal(n, 0.5, 2.0, generator=k, dtype=dtype))
    g = torchrng.Generator(seed=11)
    for n in (1, 2, 3, 7, 1000, 70001):  # each call starts where the last ended: any offset mod 4
        out.append(torchrng.normal(n, generator=g, dtype=dtype))
for hw, kw in (((5, 7), dict()), ((64, 64), dict(mean=0.2, sigma=0.3)), ((1, 4099), dict(clip=False))):
    out.append(torchrng.sample.gaussian_noise(k, n=3, image_size=hw, num_channels=3, **kw)["noise"])
out.append(torchrng.sample.erasing(k, n=5, image_size=(33, 21), value="random")["v"])
# Some columns are int64 views of one float64 block, which torch.save refuses to store together.
out = [{name: v.clone() for name, v in o.items()} if isinstance(o, dict) else o for o in out]
torch.save(out, sys.argv[1])
"""


def _supported_isas():
    isas = ["scalar"]
    for isa in ("avx2", "avx512"):
        env = dict(os.environ, TORCHRNG_CPU_ISA=isa)
        code = "import torch, torchrng; print(torch.ops.torchrng._cpu_isa())"
        got = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        if got.stdout.strip().splitlines()[-1:] == [isa]:
            isas.append(isa)
    return isas


def _draws(tmp_path, isa, threads):
    env = dict(os.environ, TORCHRNG_CPU_ISA=isa)
    path = tmp_path / f"{isa}-{threads}.pt"
    subprocess.run([sys.executable, "-c", _SCRIPT, str(path), str(threads)], check=True, env=env, timeout=300)
    return torch.load(path)


_SAME_WIDTH_INT = {torch.float64: torch.int64, torch.float32: torch.int32, torch.float16: torch.int16,
                   torch.bfloat16: torch.int16}


def _same_bits(a, b):
    """Bit for bit, so that the NaN factors of unconfigured ColorJitter operations compare too."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    as_int = _SAME_WIDTH_INT.get(a.dtype)
    return torch.equal(a.view(as_int), b.view(as_int)) if as_int is not None else torch.equal(a, b)


def test_simd_paths_match_scalar(tmp_path):
    isas = _supported_isas()
    if len(isas) == 1:
        pytest.skip("this CPU has no AVX2: only the scalar path exists")
    reference = _draws(tmp_path, "scalar", 1)
    for isa in isas[1:]:
        for threads in (1, 2):
            got = _draws(tmp_path, isa, threads)
            assert len(got) == len(reference)
            for a, b in zip(reference, got):
                if isinstance(a, torch.Tensor):
                    assert _same_bits(a, b), (isa, threads, a.dtype, a.numel())
                    continue
                assert a.keys() == b.keys()
                for key in a:
                    assert _same_bits(a[key], b[key]), (isa, threads, key)


"""The parameters torchvision draws as float32 uniforms (`torch.empty(1).uniform_(lo, hi).item()`):
RandomRotation's angle, RandomAffine's angle, translation, scale and shear, ColorJitter's and
RandomPhotometricDistort's factors, GaussianBlur's sigma.

torchrng draws them as torch's CPU kernel computes them: lo and hi rounded to float32, hi - lo
rounded to float32, then u * (hi - lo) + lo as one fused multiply-add (one rounding), u on a 2^-24
grid. Checked here: that formula, evaluated exactly (fractions), against torch's own uniform_; the
samplers against that formula on the Philox words of torchrng.philox4x32_10, on the SIMD (batch)
and scalar (indices=[i]) paths; and end to end: a one-value range gives torchvision's exact value,
and the drop-in's output equals torchvision's pixel for pixel.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import torch
from torchvision.transforms import v2 as V

import torchrng
import torchrng.transforms as T
from torchrng import sample as S

K = torchrng.key(31)
N = 300  # several SIMD tiles and a partial one


def block_words(key, n, block):
    """Words of block `block` of sample indices 0..n-1 (docs/streams.md), as uint32 (n, 4)."""
    counters = torch.tensor([[block, 0, i, 0] for i in range(n)], dtype=torch.int64)
    keys = torch.tensor([key.words] * n, dtype=torch.int64)
    return torchrng.philox4x32_10(counters, keys).numpy().astype(np.uint32)


def round_to_float32(x: Fraction) -> np.float32:
    """x rounded to the nearest float32, ties to even. float(x) rounds to float64 first, which can
    land on a float32 tie that x is not on, so the nearest of its float32 neighbours is picked exactly."""
    f = np.float32(float(x))
    candidates = (np.nextafter(f, np.float32(-np.inf)), f, np.nextafter(f, np.float32(np.inf)))
    return min(candidates, key=lambda c: (abs(Fraction(float(c)) - x), int(c.view(np.uint32)) & 1))


def fused_uniform(u: float, lo: float, hi: float) -> float:
    """u * (float32(hi) - float32(lo)) + float32(lo), the width rounded to float32 and the
    multiply-add rounded once, computed exactly."""
    lo32, hi32 = np.float32(lo), np.float32(hi)
    width = np.float32(hi32 - lo32)
    return float(round_to_float32(Fraction(u) * Fraction(float(width)) + Fraction(float(lo32))))


def float32_uniform(words, lo, hi):
    """torch's float32 uniform_ (fused_uniform) of each word's u = (w >> 8) * 2^-24."""
    u = (np.asarray(words, dtype=np.uint32) >> np.uint32(8)).astype(np.float64) * 2.0**-24
    return np.array([fused_uniform(x, lo, hi) for x in u.tolist()], dtype=np.float64)


@pytest.mark.skipif(torch.backends.cpu.get_cpu_capability() == "DEFAULT",
                    reason="torch's baseline CPU kernel (no AVX2) may not fuse the multiply-add")
@pytest.mark.parametrize("lo,hi,fusing_shows", [(-33.3, 21.7, True), (0.6, 1.4, True), (-0.1, 0.1, True),
                                                 (1000.3, 1000.9, False)])
def test_the_formula_is_torchs(lo, hi, fusing_shows):
    """torch.empty(1).uniform_(lo, hi) from a seed equals fused_uniform of the u that
    uniform_(0, 1) gives from the same seed (from 0 to 1 the formula returns u itself). Where
    `fusing_shows`, some of these draws differ from the unfused float32 lo + u * (hi - lo) (about
    half for the first range), so the test tells the two formulas apart; near 1000 they rarely do."""
    unfused_differs = 0
    for seed in range(400):
        torch.manual_seed(seed)
        u = torch.empty(1).uniform_(0, 1).item()
        torch.manual_seed(seed)
        drawn = torch.empty(1).uniform_(lo, hi).item()
        assert drawn == fused_uniform(u, lo, hi), (seed, u)
        lo32, hi32 = np.float32(lo), np.float32(hi)
        unfused_differs += drawn != float(lo32 + np.float32(u) * np.float32(hi32 - lo32))
    if fusing_shows:
        assert unfused_differs > 0


def both_paths(fn, **kw):
    """The batch (SIMD where the CPU has it) and the one-sample (scalar) results."""
    batch = fn(K, n=N, **kw)
    single = [fn(K, indices=[i], **kw) for i in range(0, N, 7)]
    return batch, single


def test_rotation_and_blur_follow_the_float32_formula():
    w = block_words(K, N, 0)[:, 0]
    batch, single = both_paths(S.rotation, degrees=(-33.3, 21.7))
    expected = float32_uniform(w, -33.3, 21.7)
    assert np.array_equal(batch["angle"].numpy(), expected)
    assert [float(s["angle"][0]) for s in single] == expected[::7].tolist()
    sigma = S.gaussian_blur(K, n=N, sigma=(0.13, 1.9))["sigma"]
    assert np.array_equal(sigma[:, 0].numpy(), float32_uniform(w, 0.13, 1.9))


@pytest.mark.parametrize("sizes", [False, True])
def test_affine_follows_the_float32_formula(sizes):
    hyper = dict(degrees=(-33.3, 21.7), translate=(0.37, 0.21), scale=(0.61, 1.7), shear=(-5.5, 3.1, -2.2, 7.7))
    if sizes:
        image_size = torch.tensor([[97 + i % 13, 131 + 3 * (i % 5)] for i in range(N)])
        H, W = image_size[:, 0].double().numpy(), image_size[:, 1].double().numpy()
    else:
        image_size = (97, 131)
        H, W = np.full(N, 97.0), np.full(N, 131.0)
    out = S.affine(K, n=N, image_size=image_size, **hyper)
    b0, b1 = block_words(K, N, 0), block_words(K, N, 1)
    assert np.array_equal(out["angle"].numpy(), float32_uniform(b0[:, 0], -33.3, 21.7))
    max_dx, max_dy = 0.37 * W, 0.21 * H  # float(translate * side), then rounded to float32 by uniform_
    tx = np.array([float32_uniform(b0[i:i + 1, 1], -max_dx[i], max_dx[i])[0] for i in range(N)])
    ty = np.array([float32_uniform(b0[i:i + 1, 2], -max_dy[i], max_dy[i])[0] for i in range(N)])
    assert np.array_equal(out["translate"][:, 0].numpy(), np.round(tx).astype(np.int64))  # half to even
    assert np.array_equal(out["translate"][:, 1].numpy(), np.round(ty).astype(np.int64))
    assert np.array_equal(out["scale"].numpy(), float32_uniform(b0[:, 3], 0.61, 1.7))
    assert np.array_equal(out["shear"][:, 0].numpy(), float32_uniform(b1[:, 0], -5.5, 3.1))
    assert np.array_equal(out["shear"][:, 1].numpy(), float32_uniform(b1[:, 1], -2.2, 7.7))
    for i in range(0, N, 7):  # the scalar path
        one = S.affine(K, indices=[i], image_size=image_size[i:i + 1] if sizes else image_size, **hyper)
        for key in out:
            assert torch.equal(one[key][0], out[key][i]), (i, key)


def test_color_jitter_and_photometric_distort_follow_the_float32_formula():
    ranges = [(0.6, 1.4), (0.2, 1.8), (0.0, 2.0), (-0.1, 0.3)]
    out = S.color_jitter(K, n=N, brightness=ranges[0], contrast=ranges[1], saturation=ranges[2], hue=ranges[3])
    words = block_words(K, N, 1)
    for k, name in enumerate(("brightness", "contrast", "saturation", "hue")):
        assert np.array_equal(out[f"{name}_factor"].numpy(), float32_uniform(words[:, k], *ranges[k])), name
    d = S.photometric_distort(K, n=N, p=1.0, brightness=ranges[0], contrast=ranges[1], saturation=ranges[2],
                              hue=ranges[3])
    for k, name in enumerate(("brightness", "contrast", "saturation", "hue")):
        assert np.array_equal(d[f"{name}_factor"].numpy(), float32_uniform(words[:, k], *ranges[k])), name


def _tv_params(transform, image):
    torch.manual_seed(0)
    return transform.make_params([image])


IMAGE = torch.randint(0, 256, (3, 41, 53), dtype=torch.uint8, generator=torch.Generator().manual_seed(3))

ONE_VALUE = [  # (class name, keyword arguments, parameter keys that are fixed)
    ("RandomRotation", dict(degrees=(10.1, 10.1)), ["angle"]),
    ("RandomAffine", dict(degrees=(10.1, 10.1), scale=(1.1, 1.1), shear=(3.3, 3.3, 4.4, 4.4)),
     ["angle", "translate", "scale", "shear"]),
    ("ColorJitter", dict(brightness=(1.1, 1.1), contrast=(0.7, 0.7), saturation=(1.3, 1.3), hue=(0.1, 0.1)),
     ["brightness_factor", "contrast_factor", "saturation_factor", "hue_factor"]),
    ("RandomPhotometricDistort", dict(p=1.0, brightness=(1.1, 1.1), contrast=(0.7, 0.7), saturation=(1.3, 1.3),
                                      hue=(0.1, 0.1)),
     ["brightness_factor", "contrast_factor", "saturation_factor", "hue_factor"]),
    ("GaussianBlur", dict(kernel_size=5, sigma=(0.7, 0.7)), ["sigma"]),
]


@pytest.mark.parametrize("name,kw,keys", ONE_VALUE, ids=[c[0] for c in ONE_VALUE])
def test_one_value_ranges_give_torchvisions_values(name, kw, keys):
    """float32(1.1) = 1.100000023841858, as torchvision's make_params returns it."""
    tv = _tv_params(getattr(V, name)(**kw), IMAGE)
    ours = getattr(T, name)(**kw).sample_params(IMAGE, generator=K)
    for key in keys:
        assert ours[key] == tv[key], key


@pytest.mark.parametrize("name,kw", [
    ("RandomRotation", dict(degrees=(10.1, 10.1))),
    ("RandomAffine", dict(degrees=(10.1, 10.1), scale=(1.1, 1.1), shear=(3.3, 3.3, 4.4, 4.4))),
    ("ColorJitter", dict(brightness=(1.1, 1.1))),  # one factor: the order does not matter
    ("GaussianBlur", dict(kernel_size=5, sigma=(0.7, 0.7))),
])
def test_one_value_ranges_give_torchvisions_pixels(name, kw):
    torch.manual_seed(0)
    expected = getattr(V, name)(**kw)(IMAGE)
    assert torch.equal(getattr(T, name)(**kw)(IMAGE, generator=K), expected)


@pytest.mark.parametrize("call,name", [
    (lambda: S.rotation(K, n=1, degrees=1e39), "degrees"),
    (lambda: S.rotation(K, n=1, degrees=(-3e38, 3e38)), "degrees"),  # the width overflows float32
    (lambda: S.affine(K, n=1, image_size=(8, 8), degrees=0, scale=(1.0, 1e39)), "scale"),
    (lambda: S.affine(K, n=1, image_size=(8, 8), degrees=0, shear=(0, 0, -1e39, 0)), "shear"),
    (lambda: S.color_jitter(K, n=1, brightness=(0.0, 1e39)), "brightness"),
    (lambda: S.photometric_distort(K, n=1, contrast=(0.5, 1e39)), "contrast"),
    (lambda: S.gaussian_blur(K, n=1, sigma=(0.1, 1e39)), "sigma"),
])
def test_ranges_beyond_float32_are_rejected(call, name):
    """torch's uniform_ rejects them on a float32 tensor (torchvision fails in make_params); a clear
    error naming the argument, not inf or NaN parameters."""
    with pytest.raises(ValueError, match=name):
        call()


def test_the_native_op_rejects_ranges_beyond_float32():
    from torchrng.sample import _geometry as G

    with pytest.raises(RuntimeError, match="float32"):
        torch.ops.torchrng.sample_rows(torch.empty(1, 1, dtype=torch.float64), G.ROTATION, [0.0, 1e39], [8, 8], None,
                                       None, [0, 0, 0, 0])

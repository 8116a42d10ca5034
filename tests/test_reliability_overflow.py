"""Overflow: sample indices near 2**64 and past 2**32 (samplers and raw fills), image areas past
2**31 and fills of more than 2**31 elements.

The index arithmetic is checked against values computed independently: the raw Philox op
(torchrng.philox4x32_10, one block per counter, no tiling and no SIMD) and the definition of the
stream layout in docs/streams.md.
"""

from __future__ import annotations

import pytest
import torch

import torchrng
from torchrng import _C
from torchrng import sample as S
from torchrng.sample import _geometry as G
from torchrng.sample import _ids as ids

K = torchrng.key(2024)
U64 = 2**64
DEVICES = ("cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda))


def philox_words(key, counters):
    """Philox blocks for a list of (c0, c1, c2, c3) counters, through the plain op."""
    c = torch.tensor(counters, dtype=torch.int64)
    k = torch.tensor([key.words] * len(counters), dtype=torch.int64)
    return torchrng.philox4x32_10(c, k).tolist()


def fill_reference_uniform(key, start, n, dtype=torch.float32):
    """uniform(0, 1) values of a fill of n elements from sample index `start` (docs/streams.md):
    element e is lane e % P of the block at counter [0, 0, lo(s), hi(s)], s = (start + e // P)
    mod 2**64; float32 u = (w >> 8) * 2**-24 (P = 4), float64 u = top 53 bits of w1:w0 * 2**-53
    (P = 2)."""
    per_block = 2 if dtype == torch.float64 else 4
    groups = [(start + e // per_block) % U64 for e in range(n)]
    blocks = philox_words(key, [(0, 0, g & 0xFFFFFFFF, g >> 32) for g in groups])
    if per_block == 4:
        values = [(b[e % 4] >> 8) * 2.0**-24 for e, b in enumerate(blocks)]
    else:
        values = [((b[2 * (e % 2) + 1] << 32 | b[2 * (e % 2)]) >> 11) * 2.0**-53 for e, b in enumerate(blocks)]
    return torch.tensor(values, dtype=dtype)


# --- raw fills: sample indices wrap modulo 2**64 ---------------------------------------------------

FILLS = {  # name: (draw(n, generator, device), values per block)
    "uniform32": (lambda n, g, d: torchrng.uniform(n, generator=g, device=d), 4),
    "uniform64": (lambda n, g, d: torchrng.uniform(n, generator=g, device=d, dtype=torch.float64), 2),
    "half": (lambda n, g, d: torchrng.uniform(n, -2.0, 2.0, generator=g, device=d, dtype=torch.float16), 4),
    "normal32": (lambda n, g, d: torchrng.normal(n, generator=g, device=d), 4),
    "normal64": (lambda n, g, d: torchrng.normal(n, generator=g, device=d, dtype=torch.float64), 2),
    "bernoulli": (lambda n, g, d: torchrng.bernoulli(0.3, n, generator=g, device=d, dtype=torch.uint8), 4),
    "randint": (lambda n, g, d: torchrng.randint(-(2**40), 2**40, n, generator=g, device=d), 1),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("fill", sorted(FILLS))
@pytest.mark.parametrize("before", [1, 2, 3, 5, 64, 300])
def test_fill_wraps_at_2_64(device, fill, before):
    """A torchrng.Generator `before` sample indices short of 2**64: the elements past the wrap are
    those of the key's stream from index 0; a call takes ceil(n / P) whole indices, so two calls
    split at a multiple of P equal one call, and any other split starts the second call at the
    next whole index."""
    draw, per_block = FILLS[fill]
    total = per_block * before + 700  # a tile of 256 blocks and more on both sides
    start = U64 - before
    whole = draw(total, torchrng.Generator(K, index=start), device)
    assert torch.equal(whole[per_block * before:], draw(total - per_block * before, K, device))
    for cut in sorted({0, 1, 2, 3, per_block * before - 1, per_block * before, total // 2, total}):
        if not 0 <= cut <= total:
            continue
        g = torchrng.Generator(K, index=start)
        first, second = draw(cut, g, device), draw(total - cut, g, device)
        taken = -(-cut // per_block)
        assert torch.equal(first, whole[:cut]), f"split at {cut}"
        assert torch.equal(second, draw(total - cut, torchrng.Generator(K, index=(start + taken) % U64), device))
        if cut % per_block == 0:
            assert torch.equal(second, whole[cut:]), f"split at {cut}"
        assert g.index == (start + taken + -(-(total - cut) // per_block)) % U64


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("center", [2**32, 2**33, 2**62 - 8, 2**63, 2**64 - 2**32, 2**64 - 150])
def test_fill_index_arithmetic(device, dtype, center):
    """Sample indices on both sides of a 2**32 boundary (the index's low word carrying into its
    high word) and of 2**64, through the tiled SIMD path, against the plain Philox op."""
    start = (center - 153) % U64
    n = 1300
    out = torchrng.uniform(n, generator=torchrng.Generator(K, index=start), device=device, dtype=dtype).cpu()
    assert torch.equal(out, fill_reference_uniform(K, start, n, dtype))


# --- samplers: sample indices wrap modulo 2**64 --------------------------------------------------------

SAMPLER_CALLS = {
    "resized_crop": lambda g, **kw: S.resized_crop(g, image_size=(480, 640), **kw),
    "crop": lambda g, **kw: S.crop(g, image_size=(480, 640), size=100, **kw),
    "affine": lambda g, **kw: S.affine(g, image_size=(480, 640), degrees=30, translate=(0.1, 0.2), scale=(0.5, 2),
                                       shear=(-10, 10, -5, 5), **kw),
    "perspective": lambda g, **kw: S.perspective(g, image_size=(480, 640), **kw),
    "color_jitter": lambda g, **kw: S.color_jitter(g, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1, **kw),
    "erasing": lambda g, **kw: S.erasing(g, image_size=(64, 64), p=0.7, **kw),
    "augmix": lambda g, **kw: S.augmix(g, image_size=(32, 32), **kw),
    "mixup": lambda g, **kw: S.mixup(g, per_sample=True, **kw),
    "cutmix": lambda g, **kw: S.cutmix(g, image_size=(32, 32), per_sample=True, **kw),
    "rand_augment": lambda g, **kw: S.rand_augment(g, image_size=(32, 32), num_ops=5, **kw),
    "channel_permutation": lambda g, **kw: S.channel_permutation(g, num_channels=30, **kw),
    "elastic": lambda g, **kw: S.elastic(g, image_size=(9, 7), **kw),
    "gaussian_noise": lambda g, **kw: S.gaussian_noise(g, image_size=(5, 3), **kw),
}


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", sorted(SAMPLER_CALLS))
def test_sampler_indices_wrap_at_2_64(device, name):
    """Generator at 2**64 - 3, n = 200: rows 0-2 are samples 2**64-3 .. 2**64-1, row 3 on are
    samples 0, 1, ...; the same as explicit indices (as ints and as int64 tensors), and the rows
    past the wrap equal the batch of a Key from 0. Crosses the CPU tile boundaries too."""
    call = SAMPLER_CALLS[name]
    n = 200
    g = torchrng.Generator(K, index=U64 - 3)
    batch = call(g, n=n, device=device)
    assert g.index == n - 3
    idx = [(U64 - 3 + i) % U64 for i in range(n)]
    explicit = call(K, indices=idx, device=device)
    signed = call(K, indices=torch.tensor([i - U64 if i >= 2**63 else i for i in idx]), device=device)
    fresh = call(K, n=n - 3, device=device)
    for key in batch:
        assert torch.equal(batch[key], explicit[key]), key
        assert torch.equal(batch[key], signed[key]), key
        assert torch.equal(batch[key][3:], fresh[key]), key


@pytest.mark.parametrize("index", [2**63 - 1, 2**63, 2**64 - 1, 2**32 - 1, 2**32])
def test_drop_in_at_extreme_indices(index):
    """A drop-in called with Generator(K, index=i) draws what the batched sampler gives sample i."""
    import torchrng.transforms as T

    image = torch.zeros(3, 480, 640, dtype=torch.uint8)
    t = T.RandomResizedCrop(32)
    params = t.sample_params(image, generator=torchrng.Generator(K, index=index))
    batch = S.resized_crop(K, indices=[index], image_size=(480, 640))
    assert params == {k: int(v[0]) for k, v in batch.items()}


# --- image sizes whose area exceeds 2**31 ------------------------------------------------------------

BIG = [(65536, 65536), (2**31 - 1, 2**31 - 1), (1, 2**31 - 1), (2**31 - 1, 1), (46341, 46341), (3, 2**30 + 7)]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("size", BIG)
def test_geometry_on_huge_images(device, size):
    """resized_crop, crop, affine, perspective, zoom_out, erasing, cutmix, iou_crop on images of
    more than 2**31 pixels: every parameter in range for the image, and the same values as the
    drop-ins' scalar path (_C.sample_one)."""
    H, W = size
    n = 300
    rc = S.resized_crop(K, n=n, image_size=size, device=device)
    assert bool((rc["top"] >= 0).all()) and bool((rc["top"] + rc["height"] <= H).all())
    assert bool((rc["left"] >= 0).all()) and bool((rc["left"] + rc["width"] <= W).all())
    assert bool((rc["height"] >= 1).all()) and bool((rc["width"] >= 1).all())
    area = rc["height"].double() * rc["width"].double()
    assert bool((area <= 1.0000001 * H * W).all())

    c = S.crop(K, n=n, image_size=size, size=(min(H, 1000), min(W, 1000)), device=device)
    assert bool((c["top"] >= 0).all()) and bool((c["top"] + c["height"] <= H).all())
    assert bool((c["left"] >= 0).all()) and bool((c["left"] + c["width"] <= W).all())

    a = S.affine(K, n=n, image_size=size, degrees=10, translate=(0.5, 0.5), device=device)
    assert bool((a["translate"][:, 0].abs() <= W // 2 + 1).all())
    assert bool((a["translate"][:, 1].abs() <= H // 2 + 1).all())

    p = S.perspective(K, n=n, image_size=size, distortion_scale=0.9, device=device)
    e = p["endpoints"]
    assert bool((e[..., 0] >= 0).all()) and bool((e[..., 0] <= W - 1).all())
    assert bool((e[..., 1] >= 0).all()) and bool((e[..., 1] <= H - 1).all())
    assert bool(p["coefficients"].isfinite().all())

    z = S.zoom_out(K, n=n, image_size=size, side_range=(1.0, 4.0), device=device)
    assert bool((z["padding"] >= 0).all())
    assert bool((z["padding"][:, 0] + z["padding"][:, 2] <= 3 * W).all())

    er = S.erasing(K, n=n, image_size=size, device=device)
    f = er["found"]
    assert bool((er["i"][f] + er["h"][f] <= H).all()) and bool((er["j"][f] + er["w"][f] <= W).all())

    cm = S.cutmix(K, n=n, image_size=size, per_sample=True, device=device)
    assert bool((cm["lam_adjusted"] >= 0).all()) and bool((cm["lam_adjusted"] <= 1).all())
    assert bool((cm["box"][:, 2] <= W).all()) and bool((cm["box"][:, 3] <= H).all())

    boxes = [torch.tensor([[0.0, 0.0, W / 2, H / 2], [W / 4, H / 4, W, H]], dtype=torch.float64)] * 8
    iou = S.iou_crop(K, n=8, image_size=size, boxes=boxes, device=device)
    ok = iou["apply"]
    assert bool((iou["top"][ok] + iou["height"][ok] <= H).all())
    assert bool((iou["left"][ok] + iou["width"][ok] <= W).all())

    # the drop-ins' scalar path gives the same rows
    if device == "cpu":
        hyper = G.resized_crop_hyper()
        for i in (0, 1, 157, n - 1):
            row = _C.sample_one(G.RESIZED_CROP, tuple(hyper), H, W, *K.words, i, 0)
            assert row == tuple(int(rc[k][i]) for k in ("top", "left", "height", "width"))
        row = _C.sample_one(ids.CUTMIX, (1.0,), H, W, *K.words, 5, 0)
        assert row[4] == float(cm["lam_adjusted"][5]) and row[:4] == tuple(float(x) for x in cm["box"][5])


@pytest.mark.parametrize("size", [(2**31, 5), (5, 2**31), (2**40, 2**40), (2**62, 1)])
def test_image_sides_from_2_31_are_rejected(size):
    """Sides of 2**31 and more are a clear error (every size a sampler derives then fits int64)."""
    with pytest.raises(ValueError, match="image_size"):
        S.resized_crop(K, n=1, image_size=size)
    with pytest.raises(ValueError, match="image_size"):
        S.cutmix(K, n=1, image_size=torch.tensor([size]))
    with pytest.raises(RuntimeError, match="image_size"):
        torch.ops.torchrng.sample_rows(torch.empty(1, 4, dtype=torch.int64), G.RESIZED_CROP,
                                       G.resized_crop_hyper(), list(size), None, None, [0, 0, 0, 0])
    with pytest.raises(RuntimeError, match="sizes"):
        torch.ops.torchrng.sample_rows(torch.empty(1, 4, dtype=torch.int64), G.RESIZED_CROP,
                                       G.resized_crop_hyper(), [], torch.tensor([size]), None, [0, 0, 0, 0])
    with pytest.raises(ValueError, match="image size"):
        _C.sample_one(G.RESIZED_CROP, tuple(G.resized_crop_hyper()), size[0], size[1], 0, 0, 0, 0)


@pytest.mark.parametrize("size", [(1, 2**31 - 1), (2**31 - 1, 1), (2**31 - 1, 2**31 - 1)])
def test_scaled_sizes_fit_int64(size):
    """The samplers that scale the image (shortest_size, scale_jitter, zoom_out) at the largest
    sides and hyperparameters allowed: every size positive and far from the int64 limits."""
    n = 64
    for out in (S.shortest_size(K, n=n, image_size=size, min_size=[2**31 - 1, 1]),
                S.scale_jitter(K, n=n, image_size=size, target_size=(2**31 - 1, 2**31 - 1), scale_range=(1, 2**31)),
                {"size": S.zoom_out(K, n=n, image_size=size, side_range=(1.0, 2**31))["padding"]}):
        assert bool((out["size"] >= 0).all()) and int(out["size"].max()) < 2**63 - 2**40
    with pytest.raises(ValueError, match="side_range"):
        S.zoom_out(K, n=1, image_size=size, side_range=(1.0, 2**31 + 1))
    with pytest.raises(ValueError, match="target_size"):
        S.scale_jitter(K, n=1, image_size=size, target_size=(1e300, 1e300))
    with pytest.raises(ValueError, match="min_size"):
        S.shortest_size(K, n=1, image_size=size, min_size=2**31)


# --- fills of more than 2**31 elements -----------------------------------------------------------------


def _bernoulli_reference(key, p, elements):
    """Element e of a bernoulli fill from a Key is lane e % 4 of sample index e // 4."""
    groups = [e // 4 for e in elements]
    blocks = philox_words(key, [(0, 0, g & 0xFFFFFFFF, g >> 32) for g in groups])
    return [int(b[e % 4] * 2.0**-32 < p) for b, e in zip(blocks, elements)]


@pytest.mark.slow
def test_bernoulli_past_2_31_elements():
    """A uint8 bernoulli of 2**31 + 5 elements (2 GiB): the elements around 2**31 and at the end hold
    the values of their global element index (64-bit loop indices in the CPU kernel)."""
    n = 2**31 + 5
    p = 0.5
    out = torchrng.bernoulli(p, n, generator=K, dtype=torch.uint8)
    probe = [0, 1, 2**31 - 3, 2**31 - 2, 2**31 - 1, 2**31, 2**31 + 1, 2**31 + 4, 2**32 // 3]
    probe = [e for e in probe if e < n]
    assert out[probe].tolist() == _bernoulli_reference(K, p, probe)
    assert (n - 37) % 4 == 0  # the last 37 elements start a block: sample index (n - 37) / 4
    tail = torchrng.bernoulli(p, 37, generator=torchrng.Generator(K, index=(n - 37) // 4), dtype=torch.uint8)
    assert torch.equal(out[-37:], tail)
    del out


def test_per_index_ops_past_2_32_samples():
    """The per-sample ops (gamma, beta: a fixed number of blocks per sample index) at sample
    indices across 2**32 and 2**64: one call equals two calls of the same generator."""
    for start in (2**32 - 500, 2**64 - 500):
        for fn in (lambda n, g: torchrng.gamma(2.0, n, generator=g), lambda n, g: torchrng.beta(0.5, 2.0, n, generator=g)):
            out = fn(1000, torchrng.Generator(K, index=start))
            g = torchrng.Generator(K, index=start)
            assert torch.equal(out, torch.cat([fn(500, g), fn(500, g)]))
            if start > 2**63:
                assert torch.equal(out[500:], fn(500, K))

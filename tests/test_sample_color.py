"""Photometric samplers against torchvision's own make_params (ColorJitter, RandomPhotometricDistort,
RandomChannelPermutation, GaussianBlur, JPEG), the p gates, and GaussianNoise against torchvision's
kernel: two-sample tests at ALPHA (distribution.py) over N_TORCHVISION torchvision draws per case."""

import itertools
import math

import pytest
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2 as T
from torchvision.transforms.v2 import functional as F

import torchrng
from torchrng import sample as S

from distribution import N_TORCHVISION, same_distribution, same_rate

K = torchrng.key(21)


def tv_params(transform, channels=3, size=(8, 8), n=N_TORCHVISION, seed=0):
    torch.manual_seed(seed)
    inputs = [tv_tensors.Image(torch.empty(channels, *size, dtype=torch.uint8))]
    return [transform.make_params(inputs) for _ in range(n)]


def perm_code(perms):
    """Each permutation (a row) as one integer: its rank among all permutations of its length."""
    perms = perms.tolist() if isinstance(perms, torch.Tensor) else [list(map(int, p)) for p in perms]
    codes = []
    for p in perms:
        rest, code = sorted(p), 0
        for x in p:
            k = rest.index(x)
            code = code * len(rest) + k
            rest.pop(k)
        codes.append(code)
    return codes


def factor_column(params, key):
    return [math.nan if p[key] is None else p[key] for p in params]


def same_optional(ours, theirs, what):
    """Same rate of None (NaN here), same distribution of the values that are set."""
    theirs = torch.tensor(theirs, dtype=torch.float64)
    ours_set, theirs_set = ~torch.isnan(ours), ~torch.isnan(theirs)
    same_distribution(ours_set, theirs_set, what=f"{what} set")
    if theirs_set.any():
        same_distribution(ours[ours_set], theirs[theirs_set], what=what)


JITTER_CASES = [
    {"brightness": 0.4, "contrast": 0.4, "saturation": 0.4, "hue": 0.1},
    {"brightness": (0.2, 1.9), "hue": (-0.5, 0.2)},
    {"contrast": 0.0, "saturation": 2.5},  # contrast=0 collapses to None
]


@pytest.mark.parametrize("kw", JITTER_CASES)
def test_color_jitter_matches_torchvision(kw):
    theirs = tv_params(T.ColorJitter(**kw))
    ours = S.color_jitter(K, n=N_TORCHVISION, **kw)
    same_distribution(perm_code(ours["fn_idx"]), perm_code([p["fn_idx"] for p in theirs]), what="fn_idx")
    for key in ("brightness_factor", "contrast_factor", "saturation_factor", "hue_factor"):
        if theirs[0][key] is None:
            assert torch.isnan(ours[key]).all(), key
        else:
            same_distribution(ours[key], [p[key] for p in theirs], what=key)
    assert sorted(ours["fn_idx"][0].tolist()) == [0, 1, 2, 3]


@pytest.mark.parametrize("channels,p", [(3, 0.5), (1, 0.9), (5, 0.2)])
def test_photometric_distort_matches_torchvision(channels, p):
    kw = {"brightness": (0.5, 1.5), "hue": (-0.2, 0.1), "p": p}
    theirs = tv_params(T.RandomPhotometricDistort(**kw), channels=channels)
    ours = S.photometric_distort(K, n=N_TORCHVISION, num_channels=channels, **kw)
    for key in ("brightness_factor", "contrast_factor", "saturation_factor", "hue_factor"):
        same_optional(ours[key], factor_column(theirs, key), key)
    same_distribution(ours["contrast_before"], [p["contrast_before"] for p in theirs], what="contrast_before")
    permuted = [p["channel_permutation"] for p in theirs if p["channel_permutation"] is not None]
    same_distribution(ours["apply_channel_permutation"], [p["channel_permutation"] is not None for p in theirs],
                      what="channel permutation gate")
    a = ours["apply_channel_permutation"]
    if channels > 1:
        same_distribution(perm_code(ours["channel_permutation"][a]), perm_code(permuted), what="permutation")
    identity = torch.arange(channels).expand(int((~a).sum()), -1)
    assert torch.equal(ours["channel_permutation"][~a], identity)


@pytest.mark.parametrize("channels", [1, 3, 4, 25])
def test_channel_permutation_matches_torchvision(channels):
    theirs = torch.stack([p["permutation"] for p in tv_params(T.RandomChannelPermutation(), channels=channels)])
    ours = S.channel_permutation(K, n=N_TORCHVISION, num_channels=channels)["permutation"]
    assert (ours.sort(dim=1).values == torch.arange(channels)).all()
    if channels <= 4:
        same_distribution(perm_code(ours), perm_code(theirs), what=f"randperm({channels})")
    else:  # 25! permutations: compare where each position's value goes, and pairs of positions
        for j in (0, 12, 24):
            same_distribution(ours[:, j], theirs[:, j], what=f"randperm({channels}) position {j}")
        same_distribution(ours[:, 3] * channels + ours[:, 21], theirs[:, 3] * channels + theirs[:, 21],
                          what="position pair")


GATES = [
    (S.grayscale, {}), (S.invert, {}), (S.posterize, {"bits": 4}), (S.solarize, {"threshold": 128}),
    (S.adjust_sharpness, {"sharpness_factor": 2.0}), (S.autocontrast, {}), (S.equalize, {}),
]


@pytest.mark.parametrize("fn,kw", GATES, ids=lambda x: getattr(x, "__name__", ""))
def test_p_gates(fn, kw):
    for p in (0.0, 0.3, 1.0):
        apply = fn(K, n=30_000, p=p, **kw)["apply"]
        assert apply.dtype == torch.bool
        same_rate(int(apply.sum()), apply.numel(), p, what=f"{fn.__name__} p={p}")


def test_grayscale_reports_channels_and_default_p():
    out = S.grayscale(K, n=30_000, num_channels=1)
    assert (out["num_input_channels"] == 1).all()
    same_rate(int(out["apply"].sum()), 30_000, 0.1, what="grayscale default p")
    theirs = T.RandomGrayscale().make_params([tv_tensors.Image(torch.empty(1, 4, 4))])
    assert set(theirs) | {"apply"} == set(out)


@pytest.mark.parametrize("sigma", [(0.1, 2.0), 1.5, (0.5, 0.5), [3.0]])
def test_gaussian_blur_matches_torchvision(sigma):
    theirs = tv_params(T.GaussianBlur(5, sigma=sigma))
    ours = S.gaussian_blur(K, n=N_TORCHVISION, kernel_size=5, sigma=sigma)["sigma"]
    assert torch.equal(ours[:, 0], ours[:, 1])
    same_distribution(ours[:, 0], [p["sigma"][0] for p in theirs], what="blur sigma")


@pytest.mark.parametrize("quality", [(5, 50), 75, (1, 100), [99, 100]])
def test_jpeg_matches_torchvision(quality):
    theirs = tv_params(T.JPEG(quality))
    ours = S.jpeg(K, n=N_TORCHVISION, quality=quality)["quality"]
    same_distribution(ours, [p["quality"] for p in theirs], what="jpeg quality")
    q = (quality, quality) if isinstance(quality, int) else quality
    assert ours.min() >= q[0] and ours.max() <= q[1]


@pytest.mark.parametrize("dtype,mean,sigma", [(torch.float32, 0.0, 0.1), (torch.float64, 0.3, 2.0),
                                              (torch.uint8, 0.0, 0.02), (torch.uint8, 0.1, 0.05)])
def test_gaussian_noise_matches_torchvision_kernel(dtype, mean, sigma):
    shape = (3, 20, 30)  # 1800 values per image, N_TORCHVISION values compared per position set
    n = N_TORCHVISION // (shape[0] * shape[1] * shape[2]) + 1
    torch.manual_seed(0)
    if dtype == torch.uint8:
        base = torch.full((n, *shape), 128, dtype=torch.uint8)
        theirs = F.gaussian_noise(base, mean=mean, sigma=sigma, clip=False).to(torch.int16) - 128
    else:
        base = torch.zeros((n, *shape), dtype=dtype)
        theirs = F.gaussian_noise(base, mean=mean, sigma=sigma, clip=False)
    ours = S.gaussian_noise(K, n=n, image_size=shape[1:], num_channels=shape[0], mean=mean, sigma=sigma,
                            dtype=dtype)["noise"]
    assert ours.shape == theirs.shape and ours.dtype == (torch.int16 if dtype == torch.uint8 else dtype)
    same_distribution(ours.flatten()[:N_TORCHVISION], theirs.flatten()[:N_TORCHVISION], what="noise values")
    # independence: neighbouring elements and samples are uncorrelated
    x = ours.double()
    x = (x - x.mean()) / x.std()
    for a, b in ((x[:, :, :, :-1], x[:, :, :, 1:]), (x[:-1], x[1:]), (x[:, :-1], x[:, 1:])):
        assert abs(float((a * b).mean())) < 5 / math.sqrt(a.numel())


def test_gaussian_noise_layout_and_parity():
    whole = S.gaussian_noise(K, n=5, image_size=(7, 9), num_channels=2)["noise"]
    assert torch.equal(S.gaussian_noise(K, indices=[3], image_size=(7, 9), num_channels=2)["noise"][0], whole[3])
    g = torchrng.Generator(K)
    halves = [S.gaussian_noise(g, n=n, image_size=(7, 9), num_channels=2)["noise"] for n in (2, 3)]
    assert torch.equal(torch.cat(halves), whole)
    # a sample's first values do not depend on the image size (element e of its own stream)
    small = S.gaussian_noise(K, n=5, image_size=(1, 5), num_channels=1)["noise"]
    assert torch.equal(small.flatten(1), whole.flatten(1)[:, :5])
    for dtype in (torch.float16, torch.bfloat16):
        low = S.gaussian_noise(K, n=5, image_size=(7, 9), num_channels=2, dtype=dtype)["noise"]
        assert low.dtype == dtype and torch.allclose(low.double(), whole.double(), atol=0.002)
    wide = S.gaussian_noise(K, n=1, image_size=(1, 1), sigma=1e6, dtype=torch.uint8)["noise"]
    assert wide.dtype == torch.int16  # clamped into int16, no overflow


BAD = [
    (lambda: S.color_jitter(K, n=1, brightness=-0.1), ValueError, "brightness"),
    (lambda: S.color_jitter(K, n=1, hue=0.6), ValueError, "hue"),
    (lambda: S.color_jitter(K, n=1, contrast=(1.5, 0.5)), ValueError, "contrast"),
    (lambda: S.color_jitter(K, n=1, saturation=(1, 2, 3)), TypeError, "saturation"),
    (lambda: S.color_jitter(K, n=1, brightness="x"), TypeError, "brightness"),
    (lambda: S.color_jitter(K, n=1, brightness=(0.5, math.nan)), ValueError, "brightness"),
    (lambda: S.photometric_distort(K, n=1, hue=(-0.7, 0.0)), ValueError, "hue"),
    (lambda: S.photometric_distort(K, n=1, contrast=0.5), TypeError, "contrast"),
    (lambda: S.photometric_distort(K, n=1, p=1.5), ValueError, "`p`"),
    (lambda: S.photometric_distort(K, n=1, num_channels=0), ValueError, "num_channels"),
    (lambda: S.channel_permutation(K, n=1, num_channels=2.0), TypeError, "num_channels"),
    (lambda: S.invert(K, n=1, p=-0.5), ValueError, "`p`"),
    (lambda: S.posterize(K, n=1, bits=9), TypeError, "bits"),
    (lambda: S.adjust_sharpness(K, n=1, sharpness_factor=-1.0), ValueError, "sharpness_factor"),
    (lambda: S.solarize(K, n=1, threshold="high"), TypeError, "threshold"),
    (lambda: S.gaussian_blur(K, n=1, sigma=(2.0, 1.0)), ValueError, "sigma"),
    (lambda: S.gaussian_blur(K, n=1, sigma=0.0), ValueError, "sigma"),
    (lambda: S.gaussian_blur(K, n=1, sigma=(1, 2, 3)), ValueError, "sigma"),
    (lambda: S.gaussian_blur(K, n=1, kernel_size=4), ValueError, "Kernel size"),
    (lambda: S.jpeg(K, n=1, quality=0), ValueError, "quality"),
    (lambda: S.jpeg(K, n=1, quality=True), TypeError, "bool"),
    (lambda: S.jpeg(K, n=1, quality=(50, 20)), ValueError, "quality"),
    (lambda: S.jpeg(K, n=1, quality=(1, 2, 3)), ValueError, "quality"),
    (lambda: S.gaussian_noise(K, n=1, image_size=(4, 4), sigma=-0.1), ValueError, "sigma"),
    (lambda: S.gaussian_noise(K, n=1, image_size=(4, 4), dtype=torch.int32), ValueError, "dtype"),
    (lambda: S.gaussian_noise(K, n=1), TypeError, "image_size"),
    (lambda: S.gaussian_noise(K, n=2, image_size=torch.tensor([[4, 4], [5, 5]])), ValueError, "one"),
]


@pytest.mark.parametrize("call,exc,match", BAD)
def test_bad_arguments_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_torchvision_rejects_the_same_jitter_values():
    for kw in ({"brightness": -0.1}, {"hue": 0.6}, {"contrast": (1.5, 0.5)}, {"saturation": (1, 2, 3)}):
        with pytest.raises((ValueError, TypeError)):
            T.ColorJitter(**kw)
        with pytest.raises((ValueError, TypeError)):
            S.color_jitter(K, n=1, **kw)


def test_every_permutation_of_four_occurs():
    codes = perm_code(S.color_jitter(K, n=2000)["fn_idx"])
    assert sorted(set(codes)) == list(range(24))
    assert len(list(itertools.permutations(range(4)))) == 24

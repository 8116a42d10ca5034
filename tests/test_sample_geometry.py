"""Geometry samplers against torchvision's own make_params: same distribution for every output
key (two-sample tests at ALPHA over N_TORCHVISION torchvision draws per case), validity,
batch-vs-single parity, variable sizes, errors."""

import math

import pytest
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2 as T

import torchrng
from torchrng import sample as S

from distribution import ALPHA, N_TORCHVISION, same_distribution, same_rate

K = torchrng.key(7)


def tv_params(transform, size, n=N_TORCHVISION, extra=(), seed=0):
    torch.manual_seed(seed)
    inputs = [tv_tensors.Image(torch.empty(3, *size, dtype=torch.uint8)), *extra]
    return [transform.make_params(inputs) for _ in range(n)]


def column(params, key, index=None):
    vals = [p[key] if index is None else p[key][index] for p in params]
    return torch.tensor(vals, dtype=torch.float64)


RRC_CASES = [
    ((224, 224), {}),
    ((100, 300), {"scale": (0.5, 1.0), "ratio": (0.5, 2.0)}),
    ((64, 64), {"scale": (5.0, 6.0)}),  # every attempt fails: central crop fallback
    ((30, 300), {"ratio": (10.0, 20.0)}),  # extreme ratio: fallbacks fire often
    ((1, 1), {}),
    ((1, 500), {}),  # very thin image
    ((50, 50), {"scale": (0.99, 1.0), "ratio": (0.99, 1.01)}),
]


@pytest.mark.parametrize("size,kw", RRC_CASES)
def test_resized_crop_matches_torchvision(size, kw):
    theirs = tv_params(T.RandomResizedCrop(8, **kw), size)
    ours = S.resized_crop(K, n=N_TORCHVISION, image_size=size, **kw)
    for key in ("top", "left", "height", "width"):
        same_distribution(ours[key], column(theirs, key), what=f"resized_crop {key}")
    H, W = size
    assert (ours["top"] >= 0).all() and (ours["top"] + ours["height"] <= H).all()
    assert (ours["left"] >= 0).all() and (ours["left"] + ours["width"] <= W).all()
    assert (ours["height"] >= 1).all() and (ours["width"] >= 1).all()


CROP_CASES = [
    ((64, 80), {"size": 32}),
    ((64, 80), {"size": (64, 40)}),
    ((64, 80), {"size": (64, 80)}),
    ((30, 30), {"size": 32, "padding": 4}),
    ((20, 50), {"size": (40, 40), "pad_if_needed": True}),
    ((20, 50), {"size": (24, 30), "padding": (1, 2, 3, 4), "pad_if_needed": True}),
]


@pytest.mark.parametrize("size,kw", CROP_CASES)
def test_crop_matches_torchvision(size, kw):
    theirs = tv_params(T.RandomCrop(**kw), size)
    ours = S.crop(K, n=N_TORCHVISION, image_size=size, **kw)
    for key in ("needs_crop", "top", "left", "height", "width", "needs_pad"):
        same_distribution(ours[key], column(theirs, key), what=f"crop {key}")
    for j in range(4):
        assert (ours["padding"][:, j] == theirs[0]["padding"][j]).all()


@pytest.mark.parametrize("degrees", [30, (-10, 80), (5, 5)])
def test_rotation_matches_torchvision(degrees):
    theirs = tv_params(T.RandomRotation(degrees), (10, 10))
    ours = S.rotation(K, n=N_TORCHVISION, degrees=degrees)
    same_distribution(ours["angle"], column(theirs, "angle"), what="rotation angle")


AFFINE_CASES = [
    {"degrees": 20},
    {"degrees": (0, 90), "translate": (0.1, 0.3), "scale": (0.5, 1.5), "shear": 10},
    {"degrees": 0, "translate": (0.5, 0.0), "shear": (-5, 5, 10, 20)},
]


@pytest.mark.parametrize("kw", AFFINE_CASES)
def test_affine_matches_torchvision(kw):
    size = (37, 61)
    theirs = tv_params(T.RandomAffine(**kw), size)
    ours = S.affine(K, n=N_TORCHVISION, image_size=size, **kw)
    same_distribution(ours["angle"], column(theirs, "angle"), what="affine angle")
    same_distribution(ours["scale"], column(theirs, "scale"), what="affine scale")
    for j in range(2):
        same_distribution(ours["translate"][:, j], column(theirs, "translate", j), what=f"affine translate {j}")
        same_distribution(ours["shear"][:, j], column(theirs, "shear", j), what=f"affine shear {j}")


@pytest.mark.parametrize("size,scale", [((40, 60), 0.5), ((33, 17), 1.0), ((200, 10), 0.2), ((2, 2), 0.5)])
def test_perspective_matches_torchvision(size, scale, monkeypatch):
    # torchvision returns only the coefficients; record the corner draws they were solved from.
    import torchvision.transforms.v2._geometry as tv_geometry

    recorded = []
    solve = tv_geometry._get_perspective_coeffs

    def spy(startpoints, endpoints):
        recorded.append([c for point in endpoints for c in point])
        try:
            return solve(startpoints, endpoints)
        except torch.linalg.LinAlgError:
            # Three collinear corners: the 8x8 system is singular, and LAPACK's gels either returns
            # rounding noise or (MKL on some CPUs, AMD EPYC here) raises. Only the draws matter here.
            return [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]

    monkeypatch.setattr(tv_geometry, "_get_perspective_coeffs", spy)
    tv_params(T.RandomPerspective(distortion_scale=scale, p=1.0), size)
    theirs = torch.tensor(recorded, dtype=torch.float64)
    ours = S.perspective(K, n=N_TORCHVISION, image_size=size, distortion_scale=scale)
    for j in range(8):
        same_distribution(ours["endpoints"].view(-1, 8)[:, j], theirs[:, j], what=f"perspective corner {j}")
    # The coefficients are torchvision's own solve of those corners (float32-rounded), except for
    # degenerate corner sets (three collinear), where torchvision's answer is rounding noise and
    # torchrng's is the identity.
    H, W = size
    start = [[0, 0], [W - 1, 0], [W - 1, H - 1], [0, H - 1]]
    identity = torch.tensor([1.0, 0, 0, 0, 1, 0, 0, 0], dtype=torch.float64)
    for i in range(300):
        end = ours["endpoints"][i].tolist()
        if _collinear_triple(end) or _collinear_triple(start):
            assert torch.equal(ours["coefficients"][i], identity)
        else:
            expected = torch.tensor(solve(start, end), dtype=torch.float64)
            torch.testing.assert_close(ours["coefficients"][i], expected, rtol=1e-5, atol=1e-5)


def _collinear_triple(points):
    import itertools

    for a, b, c in itertools.combinations(points, 3):
        if (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) == 0:
            return True
    return False


def test_p_gates():
    for fn, kw in ((S.horizontal_flip, {}), (S.vertical_flip, {}), (S.perspective, {"image_size": (9, 9)}),
                   (S.zoom_out, {"image_size": (9, 9)})):
        for p in (0.0, 0.3, 1.0):
            apply = fn(K, n=50_000, p=p, **kw)["apply"]
            same_rate(int(apply.sum()), apply.numel(), p, what=f"{fn.__name__} p={p}")


@pytest.mark.parametrize("side_range", [(1.0, 4.0), (1.0, 1.0), (2.0, 2.5)])
def test_zoom_out_matches_torchvision(side_range):
    size = (31, 47)
    theirs = tv_params(T.RandomZoomOut(side_range=side_range), size)
    ours = S.zoom_out(K, n=N_TORCHVISION, image_size=size, side_range=side_range)
    for j in range(4):
        same_distribution(ours["padding"][:, j], column(theirs, "padding", j), what=f"zoom_out padding {j}")


def test_scale_jitter_shortest_size_resize_match_torchvision():
    size = (300, 500)
    theirs = tv_params(T.ScaleJitter(target_size=(400, 600), scale_range=(0.3, 1.7)), size)
    ours = S.scale_jitter(K, n=N_TORCHVISION, image_size=size, target_size=(400, 600), scale_range=(0.3, 1.7))
    for j in range(2):
        same_distribution(ours["size"][:, j], column(theirs, "size", j), what=f"scale_jitter size {j}")

    theirs = tv_params(T.RandomShortestSize(min_size=[100, 200, 320], max_size=450), size)
    ours = S.shortest_size(K, n=N_TORCHVISION, image_size=size, min_size=[100, 200, 320], max_size=450)
    for j in range(2):
        same_distribution(ours["size"][:, j], column(theirs, "size", j), what=f"shortest_size size {j}")

    theirs = tv_params(T.RandomResize(min_size=10, max_size=20), size)
    ours = S.resize(K, n=N_TORCHVISION, min_size=10, max_size=20)
    same_distribution(ours["size"], [p["size"][0] for p in theirs], what="resize size")
    assert ours["size"].min() == 10 and ours["size"].max() == 19  # max_size is exclusive


def test_iou_crop_matches_torchvision():
    size = (120, 160)
    box_list = [[10, 20, 60, 90], [80, 30, 150, 110], [5, 5, 20, 15]]
    boxes = tv_tensors.BoundingBoxes(torch.tensor(box_list, dtype=torch.float32), format="XYXY", canvas_size=size)
    theirs = tv_params(T.RandomIoUCrop(), size, n=5000, extra=[boxes])
    ours = S.iou_crop(K, n=N_TORCHVISION, image_size=size, boxes=[boxes] * N_TORCHVISION)
    cropped = [p for p in theirs if p]
    same_rate(int(ours["apply"].sum()), N_TORCHVISION, len(cropped) / len(theirs), alpha=ALPHA / 10,
              what="iou_crop apply rate")
    a = ours["apply"]
    for key in ("top", "left", "height", "width"):
        same_distribution(ours[key][a], column(cropped, key), what=f"iou_crop {key}")
    for j in range(3):
        same_distribution(ours["is_within_crop_area"][a][:, j], [p["is_within_crop_area"][j] for p in cropped],
                          what=f"iou_crop within {j}")
    # every accepted crop satisfies torchvision's own checks
    top, left, h, w = ours["top"][a], ours["left"][a], ours["height"][a], ours["width"][a]
    assert (top >= 0).all() and (top + h <= size[0]).all() and (left + w <= size[1]).all()
    assert ours["is_within_crop_area"][a].any(dim=1).all()


# --- reproducibility properties ----------------------------------------------------------------

ALL = [
    (S.horizontal_flip, {}),
    (S.vertical_flip, {"p": 0.3}),
    (S.resized_crop, {"image_size": (50, 70)}),
    (S.crop, {"image_size": (50, 70), "size": 20}),
    (S.rotation, {"degrees": 45}),
    (S.affine, {"image_size": (50, 70), "degrees": 10, "translate": (0.1, 0.1), "scale": (0.9, 1.1), "shear": 5}),
    (S.perspective, {"image_size": (50, 70)}),
    (S.zoom_out, {"image_size": (50, 70)}),
    (S.scale_jitter, {"image_size": (50, 70), "target_size": (64, 64)}),
    (S.shortest_size, {"image_size": (50, 70), "min_size": [32, 48]}),
    (S.resize, {"min_size": 5, "max_size": 50}),
    (S.iou_crop, {"image_size": (50, 70), "boxes": [torch.tensor([[5.0, 5.0, 40.0, 30.0]])] * 300}),
    (S.elastic, {"image_size": (6, 5)}),
]


def _same(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


@pytest.mark.parametrize("fn,kw", ALL, ids=lambda x: getattr(x, "__name__", ""))
def test_batch_vs_single_and_batch_size_invariance(fn, kw):
    whole = fn(K, n=300, **kw)
    for i in (0, 7, 299):
        one = fn(K, indices=[i], **{**kw, **({"boxes": kw["boxes"][:1]} if "boxes" in kw else {})})
        for key in whole:
            assert torch.equal(whole[key][i : i + 1], one[key]), (fn.__name__, key, i)
    g = torchrng.Generator(K)
    halves = [fn(g, n=150, **{**kw, **({"boxes": kw["boxes"][:150]} if "boxes" in kw else {})}) for _ in range(2)]
    for key in whole:
        assert torch.equal(torch.cat([halves[0][key], halves[1][key]]), whole[key]), key


@pytest.mark.parametrize("fn,kw", ALL, ids=lambda x: getattr(x, "__name__", ""))
def test_empty_batch(fn, kw):
    kw = {**kw, **({"boxes": []} if "boxes" in kw else {})}
    out = fn(K, n=0, **kw)
    assert all(v.shape[0] == 0 for v in out.values())


def test_variable_image_sizes_in_one_batch():
    sizes = torch.tensor([[50, 70], [10, 10], [300, 20], [1, 1]])
    batch = S.resized_crop(K, n=4, image_size=sizes)
    for i in range(4):
        one = S.resized_crop(K, indices=[i], image_size=tuple(sizes[i].tolist()))
        for key in batch:
            assert batch[key][i] == one[key][0]
    assert (batch["top"] + batch["height"] <= sizes[:, 0]).all()
    assert (batch["left"] + batch["width"] <= sizes[:, 1]).all()


def test_per_sample_sizes_and_box_counts_are_checked():
    """A side below 1 or of 2**31 and more anywhere in an (n, 2) image_size, and a box count outside
    [0, M], raise naming the argument (one bad row among good ones is enough)."""
    good = [[50, 70], [10, 10], [300, 20]]
    with pytest.raises(ValueError, match="image_size: every height and width must be >= 1"):
        S.affine(K, n=4, image_size=torch.tensor(good + [[5, 0]]), degrees=5)
    with pytest.raises(ValueError, match=r"image_size: every height and width must be below 2\*\*31, got 2147483648"):
        S.affine(K, n=4, image_size=torch.tensor(good + [[2**31, 3]]), degrees=5)
    S.affine(K, n=4, image_size=torch.tensor(good + [[2**31 - 1, 1]]), degrees=5)  # the extremes are fine
    boxes = torch.tensor([[[0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 3.0, 3.0]]] * 3)
    for counts in ([0, 2, 3], [0, -1, 2]):
        with pytest.raises(ValueError, match=r"box_counts must lie in \[0, 2\]"):
            S.iou_crop(K, n=3, image_size=(8, 8), boxes=boxes, box_counts=torch.tensor(counts))
    S.iou_crop(K, n=3, image_size=(8, 8), boxes=boxes, box_counts=torch.tensor([0, 2, 1]))


def test_generators_of_every_kind():
    a = S.affine(torch.Generator().manual_seed(3), n=10, image_size=(9, 9), degrees=5)
    b = S.affine(torch.Generator().manual_seed(3), n=10, image_size=(9, 9), degrees=5)
    assert torch.equal(a["angle"], b["angle"])
    torch.manual_seed(4)
    c = S.rotation(None, n=10, degrees=5)
    torch.manual_seed(4)
    assert torch.equal(c["angle"], S.rotation(None, n=10, degrees=5)["angle"])


def test_indices_can_be_any_uint64():
    big = [2**64 - 1, 2**63, 0, 12345678901234]
    out = S.rotation(K, indices=big, degrees=5)
    again = S.rotation(K, indices=torch.tensor([-1, -(2**63), 0, 12345678901234]), degrees=5)
    assert torch.equal(out["angle"], again["angle"])


# --- errors, as torchvision's constructors (and its sampling) raise ------------------------------

BAD = [
    (lambda: S.resized_crop(K, n=1, image_size=(9, 9), scale=0.5), TypeError, "Scale"),
    (lambda: S.resized_crop(K, n=1, image_size=(9, 9), scale=(1.0, 0.5)), ValueError, "Scale"),
    (lambda: S.resized_crop(K, n=1, image_size=(9, 9), ratio=(0.0, 1.0)), ValueError, "Ratio"),
    (lambda: S.resized_crop(K, n=1, image_size=(9, 9), scale=(math.nan, 1.0)), ValueError, "Scale"),
    (lambda: S.resized_crop(K, n=1, image_size=(0, 9)), ValueError, "image_size"),
    (lambda: S.resized_crop(K, n=1, image_size=(9,)), ValueError, "image_size"),
    (lambda: S.resized_crop(K, image_size=(9, 9)), ValueError, "n"),
    (lambda: S.resized_crop(K, n=-1, image_size=(9, 9)), ValueError, "n"),
    (lambda: S.resized_crop(K, n=2, indices=[1], image_size=(9, 9)), ValueError, "indices"),
    (lambda: S.resized_crop(K, n=2, image_size=torch.tensor([[5, 5], [0, 5]])), ValueError, "image_size"),
    (lambda: S.resized_crop(K, n=2, image_size=torch.ones(3, 2, dtype=torch.int64)), ValueError, "image_size"),
    (lambda: S.resized_crop(K, indices=[1.5], image_size=(9, 9)), TypeError, "indices"),
    (lambda: S.crop(K, n=1, image_size=(9, 9), size=(1, 2, 3)), ValueError, "dimensions"),
    (lambda: S.crop(K, n=1, image_size=(9, 9), size=10), ValueError, "larger than"),
    (lambda: S.crop(K, n=1, image_size=(9, 9), size=4, padding=(1, 2, 3)), ValueError, "Padding must be"),
    (lambda: S.rotation(K, n=1, degrees=-5), ValueError, "positive"),
    (lambda: S.rotation(K, n=1, degrees=(1, 2, 3)), ValueError, "degrees"),
    (lambda: S.affine(K, n=1, image_size=(9, 9), degrees=0, translate=(0.5, 1.5)), ValueError, "translation"),
    (lambda: S.affine(K, n=1, image_size=(9, 9), degrees=0, scale=(0.0, 1.0)), ValueError, "positive"),
    (lambda: S.affine(K, n=1, image_size=(9, 9), degrees=0, shear=(1, 2, 3)), ValueError, "shear"),
    (lambda: S.perspective(K, n=1, image_size=(9, 9), distortion_scale=1.5), ValueError, "distortion_scale"),
    (lambda: S.perspective(K, n=1, image_size=(9, 9), p=-0.1), ValueError, "`p`"),
    (lambda: S.horizontal_flip(K, n=1, p=math.nan), ValueError, "`p`"),
    (lambda: S.zoom_out(K, n=1, image_size=(9, 9), side_range=(0.5, 2.0)), ValueError, "side range"),
    (lambda: S.resize(K, n=1, min_size=10, max_size=10), ValueError, "max_size"),
    (lambda: S.shortest_size(K, n=1, image_size=(9, 9), min_size=[]), ValueError, "min_size"),
    (lambda: S.scale_jitter(K, n=1, image_size=(9, 9), target_size=(10, 10), scale_range=(2.0, 1.0)), ValueError,
     "scale_range"),
    (lambda: S.iou_crop(K, n=1, image_size=(9, 9), boxes=[], trials=0), ValueError, "trials"),
    (lambda: S.iou_crop(K, n=2, image_size=(9, 9), boxes=[torch.zeros(1, 4)]), ValueError, "boxes"),
    (lambda: S.rotation(K, n=1, degrees=5, device="meta"), ValueError, "device"),
    (lambda: S.rotation("key", n=1, degrees=5), TypeError, "generator"),
]


@pytest.mark.parametrize("call,exc,match", BAD)
def test_bad_arguments_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_opcheck_and_compile():
    out = torch.empty(5, 4, dtype=torch.float64)
    out = torch.empty(5, 4, dtype=torch.int64)
    torch.library.opcheck(torch.ops.torchrng.sample_rows, (out, 1, [0.08, 1.0, -0.28, 0.28, 0.75, 1.33], [50, 60],
                                                          None, None, [1, 2, 0, 0]))

    def f(n: int):
        p = S.resized_crop(K, n=n, image_size=(64, 64))
        return p["top"] + p["height"]

    compiled = torch.compile(f, fullgraph=True)
    assert torch.equal(compiled(16), f(16))


# --- ElasticTransform ----------------------------------------------------------------------------


def test_elastic_blur_and_scale_follow_torchvision():
    """With sigma <= 0 the field is the raw noise times alpha / size; with sigma > 0 it is
    torchvision's own gaussian_blur of that same noise (float tolerance), then the same scale."""
    from torchvision.transforms.v2 import functional as F

    H, W, alpha, sigma = 48, 56, (30.0, 40.0), (3.0, 2.0)
    raw = S.elastic(K, n=3, image_size=(H, W), alpha=1.0, sigma=0.0)["displacement"]
    noise_x, noise_y = raw[..., 0] * W, raw[..., 1] * H
    assert noise_x.min() >= -1 and noise_x.max() < 1
    ours = S.elastic(K, n=3, image_size=(H, W), alpha=alpha, sigma=sigma)["displacement"]
    for c, noise, size in ((0, noise_x, W), (1, noise_y, H)):
        k = int(8 * sigma[c] + 1)
        k += 1 - k % 2
        blurred = F.gaussian_blur(noise[:, None], [k, k], list(sigma))[:, 0]
        torch.testing.assert_close(ours[..., c], blurred * alpha[c] / size, rtol=1e-4, atol=1e-6)


def test_elastic_matches_torchvision_distribution():
    size, n = (24, 32), 1500
    torch.manual_seed(0)
    tv = T.ElasticTransform(alpha=20.0, sigma=2.0)
    img = [tv_tensors.Image(torch.empty(1, *size))]
    theirs = torch.cat([tv.make_params(img)["displacement"] for _ in range(n)])
    ours = S.elastic(K, n=n, image_size=size, alpha=20.0, sigma=2.0)["displacement"]
    for y, x in ((0, 0), (12, 16), (23, 31)):
        for c in (0, 1):
            same_distribution(ours[:, y, x, c], theirs[:, y, x, c], what=f"elastic ({y},{x},{c})")


def test_elastic_properties_and_errors():
    whole = S.elastic(K, n=5, image_size=(9, 7))["displacement"]
    assert torch.equal(whole[3:4], S.elastic(K, indices=[3], image_size=(9, 7))["displacement"])
    tiny = S.elastic(K, n=2, image_size=(1, 1), sigma=5.0)["displacement"]  # kernel far wider than the image
    assert torch.isfinite(tiny).all()
    with pytest.raises(ValueError, match="sigma"):
        S.elastic(K, n=1, image_size=(9, 9), sigma=(5.0, 0.0))
    with pytest.raises(ValueError, match="alpha"):
        S.elastic(K, n=1, image_size=(9, 9), alpha=(1, 2, 3))
    with pytest.raises(ValueError, match="sigma 100.0 needs .* taps"):  # in Python, before the generator moves
        S.elastic(K, n=1, image_size=(9, 9), sigma=100.0)
    with pytest.raises(ValueError, match="one \\(height, width\\)"):
        S.elastic(K, n=2, image_size=torch.tensor([[4, 4], [5, 5]]))


def test_validation_does_not_depend_on_earlier_calls():
    """The hyperparameter checks are memoised: a value that compares equal to one seen before
    ((8.0, 8.0) and (8, 8), True and 1) must still be checked, and a tensor (which can change
    in place) every time. Each once got through after its valid twin."""

    key = torchrng.key(0)
    S.crop(key, n=2, image_size=(20, 20), size=(8, 8))
    with pytest.raises(TypeError, match="size"):
        S.crop(key, n=2, image_size=(20, 20), size=(8.0, 8.0))
    S.jpeg(key, n=2, quality=(5, 50))
    with pytest.raises(ValueError, match="quality"):
        S.jpeg(key, n=2, quality=(5.0, 50.0))
    S.perspective(key, n=2, image_size=(20, 20), p=1)
    with pytest.raises(ValueError, match="p"):
        S.perspective(key, n=2, image_size=(20, 20), p=True)
    low = torch.tensor(0.5)
    S.color_jitter(key, n=2, brightness=(low, 1.0))
    low.fill_(0.9)
    assert S.color_jitter(key, n=500, brightness=(low, 1.0))["brightness_factor"].min() >= 0.9
    alpha = torch.tensor(1.0)
    S.augmix(key, n=2, image_size=(8, 8), alpha=alpha)
    alpha.fill_(-5.0)
    with pytest.raises(ValueError, match="alpha"):
        S.augmix(key, n=2, image_size=(8, 8), alpha=alpha)


@pytest.mark.parametrize("call, error, match", [
    (lambda: S.affine(K, n=2, image_size=torch.tensor([9.7, 3.9]), degrees=3), TypeError, "image_size"),
    (lambda: S.affine(K, n=2, image_size=torch.tensor([True, True]), degrees=3), TypeError, "image_size"),
    (lambda: S.crop(K, n=2, image_size=(9, 9), size=float("nan")), ValueError, "size"),
    (lambda: S.crop(K, n=2, image_size=(9, 9), size=float("inf")), ValueError, "size"),
    (lambda: S.shortest_size(K, n=2, image_size=(9, 9), min_size="10"), TypeError, "min_size"),
    (lambda: S.shortest_size(K, n=2, image_size=(9, 9), min_size=None), TypeError, "min_size"),
    (lambda: S.iou_crop(K, n=1, image_size=(9, 9), boxes=[torch.zeros(3)]), ValueError, r"boxes\[0\]"),
    (lambda: S.iou_crop(K, n=1, image_size=(9, 9), boxes=[torch.zeros(8)]), ValueError, r"boxes\[0\]"),
])
def test_more_bad_arguments_name_themselves(call, error, match):
    """Found by an audit: a float image_size tensor was truncated, an (8,) box tensor read as two
    boxes, and the others failed with messages naming nothing."""
    with pytest.raises(error, match=match):
        call()


def test_elastic_sigma_past_the_kernel_limit_fails_before_the_generator_moves():
    g = torchrng.Generator(0)
    with pytest.raises(ValueError, match="sigma"):
        S.elastic(g, n=3, image_size=(8, 8), sigma=100.0)
    assert g.index == 0


def test_shortest_size_takes_float_sizes_as_torchvision_does():
    got = S.shortest_size(K, n=1, image_size=(100, 200), min_size=[50.5])["size"][0].tolist()
    assert got == list(T.RandomShortestSize(min_size=[50.5]).make_params([torch.zeros(3, 100, 200)])["size"])


def test_crop_with_negative_padding_as_torchvision():
    """Negative padding crops first (F.pad with negative amounts); torchvision accepts it, and so
    does the sampler now (it once rejected it): same deterministic fields, offsets in range."""
    n, h, w = 400, 9, 11
    p = S.crop(K, n=n, image_size=(h, w), size=4, padding=(-2, -1))
    ref = T.RandomCrop(4, padding=(-2, -1)).make_params([torch.zeros(3, h, w)])
    assert p["needs_pad"].all() and p["padding"].tolist() == [list(ref["padding"])] * n
    assert p["needs_crop"].all() and set(p["height"].tolist()) == {4} and set(p["width"].tolist()) == {4}
    assert set(p["top"].tolist()) == set(range(h - 2 - 4 + 1)) and set(p["left"].tolist()) == set(range(w - 4 - 4 + 1))
    with pytest.raises(ValueError, match="larger than padded input image size"):
        S.crop(K, n=1, image_size=(h, w), size=8, padding=(-2, -1))


@pytest.mark.parametrize("hw", [(100, 100), (1, 47), (100, 640), (333, 77), (4097, 3)])
def test_zoom_out_and_scale_jitter_round_in_float32_as_torchvision(hw):
    """torchvision computes these sizes in float32 (a Python number times a torch.rand tensor);
    with a one-value range the result is deterministic and must be its own (in float64 a
    RandomZoomOut side of 1.15 x 100 once gave 114 where torchvision gives 115)."""
    image = [torch.zeros(1, *hw)]
    for side in (1.15, 1.1, 2.3, 3.7):
        canvas = T.RandomZoomOut(side_range=(side, side), p=1.0).make_params(image)["padding"]
        want = (hw[1] + canvas[0] + canvas[2], hw[0] + canvas[1] + canvas[3])
        pad = S.zoom_out(K, n=8, image_size=hw, side_range=(side, side), p=1.0)["padding"]
        assert set(zip((hw[1] + pad[:, 0] + pad[:, 2]).tolist(), (hw[0] + pad[:, 1] + pad[:, 3]).tolist())) == {want}
    for scale in (1.0, 0.7, 0.3, 1.9):
        want = T.ScaleJitter((1024, 1024), scale_range=(scale, scale)).make_params(image)["size"]
        got = S.scale_jitter(K, n=4, image_size=hw, target_size=(1024, 1024), scale_range=(scale, scale))["size"]
        assert {tuple(r) for r in got.tolist()} == {tuple(want)}, scale

"""Property-based fuzzing of every batched sampler in torchrng.sample.__all__.

Each sampler gets random batch arguments (n, explicit indices near 2**64, image sizes from 1x1 and
1x65535 to 65536x65536 and beyond, per-sample size tensors), generators of every kind with edge
seeds, and random hyperparameters (mostly valid, some NaN, infinite, negative or of the wrong type).
Every case returns parameters that are valid for the image they were drawn for (right shape and
device, in range, no float-to-int garbage, no NaN where torchvision has a number) and deterministic
(the same call twice gives the same bits; a sample drawn alone equals its row of the batch), or it
raises a clear ValueError / TypeError / RuntimeError naming the argument.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import torchrng
from torchrng import sample as S

from test_fuzz_support import (U64, count_case, fuzz, generator_specs, hang_guard, indices,  # noqa: F401
                               make_generator, outcome, same)

pytestmark = pytest.mark.usefixtures("hang_guard")

DEVICES = ("cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda))
INT64_MIN = -(2**63)

# --- batch arguments ---------------------------------------------------------------------------------


def mostly(valid, invalid, k: int = 4):
    """`valid` k times as often as `invalid` (hypothesis's one_of picks its branches evenly)."""
    return st.one_of(*([valid] * k), invalid)


EDGE_SIZES = [(1, 1), (1, 65535), (65535, 1), (2, 3), (224, 224), (480, 640), (65536, 65536), (2**31 + 1, 3),
              (3, 2**31 + 1), (2**40, 2**40)]
image_sizes = mostly(
    st.one_of(st.sampled_from(EDGE_SIZES), st.tuples(st.integers(1, 4096), st.integers(1, 4096)),
              st.tuples(st.integers(1, 4096), st.integers(1, 4096)).map(list)),
    st.sampled_from([(0, 5), (5, 0), (-1, 3), (3,), (1, 2, 3), (2.5, 3), "224", None, (True, 3)]),
)
SMALL_SIZES = st.one_of(st.sampled_from([(1, 1), (1, 65535), (65535, 1), (2, 3), (7, 5)]),
                        st.tuples(st.integers(1, 48), st.integers(1, 48)))

counts = mostly(st.one_of(st.integers(0, 12), st.sampled_from([0, 1, 64, 65, 200])),
                st.sampled_from([-1, 1.5, True, "3", 2**40]))


@st.composite
def batches(draw, sizes=image_sizes, max_n=None, per_sample_sizes=True):
    """Keyword arguments n / indices / image_size for a sampler call."""
    form = draw(st.sampled_from(["n", "n", "n", "indices", "indices_tensor", "sizes_tensor"]
                                if per_sample_sizes else ["n", "n", "indices", "indices_tensor"]))
    image_size = draw(sizes)
    if form == "n":
        n = draw(counts if max_n is None else st.integers(0, max_n))
        return {"n": n, "image_size": image_size}
    k = draw(st.integers(0, 6 if max_n is None else min(max_n, 6)))
    idx = draw(st.lists(indices, min_size=k, max_size=k))
    if form == "indices":
        if draw(st.booleans()) and idx:
            idx[0] = draw(st.sampled_from([-1, 2**64, 1.5, True]))  # a bad index
        return {"indices": idx, "image_size": image_size}
    if form == "indices_tensor":
        return {"indices": torch.tensor([i - 2**64 if i >= 2**63 else i for i in idx], dtype=torch.int64),
                "image_size": image_size}
    hw = draw(st.lists(st.tuples(st.integers(1, 4096), st.integers(1, 4096)), min_size=k, max_size=k))
    if draw(st.integers(0, 5)) == 0 and hw:
        hw[0] = (0, 3)  # a bad size
    sizes = torch.tensor(hw, dtype=torch.int64).reshape(k, 2)
    return {"n": k, "image_size": sizes}


def batch_shape(batch) -> tuple[int, list[tuple[int, int]] | None]:
    """(n, per-sample (H, W) list or None when the sampler got no size) of a valid call."""
    if "indices" in batch:
        n = len(batch["indices"])
    else:
        n = batch["n"]
    size = batch.get("image_size")
    if isinstance(size, torch.Tensor) and size.dim() == 2:
        return n, [tuple(r) for r in size.tolist()]
    if size is None:
        return n, None
    return n, [tuple(int(x) for x in size)] * n


def sample_indices(batch, spec, n):
    """The sample index of each row: explicit indices, or the generator's next n."""
    if "indices" in batch:
        idx = batch["indices"]
        return [int(i) % 2**64 for i in (idx.tolist() if isinstance(idx, torch.Tensor) else idx)]
    first = spec[2] if spec[0] == "generator" else 0
    return [(first + i) % 2**64 for i in range(n)]


# --- hyperparameter strategies -----------------------------------------------------------------------

probs = mostly(st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.5])),
               st.sampled_from([-0.1, 1.5, float("nan"), float("inf"), None, "0.5", True]))
pos = st.floats(1e-3, 1e3)
odd = st.sampled_from([float("nan"), float("inf"), -float("inf"), -1.0, 0.0, 1e308, 5e-324, None, "x"])


def ranges(values, odd_values=odd):
    ordered = st.tuples(values, values).map(lambda t: (min(t), max(t)))
    return mostly(ordered, st.one_of(st.tuples(odd_values, values), st.tuples(values, odd_values),
                                     st.tuples(values, values).map(lambda t: (max(t) + 1, min(t))), values,
                                     st.just([1.0, 2.0, 3.0])), k=6)


channels = mostly(st.one_of(st.integers(1, 8), st.sampled_from([1, 3, 20, 21, 64, 65536])),
                  st.sampled_from([0, -1, 65537, 2.0, None]))


def _gaussian_kernel_sizes():
    return st.one_of(st.none(), st.sampled_from([1, 3, 5, (3, 5), [7], 0, 2, -3, (3, 4), "3"]))


HYPER = {
    "horizontal_flip": st.fixed_dictionaries({"p": probs}),
    "vertical_flip": st.fixed_dictionaries({"p": probs}),
    "resized_crop": st.fixed_dictionaries({}, optional={"scale": ranges(st.floats(0, 2)),
                                                        "ratio": ranges(st.floats(1e-3, 1e3))}),
    "crop": st.fixed_dictionaries({"size": mostly(st.one_of(st.integers(1, 64),
                                                               st.tuples(st.integers(1, 64), st.integers(1, 64))),
                                                     st.sampled_from([0, -2, (1, 2, 3), 2**40, "8"]))},
                                  optional={"padding": st.one_of(st.none(), st.integers(0, 8),
                                                                 st.tuples(st.integers(0, 8), st.integers(0, 8)),
                                                                 st.sampled_from([-1, (1, 2, 3), (1, 2, 3, 4)])),
                                            "pad_if_needed": st.booleans()}),
    "rotation": st.fixed_dictionaries({"degrees": st.one_of(st.floats(0, 360), ranges(st.floats(-720, 720)),
                                                            st.sampled_from([-1, 1e308, (-1e308, 1e308)]))}),
    "affine": st.fixed_dictionaries(
        {"degrees": st.one_of(st.floats(0, 180), ranges(st.floats(-180, 180)))},
        optional={"translate": st.one_of(st.none(), st.tuples(st.floats(0, 1), st.floats(0, 1)),
                                         st.sampled_from([(1.5, 0), (-0.1, 0.2), (0.1,)])),
                  "scale": st.one_of(st.none(), ranges(st.floats(0.01, 10))),
                  "shear": st.one_of(st.none(), st.floats(0, 90), ranges(st.floats(-90, 90)),
                                     st.tuples(st.floats(-45, 0), st.floats(0, 45), st.floats(-45, 0), st.floats(0, 45)),
                                     st.sampled_from([(1, 2, 3), (5, -5)]))}),
    "perspective": st.fixed_dictionaries({}, optional={"distortion_scale": mostly(st.floats(0, 1), odd),
                                                       "p": probs}),
    "zoom_out": st.fixed_dictionaries({}, optional={"side_range": ranges(st.floats(1, 8)), "p": probs}),
    "scale_jitter": st.fixed_dictionaries({"target_size": mostly(st.tuples(st.integers(1, 2048), st.integers(1, 2048)),
                                                                 st.sampled_from([(0, 5), (5,), (1e300, 1e300)]))},
                                          optional={"scale_range": ranges(st.floats(0.01, 4))}),
    "shortest_size": st.fixed_dictionaries({"min_size": st.one_of(st.integers(1, 2048),
                                                                  st.lists(st.integers(1, 2048), min_size=1, max_size=8),
                                                                  st.sampled_from([0, [], [1.5], list(range(1, 70))]))},
                                           optional={"max_size": st.one_of(st.none(), st.integers(1, 4096),
                                                                           st.sampled_from([0, -5]))}),
    "resize": st.fixed_dictionaries({"min_size": mostly(st.integers(1, 1024), st.sampled_from([0, -1, 2.5])),
                                     "max_size": mostly(st.integers(1025, 2048), st.sampled_from([2**62, 1]))}),
    "elastic": st.fixed_dictionaries({}, optional={"alpha": st.one_of(st.floats(0, 100), ranges(st.floats(0, 100))),
                                                   "sigma": st.one_of(st.floats(0.1, 8), ranges(st.floats(0.1, 8)),
                                                                      st.sampled_from([0.0, 64.0, 1e300, (1.0, 0.0),
                                                                                       float("nan")]))}),
    "iou_crop": st.fixed_dictionaries({}, optional={
        "min_scale": st.floats(0, 1), "max_scale": st.floats(0, 1.5), "min_aspect_ratio": st.floats(0.1, 1),
        "max_aspect_ratio": st.floats(0.5, 4), "sampler_options": st.one_of(
            st.none(), st.lists(st.floats(0, 1), min_size=1, max_size=8), st.sampled_from([[], [float("nan")]])),
        "trials": mostly(st.integers(1, 50), st.sampled_from([0, -1])),
        "rounds": st.one_of(st.integers(1, 12), st.sampled_from([0]))}),
    "color_jitter": st.fixed_dictionaries({}, optional={
        "brightness": st.one_of(st.none(), st.floats(0, 2), ranges(st.floats(0, 3))),
        "contrast": st.one_of(st.none(), st.floats(0, 2), ranges(st.floats(0, 3))),
        "saturation": st.one_of(st.none(), st.floats(0, 2), ranges(st.floats(0, 3))),
        "hue": st.one_of(st.none(), st.floats(0, 0.5), ranges(st.floats(-0.5, 0.5)), st.sampled_from([0.6, (-0.6, 0)]))}),
    "photometric_distort": st.fixed_dictionaries({}, optional={
        "num_channels": channels, "brightness": ranges(st.floats(0, 3)), "contrast": ranges(st.floats(0, 3)),
        "saturation": ranges(st.floats(0, 3)), "hue": ranges(st.floats(-0.5, 0.5)), "p": probs}),
    "channel_permutation": st.fixed_dictionaries({}, optional={"num_channels": channels}),
    "grayscale": st.fixed_dictionaries({}, optional={"p": probs, "num_channels": channels}),
    "invert": st.fixed_dictionaries({}, optional={"p": probs}),
    "posterize": st.fixed_dictionaries({}, optional={"p": probs, "bits": st.one_of(st.integers(0, 8),
                                                                                   st.sampled_from([9, -1, 2.0]))}),
    "solarize": st.fixed_dictionaries({}, optional={"p": probs, "threshold": mostly(st.floats(0, 255), odd)}),
    "adjust_sharpness": st.fixed_dictionaries({}, optional={"p": probs, "sharpness_factor": st.one_of(
        st.floats(0, 10), odd)}),
    "autocontrast": st.fixed_dictionaries({}, optional={"p": probs}),
    "equalize": st.fixed_dictionaries({}, optional={"p": probs}),
    "gaussian_blur": st.fixed_dictionaries({}, optional={"sigma": st.one_of(st.floats(0.01, 10), ranges(st.floats(0.01, 10))),
                                                         "kernel_size": _gaussian_kernel_sizes()}),
    "gaussian_noise": st.fixed_dictionaries({}, optional={
        "num_channels": mostly(st.integers(1, 4), st.sampled_from([0])), "mean": mostly(st.floats(-1, 1), odd),
        "sigma": mostly(st.floats(0, 1), odd), "clip": st.one_of(st.booleans(), st.just(1)),
        "dtype": st.sampled_from([torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.uint8,
                                  torch.int32])}),
    "erasing": st.fixed_dictionaries({}, optional={
        "num_channels": mostly(st.integers(1, 4), st.sampled_from([0])), "p": probs,
        "scale": ranges(st.floats(0, 1)), "ratio": ranges(st.floats(0.05, 20)),
        "value": st.one_of(st.floats(0, 1), st.just("random"), st.lists(st.floats(0, 1), min_size=1, max_size=4),
                           st.sampled_from(["other", None]))}),
    "jpeg": st.fixed_dictionaries({"quality": st.one_of(st.integers(1, 100), ranges(st.integers(1, 100), st.integers(-5, 0)),
                                                        st.sampled_from([0, 101, True, (50.0, 60)]))}),
    "mixup": st.fixed_dictionaries({}, optional={"alpha": mostly(pos, odd), "per_sample": st.one_of(
        st.booleans(), st.just(1))}),
    "cutmix": st.fixed_dictionaries({}, optional={"alpha": mostly(pos, odd), "per_sample": st.booleans()}),
    "auto_augment": st.fixed_dictionaries({}, optional={"policy": st.sampled_from(
        ["imagenet", "cifar10", "svhn", "IMAGENET", "other", 3])}),
    "rand_augment": st.fixed_dictionaries({}, optional={
        "num_ops": mostly(st.integers(0, 6), st.sampled_from([-1, 2.0])),
        "magnitude": st.one_of(st.integers(-31, 40)), "num_magnitude_bins": st.one_of(st.integers(2, 64),
                                                                                       st.sampled_from([1, 0]))}),
    "trivial_augment_wide": st.fixed_dictionaries({}, optional={"num_magnitude_bins": st.one_of(
        st.integers(2, 64), st.sampled_from([1, 0, 2**40]))}),
    "augmix": st.fixed_dictionaries({}, optional={
        "severity": mostly(st.integers(1, 10), st.sampled_from([0, 11])),
        "mixture_width": mostly(st.integers(1, 6), st.sampled_from([0])),
        "chain_depth": st.one_of(st.integers(-2, 5)), "alpha": st.one_of(pos, odd, st.just(5e-324)),
        "all_ops": st.one_of(st.booleans(), st.just(1))}),
    "random_apply": st.fixed_dictionaries({}, optional={"p": probs, "transforms": st.sampled_from(
        [None, [abs], [abs, abs], [], "ab"])}),
    "random_choice": st.fixed_dictionaries({}, optional={
        "transforms": st.sampled_from([None, [abs], [abs, abs, abs]]),
        "p": st.one_of(st.none(), st.lists(st.floats(0, 10), min_size=1, max_size=5),
                       st.sampled_from([[0.0, 0.0], [-1.0, 2.0], [float("nan")], [1e308, 1e308]])),
        "num_transforms": st.one_of(st.none(), st.integers(0, 5))}),
    "random_order": st.fixed_dictionaries({}, optional={
        "transforms": st.sampled_from([None, [abs], [abs] * 5, []]),
        "num_transforms": st.one_of(st.none(), st.integers(0, 30), st.sampled_from([65536, 65537]))}),
}

# Samplers whose output holds a field per pixel: smaller images, fewer samples.
FIELD_SAMPLERS = {"elastic", "gaussian_noise"}
# Samplers whose size matters only through per-sample size tensors it does not accept.
ONE_SIZE = {"elastic", "gaussian_noise"}

SAMPLERS = [name for name in S.__all__ if name != "AUGMENT_OPS"]


def test_every_sampler_is_fuzzed():
    assert sorted(HYPER) == sorted(SAMPLERS)


# --- validity -----------------------------------------------------------------------------------------


def _assert_int_sane(t: torch.Tensor, what: str):
    """No float-to-int64 garbage: int64 values stay far from the int64 limits."""
    if t.dtype == torch.int64 and t.numel():
        assert int(t.min()) > -(2**62) and int(t.max()) < 2**62, f"{what}: int64 garbage {t.min()} .. {t.max()}"


def _in(t, lo, hi, what):
    if t.numel():
        assert bool((t >= lo).all()) and bool((t <= hi).all()), f"{what} outside [{lo}, {hi}]: {t.min()} .. {t.max()}"


def _in_float32(t, lo, hi, what):
    """A float32 uniform (torch.empty(1).uniform_): float32 values between the float32-rounded bounds."""
    if t.numel():
        assert torch.equal(t.float().double(), t), f"{what}: not float32 values"
        lo32, hi32 = (float(torch.tensor(x, dtype=torch.float32)) for x in (lo, hi))
        _in(t, lo32, hi32, what)


def check_valid(name, out, hyper, n, sizes, device):
    assert isinstance(out, dict) and out
    for key, t in out.items():
        assert isinstance(t, torch.Tensor), key
        assert t.shape[0] == n, (key, t.shape, n)
        assert t.device.type == torch.device(device).type, key
        _assert_int_sane(t, f"{name}.{key}")
        if t.is_floating_point() and key not in ("brightness_factor", "contrast_factor", "saturation_factor",
                                                 "hue_factor", "noise"):
            assert not bool(t.isnan().any()), f"{name}.{key} holds NaN"
    if n == 0:
        return
    H = torch.tensor([h for h, _ in sizes], dtype=torch.int64, device=device) if sizes else None
    W = torch.tensor([w for _, w in sizes], dtype=torch.int64, device=device) if sizes else None
    if name == "resized_crop":
        assert bool((out["height"] >= 0).all()) and bool((out["width"] >= 0).all())
        assert bool((out["top"] >= 0).all()) and bool((out["top"] + out["height"] <= H).all())
        assert bool((out["left"] >= 0).all()) and bool((out["left"] + out["width"] <= W).all())
    elif name == "crop":
        pad = out["padding"]
        given = hyper.get("padding")
        if not any(x < 0 for x in ((given,) if isinstance(given, int) else given or ())):
            assert bool((pad >= 0).all())  # negative padding (a crop, as torchvision's) only when asked for
        ph, pw = H + pad[:, 1] + pad[:, 3], W + pad[:, 0] + pad[:, 2]
        assert bool((out["top"] >= 0).all()) and bool((out["top"] + out["height"] <= ph).all())
        assert bool((out["left"] >= 0).all()) and bool((out["left"] + out["width"] <= pw).all())
    elif name == "rotation":
        lo, hi = _angle_range(hyper["degrees"])
        _in_float32(out["angle"], lo, hi, "angle")
    elif name == "affine":
        lo, hi = _angle_range(hyper["degrees"])
        _in_float32(out["angle"], lo, hi, "angle")
        assert bool(out["scale"].isfinite().all()) and bool((out["scale"] > 0).all())
        if hyper.get("translate") is not None:
            tx, ty = hyper["translate"]
            assert bool((out["translate"][:, 0].abs() <= torch.round(tx * W.double()) + 1).all())
            assert bool((out["translate"][:, 1].abs() <= torch.round(ty * H.double()) + 1).all())
        else:
            assert bool((out["translate"] == 0).all())
        assert bool(out["shear"].isfinite().all())
    elif name == "perspective":
        e = out["endpoints"]
        assert bool((e[..., 0] >= 0).all()) and bool((e[..., 0] <= (W - 1).view(-1, 1)).all())
        assert bool((e[..., 1] >= 0).all()) and bool((e[..., 1] <= (H - 1).view(-1, 1)).all())
        assert bool(out["coefficients"].isfinite().all())
    elif name == "zoom_out":
        assert bool((out["padding"] >= 0).all())
        s1 = float(hyper.get("side_range", (1.0, 4.0))[1])
        assert bool((out["padding"][:, 0] + out["padding"][:, 2] <= W.double() * (s1 - 1) + 1).all())
        assert bool((out["padding"][:, 1] + out["padding"][:, 3] <= H.double() * (s1 - 1) + 1).all())
    elif name in ("scale_jitter", "shortest_size"):
        assert bool((out["size"] >= 0).all())
    elif name == "resize":
        _in(out["size"], hyper["min_size"], hyper["max_size"] - 1, "size")
    elif name == "iou_crop" and hyper.get("max_scale", 1.0) <= 1.0:
        # (a max_scale above 1 allows crops larger than the image, with negative offsets: torchvision's
        # own make_params does the same, and its crop pads)
        a = out["apply"]
        assert bool((out["top"][a] >= 0).all()) and bool((out["left"][a] >= 0).all())
        assert bool((out["top"][a] + out["height"][a] <= H[a]).all())
        assert bool((out["left"][a] + out["width"][a] <= W[a]).all())
    elif name in ("color_jitter",):
        assert torch.equal(out["fn_idx"].sort(1).values.cpu(), torch.arange(4).expand(n, 4))
    elif name in ("channel_permutation", "random_order", "photometric_distort"):
        key = {"channel_permutation": "permutation", "random_order": "order",
               "photometric_distort": "channel_permutation"}[name]
        perm = out[key].cpu()
        assert torch.equal(perm.sort(1).values, torch.arange(perm.shape[1]).expand_as(perm))
    elif name == "random_choice":
        assert bool((out["index"] >= 0).all())
    elif name == "erasing":
        f = out["found"]
        assert bool((out["i"][f] >= 0).all()) and bool((out["i"][f] + out["h"][f] <= H[f]).all())
        assert bool((out["j"][f] >= 0).all()) and bool((out["j"][f] + out["w"][f] <= W[f]).all())
    elif name == "jpeg":
        _in(out["quality"], 1, 100, "quality")
    elif name == "mixup":
        _in(out["lam"], 0, 1, "lam")
    elif name == "cutmix":
        box = out["box"]
        assert bool((box[:, 0] >= 0).all()) and bool((box[:, 2] <= W).all()) and bool((box[:, 0] <= box[:, 2]).all())
        assert bool((box[:, 1] >= 0).all()) and bool((box[:, 3] <= H).all()) and bool((box[:, 1] <= box[:, 3]).all())
        _in(out["lam_adjusted"], 0, 1, "lam_adjusted")
    elif name == "augmix":
        _in(out["beta_weights"], 0, 1, "beta_weights")
        _in(out["chain_weights"], 0, 1, "chain_weights")
    elif name == "gaussian_blur":
        lo, hi = _sigma_range(hyper.get("sigma", (0.1, 2.0)))
        _in_float32(out["sigma"], lo, hi, "sigma")
    elif name == "elastic":
        assert bool(out["displacement"].isfinite().all())


def _angle_range(degrees):
    if isinstance(degrees, (int, float)):
        return -degrees, degrees
    return degrees[0], degrees[1]


def _sigma_range(sigma):
    if isinstance(sigma, (int, float)):
        return sigma, sigma
    return sigma[0], sigma[1]


# --- the fuzz tests -----------------------------------------------------------------------------------

ERROR_NAMES = ["n", "indices", "image_size", "image size", "generator", "device", "boxes", "box_counts", "size",
               "height", "width"]


def _names(hyper):
    names = list(ERROR_NAMES)
    for k in hyper:
        names += [k, k.replace("_", " "), k.split("_")[0]]
    return names + ["alpha", "sigma", "degrees", "translat", "scale", "ratio", "shear", "p`", "quality", "policy",
                    "kernel", "magnitude", "num_ops", "bins", "severity", "mixture", "chain", "transforms",
                    "value", "threshold", "bits", "sharpness", "num_channels", "input tensor", "options", "trials",
                    "rounds", "target_size", "min_size", "max_size", "side range", "padding", "crop size",
                    "brightness", "contrast", "saturation", "hue", "clip", "per_sample", "all_ops", "dtype", "distortion"]


def _boxes_for(batch, n, draw):
    """Per-sample XYXY boxes inside (or not quite inside) each image, for iou_crop."""
    sizes = batch_shape(batch)[1]
    out = []
    for i in range(n):
        h, w = sizes[i] if sizes else (64, 64)
        m = draw(st.integers(0, 3))
        boxes = []
        for _ in range(m):
            x1 = draw(st.floats(0, max(w - 1, 0)))
            y1 = draw(st.floats(0, max(h - 1, 0)))
            boxes.append([x1, y1, x1 + draw(st.floats(0.5, 64)), y1 + draw(st.floats(0.5, 64))])
        out.append(torch.tensor(boxes, dtype=torch.float64).reshape(-1, 4))
    return out


def _call(name, generator, batch, hyper, device, boxes=None):
    fn = getattr(S, name)
    kwargs = dict(batch)
    kwargs.update(hyper)
    if boxes is not None:
        kwargs["boxes"] = boxes
    return fn(generator, device=device, **kwargs)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("name", SAMPLERS)
@fuzz(40)
@given(data=st.data(), spec=generator_specs)
def test_sampler(name, device, data, spec):
    hyper = data.draw(HYPER[name], label="hyper")
    if name in FIELD_SAMPLERS:
        batch = data.draw(batches(sizes=SMALL_SIZES, max_n=4, per_sample_sizes=False), label="batch")
    else:
        batch = data.draw(batches(), label="batch")
    if device == "cuda" and isinstance(batch.get("image_size"), torch.Tensor):
        # A bad per-sample size on the GPU trips a device-side assert (no host sync to report it),
        # which would end the CUDA context for the rest of the run: only good sizes there.
        batch["image_size"] = batch["image_size"].clamp(min=1, max=2**31 - 1)
        if name == "crop":
            hyper = {**hyper, "pad_if_needed": True}
    boxes = None
    if name == "iou_crop":
        n = batch_shape(batch)[0] if "indices" in batch else batch["n"]
        ok = type(n) is int and 0 <= n <= 200 and _sizes_ok(batch)
        boxes = _boxes_for(batch, n, data.draw) if ok else []
    if name == "erasing" and hyper.get("value") == "random" and type(batch.get("n")) is int:
        batch["n"] = min(batch["n"], 4)  # a per-pixel field per sample
        if isinstance(batch["image_size"], tuple) and _sizes_ok(batch) and math.prod(batch["image_size"]) > 2**17:
            batch["image_size"] = (7, 5)
    kind, out = outcome(lambda: _call(name, make_generator(spec), batch, hyper, device, boxes), _names(hyper),
                        test=f"test_sampler[{name}]")
    if kind == "rejected":
        return
    again = _call(name, make_generator(spec), batch, hyper, device, boxes)
    assert same(out, again), f"{name}: the same call with an equal generator gave different values"
    n, sizes = batch_shape(batch)
    check_valid(name, out, hyper, n, sizes, device)
    # A sample drawn alone (by its explicit sample index) equals its row of the batch. Torch
    # generators are consumed differently by each call: only keys and torchrng generators.
    per_sample = name not in ("mixup", "cutmix") or hyper.get("per_sample") is True
    if spec[0] in ("key", "generator") and n and per_sample:
        i = data.draw(st.integers(0, n - 1), label="row")
        idx = sample_indices(batch, spec, n)[i]
        single = dict(batch)
        single.pop("n", None)
        single["indices"] = [idx]
        if isinstance(batch.get("image_size"), torch.Tensor):
            single["image_size"] = batch["image_size"][i:i + 1]
        key = make_generator(spec)
        key = key if isinstance(key, torchrng.Key) else key.key
        alone = _call(name, key, single, hyper, device, None if boxes is None else [boxes[i]])
        for k, t in out.items():
            if name == "iou_crop" and k == "is_within_crop_area":
                m = alone[k].shape[1]
                assert torch.equal(t[i, :m], alone[k][0]), k
                continue
            assert same(t[i:i + 1], alone[k]), f"{name}.{k}: sample {idx} alone differs from its batch row"


def _sizes_ok(batch):
    size = batch["image_size"]
    if isinstance(size, torch.Tensor):
        return size.numel() == 0 or int(size.min()) >= 1
    try:
        return len(size) == 2 and all(type(x) is int and x >= 1 for x in size)
    except TypeError:
        return False

"""Batched samplers of the random geometric transforms of torchvision.transforms.v2.

Each function takes the transform's hyperparameters with torchvision's names, defaults and
validation, and returns torchvision's make_params dict with one row per sample. Sample i's values
depend only on (key, i, hyperparameters, image size i).
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence

import torch

from .. import _validate as v
from ._driver import MAX_SIDE, as_bool, draw_dict, draw_rows, resolve_batch
from ._layout import BITS, BOOL, INT, Layout, column, columns

__all__ = [
    "horizontal_flip", "vertical_flip", "resized_crop", "crop", "rotation", "affine", "perspective",
    "zoom_out", "iou_crop", "scale_jitter", "shortest_size", "resize", "elastic",
]

FLIP, RESIZED_CROP, CROP, ROTATION, AFFINE, PERSPECTIVE, ZOOM_OUT, SCALE_JITTER, SHORTEST_SIZE, RESIZE, IOU_CROP = range(11)

# How each sampler's rows become its make_params dict (see _layout.py).
_APPLY = Layout(column("apply", 0))
_RESIZED_CROP = Layout(*(column(k, i) for i, k in enumerate(("top", "left", "height", "width"))))
_CROP = Layout(column("needs_crop", 0, BOOL), column("top", 1), column("left", 2), column("height", 3),
               column("width", 4), column("needs_pad", 5, BOOL), columns("padding", 6, 4))
_ANGLE = Layout(column("angle", 0))
_AFFINE = Layout(column("angle", 0), columns("translate", 1, 2, kind=BITS), column("scale", 3), columns("shear", 4, 2))
_PERSPECTIVE = Layout(column("apply", 0, BOOL), columns("coefficients", 1, 8), columns("endpoints", 9, 4, 2, kind=BITS))
_ZOOM_OUT = Layout(column("apply", 0, BOOL), columns("padding", 1, 4))
_SIZE_PAIR = Layout(columns("size", 0, 2))
_SIZE = Layout(column("size", 0))

# --- validation, mirroring torchvision's constructors -------------------------------------------


_PLAIN = frozenset((int, float, str, bool, type(None)))


def memoised(fn, copy: bool = False):
    """Memoises a hyperparameter check for plain arguments (numbers, strings, None and flat tuples
    of them: the usual case), so repeated calls with the same configuration skip the Python
    validation; any other argument (a list, a tensor, which can change in place) runs it every
    time. The key holds every value's type, tuple elements included: (8, 8) and (8.0, 8.0), or 1
    and True, compare equal but do not validate alike. The result is shared between calls unless
    `copy` (a list result, copied for each call)."""
    memo: dict = {}

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        values = args + tuple(kwargs.values()) if kwargs else args
        types = []
        for value in values:
            t = type(value)
            if t is tuple:
                for element in value:
                    if type(element) not in _PLAIN:
                        return fn(*args, **kwargs)
                    types.append(type(element))
            elif t not in _PLAIN:
                return fn(*args, **kwargs)
            types.append(t)
        key = (values, tuple(kwargs), tuple(types))
        result = memo.get(key)
        if result is None:
            result = fn(*args, **kwargs)
            if len(memo) >= 256:
                memo.clear()
            memo[key] = result
        return list(result) if copy else result

    return wrapper


def cached(fn):
    """memoised() for checks that return their hyperparameters as a list: each call its own copy."""
    return memoised(fn, copy=True)


def check_p(p) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not (0.0 <= p <= 1.0):
        raise ValueError(f"`p` should be a floating point value in the interval [0.0, 1.0], got {p!r}.")
    return float(p)


def _check_sequence_input(x, name, req_sizes):
    msg = req_sizes[0] if len(req_sizes) < 2 else " or ".join(str(s) for s in req_sizes)
    if not isinstance(x, Sequence) or isinstance(x, str):
        raise TypeError(f"{name} should be a sequence of length {msg}.")
    if len(x) not in req_sizes:
        raise ValueError(f"{name} should be a sequence of length {msg}.")


def setup_angle(x, name, req_sizes=(2,)) -> list[float]:
    if isinstance(x, numbers.Number) and not isinstance(x, bool):
        if x < 0:
            raise ValueError(f"If {name} is a single number, it must be positive.")
        x = [-x, x]
    else:
        _check_sequence_input(x, name, req_sizes)
    values = [v.finite_arg(d, name) for d in x]
    for lo, hi in zip(values[::2], values[1::2]):
        v.float32_range(lo, hi, name)  # drawn as a float32 uniform
    return values


def setup_size(size, error_msg="Please provide only two dimensions (h, w) for size.") -> tuple[int, int]:
    if isinstance(size, numbers.Number) and not isinstance(size, bool):
        if not math.isfinite(size):
            raise ValueError(f"size must be a finite number, got {size}")
        size = (int(size), int(size))
    elif isinstance(size, Sequence) and len(size) == 1:
        size = (size[0], size[0])
    elif not isinstance(size, Sequence) or len(size) != 2:
        raise ValueError(error_msg)
    h, w = (v.int_arg(s, "size") for s in size)
    if h < 1 or w < 1:
        raise ValueError(f"size must be positive, got {(h, w)}")
    if max(h, w) >= MAX_SIDE:
        raise ValueError(f"size must be below 2**31 (as image sides), got {(h, w)}")
    return h, w


def range_arg(values, name: str, *, positive: bool = False) -> tuple[float, float]:
    if not isinstance(values, Sequence) or isinstance(values, str) or len(values) != 2:
        raise TypeError(f"{name} should be a sequence of two floats.")
    lo, hi = (v.finite_arg(x, name) for x in values)
    if lo > hi:
        raise ValueError(f"{name} should be of kind (min, max), got {tuple(values)}")
    if not math.isfinite(hi - lo):
        raise ValueError(f"{name}: the range ({lo}, {hi}) is too wide (its width overflows float64)")
    if positive and lo <= 0:
        raise ValueError(f"{name} values should be positive, got {tuple(values)}")
    return lo, hi


def _batch(n, indices, image_size, device, needs_size=True):
    return resolve_batch(n, indices, image_size, device, needs_size=needs_size)


# --- samplers ---------------------------------------------------------------------------------


def _flip(generator, n, indices, image_size, device, p):
    batch = _batch(n, indices, image_size, device, needs_size=False)
    return draw_dict(_APPLY, FLIP, 1, torch.bool, [check_p(p)], 1, generator, *batch)


def horizontal_flip(generator, *, n=None, indices=None, image_size=None, device=None, p: float = 0.5):
    """RandomHorizontalFlip: {'apply': bool (n,)}."""
    return _flip(generator, n, indices, image_size, device, p)


def vertical_flip(generator, *, n=None, indices=None, image_size=None, device=None, p: float = 0.5):
    """RandomVerticalFlip: {'apply': bool (n,)}."""
    return _flip(generator, n, indices, image_size, device, p)


@cached
def resized_crop_hyper(scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0)) -> list[float]:
    s0, s1 = range_arg(scale, "Scale")
    r0, r1 = range_arg(ratio, "Ratio", positive=True)
    if s0 < 0:
        raise ValueError(f"Scale values should be >= 0, got {tuple(scale)}")
    return [s0, s1, math.log(r0), math.log(r1), r0, r1]


def resized_crop(generator, *, n=None, indices=None, image_size, device=None,
                 scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0)):
    """RandomResizedCrop: {'top', 'left', 'height', 'width'} int64 (n,). Ten attempts, then
    torchvision's central-crop fallback."""
    hyper = resized_crop_hyper(scale, ratio)
    return draw_dict(_RESIZED_CROP, RESIZED_CROP, 4, torch.int64, hyper, 7, generator,
                     *_batch(n, indices, image_size, device))


@cached
def crop_hyper(size, padding=None, pad_if_needed=False) -> list[float]:
    h, w = setup_size(size)
    if padding is not None:
        from torchvision.transforms.v2._utils import _check_padding_arg
        from torchvision.transforms.v2.functional._geometry import _parse_pad_padding

        _check_padding_arg(padding)
        pad_left, pad_right, pad_top, pad_bottom = _parse_pad_padding(padding) if padding else (0, 0, 0, 0)
        # Negative padding crops the image first, as in torchvision (F.pad with negative amounts).
        if max(map(abs, (pad_left, pad_right, pad_top, pad_bottom))) >= MAX_SIDE:
            raise ValueError(f"padding must be below 2**31 in magnitude, got {padding}")
    else:
        pad_left = pad_right = pad_top = pad_bottom = 0
    return [h, w, pad_left, pad_right, pad_top, pad_bottom, 1.0 if pad_if_needed else 0.0]


def _check_crop_fits(hyper, hw, sizes):
    ch, cw, pl, pr, pt, pb, pad_if_needed = hyper
    if pad_if_needed:
        return
    if hw is not None:
        heights, widths = [hw[0]], [hw[1]]
    elif sizes.device.type == "cpu":
        heights, widths = sizes[:, 0].tolist(), sizes[:, 1].tolist()
    else:
        return  # checked by a device-side assert
    for H, W in zip(heights, widths):
        if H + pt + pb < ch or W + pl + pr < cw:
            raise ValueError(
                f"Required crop size {(int(ch), int(cw))} is larger than "
                f"{'padded ' if pl or pr or pt or pb else ''}input image size {(int(H + pt + pb), int(W + pl + pr))}."
            )


def crop(generator, *, n=None, indices=None, image_size, device=None, size, padding=None, pad_if_needed=False):
    """RandomCrop: {'needs_crop' bool, 'top', 'left', 'height', 'width' int64, 'needs_pad' bool,
    'padding' int64 (n, 4) as [left, top, right, bottom]}."""
    hyper = crop_hyper(size, padding, pad_if_needed)
    batch = _batch(n, indices, image_size, device)
    _check_crop_fits(hyper, batch[2], batch[3])
    return draw_dict(_CROP, CROP, 10, torch.int64, hyper, 2, generator, *batch)


def rotation(generator, *, n=None, indices=None, image_size=None, device=None, degrees):
    """RandomRotation: {'angle': float64 (n,)} uniform in [degrees[0], degrees[1])."""
    lo, hi = setup_angle(degrees, "degrees")
    if lo > hi:
        raise ValueError(f"degrees should be of kind (min, max), got {(lo, hi)}")
    return draw_dict(_ANGLE, ROTATION, 1, torch.float64, [lo, hi], 1, generator,
                     *_batch(n, indices, image_size, device, needs_size=False))


@cached
def affine_hyper(degrees, translate=None, scale=None, shear=None) -> list[float]:
    d0, d1 = setup_angle(degrees, "degrees")
    if d0 > d1:
        raise ValueError(f"degrees should be of kind (min, max), got {(d0, d1)}")
    tx = ty = -1.0
    if translate is not None:
        _check_sequence_input(translate, "translate", req_sizes=(2,))
        tx, ty = (v.finite_arg(t, "translate") for t in translate)
        if not (0.0 <= tx <= 1.0 and 0.0 <= ty <= 1.0):
            raise ValueError("translation values should be between 0 and 1")
    s0 = s1 = -1.0
    if scale is not None:
        _check_sequence_input(scale, "scale", req_sizes=(2,))
        s0, s1 = (v.finite_arg(x, "scale") for x in scale)
        if s0 <= 0 or s1 <= 0:
            raise ValueError("scale values should be positive")
        s0, s1 = range_arg(scale, "scale")
        v.float32_range(s0, s1, "scale")
    shear_values = [0.0, 0.0, 0.0, 0.0]
    count = 0
    if shear is not None:
        sh = setup_angle(shear, "shear", req_sizes=(2, 4))
        count = len(sh)
        for i in range(0, count, 2):
            if sh[i] > sh[i + 1]:
                raise ValueError(f"shear should be of kind (min, max), got {tuple(sh)}")
        shear_values[:count] = sh
    return [d0, d1, tx, ty, s0, s1, float(count), *shear_values]


def affine(generator, *, n=None, indices=None, image_size, device=None, degrees, translate=None, scale=None,
           shear=None):
    """RandomAffine: {'angle' float64 (n,), 'translate' int64 (n, 2), 'scale' float64 (n,),
    'shear' float64 (n, 2)}."""
    return draw_dict(_AFFINE, AFFINE, 6, torch.float64, affine_hyper(degrees, translate, scale, shear), 2, generator,
                     *_batch(n, indices, image_size, device))


@cached
def perspective_hyper(distortion_scale=0.5, p=0.5) -> list[float]:
    p = check_p(p)
    if isinstance(distortion_scale, bool) or not isinstance(distortion_scale, numbers.Real) or not (
        0 <= distortion_scale <= 1
    ):
        raise ValueError("Argument distortion_scale value should be between 0 and 1")
    return [p, float(distortion_scale)]


def perspective(generator, *, n=None, indices=None, image_size, device=None, distortion_scale=0.5, p=0.5):
    """RandomPerspective: {'apply' bool (n,), 'coefficients' float64 (n, 8) (float32-rounded, as
    torchvision), 'endpoints' int64 (n, 4, 2) (top-left, top-right, bottom-right, bottom-left)}."""
    return draw_dict(_PERSPECTIVE, PERSPECTIVE, 17, torch.float64, perspective_hyper(distortion_scale, p), 9, generator,
                     *_batch(n, indices, image_size, device))


@cached
def zoom_out_hyper(side_range=(1.0, 4.0), p=0.5) -> list[float]:
    p = check_p(p)
    _check_sequence_input(side_range, "side_range", req_sizes=(2,))
    s0, s1 = (v.finite_arg(x, "side_range") for x in side_range)
    if s0 < 1.0 or s0 > s1:
        raise ValueError(f"Invalid side range provided {side_range}.")
    if s1 > MAX_SIDE:  # the canvas side, side * r < 2**62, must fit the int64 padding
        raise ValueError(f"side_range must be at most 2**31, got {side_range}")
    return [p, s0, s1]


def zoom_out(generator, *, n=None, indices=None, image_size, device=None, side_range=(1.0, 4.0), p=0.5):
    """RandomZoomOut: {'apply' bool (n,), 'padding' int64 (n, 4) as [left, top, right, bottom]}."""
    return draw_dict(_ZOOM_OUT, ZOOM_OUT, 5, torch.int64, zoom_out_hyper(side_range, p), 1, generator,
                     *_batch(n, indices, image_size, device))


@cached
def scale_jitter_hyper(target_size, scale_range=(0.1, 2.0)) -> list[float]:
    _check_sequence_input(target_size, "target_size", req_sizes=(2,))
    th, tw = (v.finite_arg(x, "target_size") for x in target_size)
    if th <= 0 or tw <= 0:
        raise ValueError(f"target_size must be positive, got {tuple(target_size)}")
    s0, s1 = range_arg(scale_range, "scale_range")
    if s0 <= 0:
        raise ValueError(f"scale_range values should be positive, got {tuple(scale_range)}")
    if max(th, tw) >= MAX_SIDE or s1 > MAX_SIDE:  # the output side is at most max(target_size) * s1
        raise ValueError(f"target_size must be below 2**31 and scale_range at most 2**31, got {tuple(target_size)} "
                         f"and {tuple(scale_range)}")
    return [th, tw, s0, s1]


def scale_jitter(generator, *, n=None, indices=None, image_size, device=None, target_size, scale_range=(0.1, 2.0)):
    """ScaleJitter: {'size' int64 (n, 2) as (height, width)}."""
    return draw_dict(_SIZE_PAIR, SCALE_JITTER, 2, torch.int64, scale_jitter_hyper(target_size, scale_range), 1,
                     generator, *_batch(n, indices, image_size, device))


@cached
def shortest_size_hyper(min_size, max_size=None) -> list[float]:
    if isinstance(min_size, Sequence) and not isinstance(min_size, str):
        sizes = list(min_size)
    elif isinstance(min_size, numbers.Real) and not isinstance(min_size, bool):
        sizes = [min_size]
    else:
        raise TypeError(f"min_size must be a number or a sequence of numbers, got {type(min_size).__name__} "
                        f"{min_size!r}")
    if not 1 <= len(sizes) <= 64:
        raise ValueError(f"min_size must hold 1 to 64 sizes, got {len(sizes)}")
    sizes = [v.finite_arg(s, "min_size") for s in sizes]  # torchvision takes floats too (r = min_size / side)
    if min(sizes) < 1:
        raise ValueError(f"min_size values must be >= 1, got {sizes}")
    if max(sizes) >= MAX_SIDE:  # sizes scale by up to 2**31 (the image's aspect ratio): < 2**62
        raise ValueError(f"min_size values must be below 2**31, got {sizes}")
    cap = -1.0
    if max_size is not None:
        cap = float(v.int_arg(max_size, "max_size", minimum=1))
        if cap >= MAX_SIDE:
            raise ValueError(f"max_size must be below 2**31, got {max_size}")
    return [cap, *map(float, sizes)]


def shortest_size(generator, *, n=None, indices=None, image_size, device=None, min_size, max_size=None):
    """RandomShortestSize: {'size' int64 (n, 2) as (height, width)}."""
    return draw_dict(_SIZE_PAIR, SHORTEST_SIZE, 2, torch.int64, shortest_size_hyper(min_size, max_size), 1,
                     generator, *_batch(n, indices, image_size, device))


def resize_bounds(min_size, max_size) -> tuple[int, int]:
    lo, hi = v.int_arg(min_size, "min_size", minimum=1), v.int_arg(max_size, "max_size")
    if lo >= hi:
        raise ValueError(f"min_size must be < max_size (max_size is exclusive), got {lo} and {hi}")
    if hi > 2**53:  # the bounds travel as float64
        raise ValueError(f"max_size must be at most 2**53, got {hi}")
    return lo, hi


def resize(generator, *, n=None, indices=None, image_size=None, device=None, min_size, max_size):
    """RandomResize: {'size' int64 (n,)} uniform in [min_size, max_size) (max_size exclusive, as
    torchvision's randint, whatever its docstring says)."""
    lo, hi = resize_bounds(min_size, max_size)
    return draw_dict(_SIZE, RESIZE, 1, torch.int64, [lo, hi], 1, generator,
                     *_batch(n, indices, image_size, device, needs_size=False))


IOU_CROP_ROUNDS = 10
IOU_CROP_MAX_BLOCKS = 1 << 24


@cached
def iou_crop_hyper(min_scale=0.3, max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0, sampler_options=None,
                   trials=40, rounds=IOU_CROP_ROUNDS) -> list[float]:
    values = [v.finite_arg(x, name) for x, name in (
        (min_scale, "min_scale"), (max_scale, "max_scale"),
        (min_aspect_ratio, "min_aspect_ratio"), (max_aspect_ratio, "max_aspect_ratio"))]
    if values[0] > values[1] or values[0] < 0:
        raise ValueError(f"need 0 <= min_scale <= max_scale, got {values[0]} and {values[1]}")
    if values[2] > values[3]:
        raise ValueError(f"need min_aspect_ratio <= max_aspect_ratio, got {values[2]} and {values[3]}")
    options = [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0] if sampler_options is None else list(sampler_options)
    if not 1 <= len(options) <= 64:
        raise ValueError(f"sampler_options must hold 1 to 64 values, got {len(options)}")
    options = [v.finite_arg(o, "sampler_options") for o in options]
    trials = v.int_arg(trials, "trials", minimum=1)
    rounds = v.int_arg(rounds, "rounds", minimum=1)
    if rounds * (1 + trials) > IOU_CROP_MAX_BLOCKS:  # a sample that never fits runs the whole budget
        raise ValueError(f"trials and rounds: the budget rounds * (1 + trials) must be at most 2**24 blocks, "
                         f"got rounds={rounds}, trials={trials}")
    return [*values, float(trials), float(rounds), 0.0, *options]


def _boxes_arg(boxes, n: int, device):
    """Padded (n, M, 4) float64 XYXY boxes and (n,) counts from a padded tensor (with counts) or a
    list of per-sample (Mi, 4) tensors / BoundingBoxes."""
    from torchvision import tv_tensors
    from torchvision.transforms.v2 import functional as F

    def xyxy(b):
        if isinstance(b, tv_tensors.BoundingBoxes):
            return F.convert_bounding_box_format(b, new_format=tv_tensors.BoundingBoxFormat.XYXY).as_subclass(
                torch.Tensor)
        return torch.as_tensor(b)

    if isinstance(boxes, (list, tuple)):
        if len(boxes) != n:
            raise ValueError(f"boxes: expected {n} per-sample box sets, got {len(boxes)}")
        sets = []
        for i, b in enumerate(boxes):
            b = xyxy(b)
            if b.numel() and (b.dim() != 2 or b.shape[1] != 4):  # no reshape: (8,) is not two boxes
                raise ValueError(f"boxes[{i}] must have shape (M, 4), got {tuple(b.shape)}")
            sets.append(b.reshape(-1, 4).to(torch.float64))
        m = max((s.shape[0] for s in sets), default=0)
        padded = torch.zeros((n, m, 4), dtype=torch.float64)
        for i, s in enumerate(sets):
            padded[i, : s.shape[0]] = s.cpu()
        counts = torch.tensor([s.shape[0] for s in sets], dtype=torch.int64)
        return padded.to(device), counts.to(device)
    raise TypeError("boxes must be a list of per-sample (Mi, 4) box tensors, or pass boxes= and box_counts=")


def iou_crop(generator, *, n=None, indices=None, image_size, device=None, boxes, box_counts=None, min_scale=0.3,
             max_scale=1.0, min_aspect_ratio=0.5, max_aspect_ratio=2.0, sampler_options=None, trials=40,
             rounds=IOU_CROP_ROUNDS):
    """RandomIoUCrop with a fixed budget: `rounds` option draws (default 10) of `trials` crops each;
    a sample whose budget runs out is left uncropped (as when torchvision draws the leave-as-is
    option). `boxes`: a list of per-sample (Mi, 4) XYXY tensors or BoundingBoxes, or a padded
    (n, M, 4) XYXY tensor with `box_counts` (n,). Returns {'apply' bool (n,), 'top', 'left',
    'height', 'width' int64 (n,), 'is_within_crop_area' bool (n, M)}."""
    hyper = iou_crop_hyper(min_scale, max_scale, min_aspect_ratio, max_aspect_ratio, sampler_options, trials, rounds)
    batch = _batch(n, indices, image_size, device)
    n, device = batch[0], batch[4]
    if box_counts is None:
        padded, counts = _boxes_arg(boxes, n, device)
    else:
        padded = torch.as_tensor(boxes).to(device=device, dtype=torch.float64).contiguous()
        counts = torch.as_tensor(box_counts).to(device=device, dtype=torch.int64).contiguous()
        if padded.dim() != 3 or padded.shape[0] != n or padded.shape[2] != 4:
            raise ValueError(f"boxes must have shape (n, M, 4), got {tuple(padded.shape)}")
        if counts.shape != (n,):
            raise ValueError(f"box_counts must have shape ({n},), got {tuple(counts.shape)}")
        if counts.device.type == "cpu" and n:
            fewest, most = (int(x) for x in torch.aminmax(counts))
            if fewest < 0 or most > padded.shape[1]:
                raise ValueError(f"box_counts must lie in [0, {padded.shape[1]}]")
    m = padded.shape[1]
    hyper[6] = float(m)
    blocks = int(hyper[5]) * (1 + int(hyper[4]))
    rows = draw_rows(IOU_CROP, 5 + m, torch.int64, hyper, blocks, generator, *batch, boxes=padded,
                     box_counts=counts)
    return {"apply": as_bool(rows[:, 0]), "top": rows[:, 1], "left": rows[:, 2], "height": rows[:, 3],
            "width": rows[:, 4], "is_within_crop_area": as_bool(rows[:, 5:])}


ELASTIC_MAX_TAPS = 513  # csrc/samplers/elastic.h's kMaxElasticTaps


@cached
def elastic_hyper(alpha=50.0, sigma=5.0) -> list[float]:
    from torchvision.transforms.v2._utils import _setup_number_or_seq

    a = [v.finite_arg(x, "alpha") for x in _setup_number_or_seq(alpha, "alpha")]
    if any(abs(x) > v.FLOAT32_MAX for x in a):
        # The displacement is float32: noise in [-1, 1] times alpha / size must stay finite.
        raise ValueError(f"alpha values must be at most {v.FLOAT32_MAX:.6g} in magnitude (a float32 field), got {a}")
    s = [v.finite_arg(x, "sigma") for x in _setup_number_or_seq(sigma, "sigma")]
    if (s[0] > 0) != (s[1] > 0):
        raise ValueError(f"sigma values must both be > 0 (blur) or both be <= 0 (no blur), got {s}")
    if max(s) > 0 and 8 * max(s) + 1 >= ELASTIC_MAX_TAPS + 1:  # checked here too: before the generator moves
        raise ValueError(f"sigma {max(s)} needs a kernel of int(8 * sigma + 1) taps, above the supported "
                         f"{ELASTIC_MAX_TAPS} (sigma below 64)")
    return [*a, *s]


def elastic(generator, *, n=None, indices=None, image_size, device=None, alpha=50.0, sigma=5.0):
    """ElasticTransform: {'displacement': float32 (n, H, W, 2)}, generated on `device`: uniform
    noise in [-1, 1) per sample, Gaussian-blurred (kernel size int(8 sigma + 1) made odd,
    reflect padding) and scaled by alpha / W and alpha / H. One image size for the batch."""
    hyper = elastic_hyper(alpha, sigma)
    n, idx, hw, sizes, device = _batch(n, indices, image_size, device)
    if sizes is not None:
        raise ValueError("elastic: image_size must be one (height, width) for the batch (sample groups of "
                         "equal size with `indices` for variable sizes)")
    from .._streams import resolve

    out = v.empty((n, hw[0], hw[1], 2), torch.float32, device, f"n={n} displacement fields of image_size {hw}")
    stream, gen = resolve(generator, device, n, 1, advance=idx is None)
    torch.ops.torchrng.elastic_field(out, hyper, idx, stream, gen)
    return {"displacement": out}

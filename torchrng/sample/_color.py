"""Batched samplers of the random photometric transforms of torchvision.transforms.v2: ColorJitter,
RandomPhotometricDistort, RandomChannelPermutation and the p-gated colour transforms.

Each function takes the transform's sampling hyperparameters with torchvision's names, defaults and
validation, and returns torchvision's make_params dict with one row per sample (p-gated ones add a
boolean `apply`). Sample i's values depend only on (key, i, hyperparameters).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import torch

from .. import _validate as v
from ._driver import draw_dict, resolve_batch
from ._geometry import cached, check_p
from ._layout import BITS, BOOL, INT, Layout, column, columns
from ._ids import COLOR_JITTER, GATE, MAX_PERMUTATION, PERMUTATION, PHOTOMETRIC_DISTORT, permutation_blocks

__all__ = [
    "color_jitter", "photometric_distort", "channel_permutation", "grayscale", "invert", "posterize", "solarize",
    "adjust_sharpness", "autocontrast", "equalize",
]

_FACTORS = ("brightness_factor", "contrast_factor", "saturation_factor", "hue_factor")
_COLOR_JITTER = Layout(columns("fn_idx", 0, 4, kind=BITS), *(column(k, 4 + i) for i, k in enumerate(_FACTORS)))
_APPLY = Layout(column("apply", 0))


@functools.lru_cache(maxsize=64)
def _photometric_distort_layout(channels: int) -> Layout:
    return Layout(*(column(k, i) for i, k in enumerate(_FACTORS)), column("contrast_before", 4, BOOL),
                  column("apply_channel_permutation", 5, BOOL), columns("channel_permutation", 6, channels, kind=INT))


@functools.lru_cache(maxsize=64)
def _permutation_layout(channels: int) -> Layout:
    return Layout(columns("permutation", 0, channels))


def _batch(n, indices, image_size, device):
    return resolve_batch(n, indices, image_size, device, needs_size=False)


def channels_arg(num_channels) -> int:
    c = v.int_arg(num_channels, "num_channels", minimum=1)
    if c > MAX_PERMUTATION:
        raise ValueError(f"num_channels must be <= {MAX_PERMUTATION}, got {c}")
    return c


# --- ColorJitter --------------------------------------------------------------------------------


def _jitter_range(value, name, center=1.0, bound=(0.0, math.inf), clip_first_on_zero=True):
    """torchvision's ColorJitter._check_input: None, or the (min, max) range to draw from."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError(f"If {name} is a single number, it must be non negative.")
        value = [center - value, center + value]
        if clip_first_on_zero:
            value[0] = max(value[0], 0.0)
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        value = [v.real_arg(x, name) for x in value]
    else:
        raise TypeError(f"{name}={value} should be a single number or a sequence with length 2.")
    if not bound[0] <= value[0] <= value[1] <= bound[1]:
        raise ValueError(f"{name} values should be between {bound} and increasing, but got {value}.")
    if not (math.isfinite(value[0]) and math.isfinite(value[1])):
        raise ValueError(f"{name} values must be finite, got {value}")
    v.float32_range(value[0], value[1], name)
    return None if value[0] == value[1] == center else (float(value[0]), float(value[1]))


@cached
def color_jitter_hyper(brightness=None, contrast=None, saturation=None, hue=None) -> list[float]:
    hyper = []
    for value, name, kw in (
        (brightness, "brightness", {}),
        (contrast, "contrast", {}),
        (saturation, "saturation", {}),
        (hue, "hue", {"center": 0.0, "bound": (-0.5, 0.5), "clip_first_on_zero": False}),
    ):
        r = _jitter_range(value, name, **kw)
        hyper += [0.0, 0.0, 0.0] if r is None else [1.0, r[0], r[1]]
    return hyper


def color_jitter(generator, *, n=None, indices=None, image_size=None, device=None, brightness=None, contrast=None,
                 saturation=None, hue=None):
    """ColorJitter: {'fn_idx': int64 (n, 4), the order of the four adjustments (torch.randperm(4));
    'brightness_factor', 'contrast_factor', 'saturation_factor', 'hue_factor': float64 (n,), each
    uniform in its configured range, NaN where torchvision's factor is None (not configured, or a
    range collapsed to the identity)}. Two blocks per sample: the permutation, then the four
    factors."""
    hyper = color_jitter_hyper(brightness, contrast, saturation, hue)
    return draw_dict(_COLOR_JITTER, COLOR_JITTER, 8, torch.float64, hyper, 2, generator,
                     *_batch(n, indices, image_size, device))


# --- RandomPhotometricDistort ---------------------------------------------------------------------


def _distort_range(value, name, bound) -> tuple[float, float]:
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2:
        raise TypeError(f"{name} should be a sequence (min, max) of two numbers, got {value!r}")
    lo, hi = (v.finite_arg(x, name) for x in value)
    if not bound[0] <= lo <= hi <= bound[1]:
        raise ValueError(f"{name} values should be between {bound} and increasing, but got {[lo, hi]}.")
    v.float32_range(lo, hi, name)
    return lo, hi


@cached
def photometric_distort_hyper(brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5),
                              hue=(-0.05, 0.05), p=0.5, num_channels=3) -> list[float]:
    hyper = []
    for value, name, bound in ((brightness, "brightness", (0.0, math.inf)), (contrast, "contrast", (0.0, math.inf)),
                               (saturation, "saturation", (0.0, math.inf)), (hue, "hue", (-0.5, 0.5))):
        hyper += _distort_range(value, name, bound)
    return [*hyper, check_p(p), float(channels_arg(num_channels))]


def photometric_distort(generator, *, n=None, indices=None, image_size=None, device=None, num_channels=3,
                        brightness=(0.875, 1.125), contrast=(0.5, 1.5), saturation=(0.5, 1.5),
                        hue=(-0.05, 0.05), p=0.5):
    """RandomPhotometricDistort: {'brightness_factor', 'contrast_factor', 'saturation_factor',
    'hue_factor': float64 (n,), NaN where the factor's p gate did not fire (torchvision's None);
    'contrast_before': bool (n,); 'channel_permutation': int64 (n, num_channels), the identity where
    its gate did not fire; 'apply_channel_permutation': bool (n,)}. `num_channels` is the input's C.
    Blocks: 3 + permutation_blocks(C) (1 for C <= 20)."""
    hyper = photometric_distort_hyper(brightness, contrast, saturation, hue, p, num_channels)
    c = int(hyper[9])
    return draw_dict(_photometric_distort_layout(c), PHOTOMETRIC_DISTORT, 6 + c, torch.float64, hyper,
                     3 + permutation_blocks(c), generator, *_batch(n, indices, image_size, device))


def channel_permutation(generator, *, n=None, indices=None, image_size=None, device=None, num_channels=3):
    """RandomChannelPermutation: {'permutation': int64 (n, num_channels)}, uniform (torch.randperm(C)).
    Blocks: permutation_blocks(C) (1 for C <= 20, 0 for C = 1)."""
    c = channels_arg(num_channels)
    return draw_dict(_permutation_layout(c), PERMUTATION, c, torch.int64, [float(c)], permutation_blocks(c), generator,
                     *_batch(n, indices, image_size, device))


# --- p-gated colour transforms -------------------------------------------------------------------


def gate(generator, n, indices, image_size, device, p) -> torch.Tensor:
    """The `[p]` coin of torchvision's _RandomApplyTransform: bool (n,), true with probability p."""
    return draw_dict(_APPLY, GATE, 1, torch.bool, [check_p(p)], 1, generator,
                     *_batch(n, indices, image_size, device))["apply"]


def grayscale(generator, *, n=None, indices=None, image_size=None, device=None, p=0.1, num_channels=3):
    """RandomGrayscale: {'apply': bool (n,), 'num_input_channels': int64 (n,) (= num_channels)}."""
    apply = gate(generator, n, indices, image_size, device, p)
    return {"apply": apply, "num_input_channels": torch.full_like(apply, channels_arg(num_channels), dtype=torch.int64)}


def invert(generator, *, n=None, indices=None, image_size=None, device=None, p=0.5):
    """RandomInvert: {'apply': bool (n,)}."""
    return {"apply": gate(generator, n, indices, image_size, device, p)}


def posterize(generator, *, n=None, indices=None, image_size=None, device=None, bits=None, p=0.5):
    """RandomPosterize: {'apply': bool (n,)}. `bits` does not change the draw; when given it is
    checked as torchvision's kernel checks it."""
    if bits is not None and (isinstance(bits, bool) or not isinstance(bits, int) or not 0 <= bits <= 8):
        raise TypeError(f"bits must be a positive integer in the range [0, 8], got {bits} instead.")
    return {"apply": gate(generator, n, indices, image_size, device, p)}


def solarize(generator, *, n=None, indices=None, image_size=None, device=None, threshold=None, p=0.5):
    """RandomSolarize: {'apply': bool (n,)}. `threshold` does not change the draw (checked to be a
    number when given)."""
    if threshold is not None:
        v.real_arg(threshold, "threshold")
    return {"apply": gate(generator, n, indices, image_size, device, p)}


def adjust_sharpness(generator, *, n=None, indices=None, image_size=None, device=None, sharpness_factor=None, p=0.5):
    """RandomAdjustSharpness: {'apply': bool (n,)}. `sharpness_factor` does not change the draw;
    when given it must be >= 0, as torchvision's kernel requires."""
    if sharpness_factor is not None and v.real_arg(sharpness_factor, "sharpness_factor") < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    return {"apply": gate(generator, n, indices, image_size, device, p)}


def autocontrast(generator, *, n=None, indices=None, image_size=None, device=None, p=0.5):
    """RandomAutocontrast: {'apply': bool (n,)}."""
    return {"apply": gate(generator, n, indices, image_size, device, p)}


def equalize(generator, *, n=None, indices=None, image_size=None, device=None, p=0.5):
    """RandomEqualize: {'apply': bool (n,)}."""
    return {"apply": gate(generator, n, indices, image_size, device, p)}



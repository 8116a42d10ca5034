"""Batched samplers of RandomErasing, MixUp, CutMix and JPEG (torchvision.transforms.v2._augment)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch

from .. import _validate as v
from .._streams import _as_i64, give_back, resolve
from ._driver import draw_dict, resolve_batch, rows_request, run_rows
from ._geometry import cached, check_p, memoised
from ._ids import BETA_BLOCKS, CUTMIX, ERASING, INTEGER, MIXUP
from ._layout import BOOL, INT, Layout, column, columns
from ._misc import normal_field

__all__ = ["erasing", "mixup", "cutmix", "jpeg"]

ERASING_BLOCKS = 8  # the rows' budget; value='random' keys its field by block 8

_ERASING = Layout(column("apply", 0, BOOL), column("found", 1, BOOL),
                  *(column(k, 2 + i) for i, k in enumerate(("i", "j", "h", "w"))))
_MIXUP = Layout(column("lam", 0))
_CUTMIX = Layout(columns("box", 0, 4, kind=INT), column("lam_adjusted", 4))
_QUALITY = Layout(column("quality", 0))


# --- RandomErasing --------------------------------------------------------------------------------


@cached
def erasing_hyper(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3)) -> list[float]:
    p = check_p(p)
    if not isinstance(scale, Sequence) or isinstance(scale, str):
        raise TypeError("Scale should be a sequence")
    if not isinstance(ratio, Sequence) or isinstance(ratio, str):
        raise TypeError("Ratio should be a sequence")
    if len(scale) != 2 or len(ratio) != 2:
        raise ValueError(f"Scale and ratio should be sequences of two numbers, got {tuple(scale)} and {tuple(ratio)}")
    s0, s1 = (v.finite_arg(x, "scale") for x in scale)
    r0, r1 = (v.finite_arg(x, "ratio") for x in ratio)
    if s0 > s1 or r0 > r1:
        raise ValueError(f"Scale and ratio should be of kind (min, max), got {tuple(scale)} and {tuple(ratio)}")
    if s0 < 0 or s1 > 1:
        raise ValueError("Scale should be between 0 and 1")
    if r0 <= 0:
        raise ValueError(f"Ratio values should be positive, got {tuple(ratio)}")
    return [p, s0, s1, math.log(r0), math.log(r1)]


def _erase_fill(value, num_channels):
    """None for 'random', else the fill values as a tuple of floats (torchvision's self.value)."""
    c = v.int_arg(num_channels, "num_channels", minimum=1)
    if not isinstance(value, (numbers.Number, str, tuple, list)):
        raise TypeError("Argument value should be either a number or str or a sequence")
    if isinstance(value, str):
        if value != "random":
            raise ValueError("If value is str, it should be 'random'")
        return None
    values = tuple(v.real_arg(x, "value") for x in ((value,) if isinstance(value, numbers.Number) else value))
    if len(values) not in (1, c):
        raise ValueError(
            f"If value is a sequence, it should have either a single value or {c} (number of inpt channels)"
        )
    return values


_erase_fill_cached = memoised(_erase_fill)  # a tuple or None: nothing to copy


def erasing(generator, *, n=None, indices=None, image_size, device=None, num_channels=3, p=0.5, scale=(0.02, 0.33),
            ratio=(0.3, 3.3), value=0.0):
    """RandomErasing: {'apply': bool (n,), the [p] gate; 'found': bool (n,), whether one of the ten
    attempts fit (False is torchvision's no-erase outcome: i = j = 0, h = H, w = W, v = None); 'i',
    'j', 'h', 'w': int64 (n,); 'v': float32}. The image is erased iff apply & found.

    'v' is (n, len(value), 1, 1) for a number or a sequence of fill values, and for value='random'
    an (n, num_channels, H, W) standard-normal field generated on `device`, aligned with the image:
    torchvision's v for sample k is v[k, :, i:i+h, j:j+w]. Eight blocks per sample, nine with
    value='random' (block 8 keys the field); the attempts are drawn whatever the gate says."""
    hyper = erasing_hyper(p, scale, ratio)
    fill = _erase_fill_cached(value, num_channels)
    n, idx, hw, sizes, device = resolve_batch(n, indices, image_size, device)
    if fill is None and sizes is not None:
        raise ValueError("erasing: value='random' needs one image size for the batch (sample groups of equal size "
                         "with `indices` for variable sizes)")
    stream, gen = resolve(generator, device, n, ERASING_BLOCKS + (fill is None), advance=idx is None)
    try:
        out = draw_dict(_ERASING, ERASING, 6, torch.int64, hyper, ERASING_BLOCKS, generator, n, idx, hw, sizes,
                        device, resolved=(stream, gen))
        out["v"] = _erasing_values(fill, n, idx, num_channels, hw, device, stream, gen)
    except RuntimeError:
        if idx is None:
            give_back(generator, stream, n)  # a batch too large to allocate: the call takes no indices
        raise
    return out


def _erasing_values(fill, n, idx, num_channels, hw, device, stream, gen) -> torch.Tensor:
    """RandomErasing's 'v': per-pixel normals on the erasing stream's next block (value='random'),
    else the fill values, (n, C, 1, 1)."""
    if fill is None:
        field_stream = stream if gen is not None else [*stream[:3], _as_i64(stream[3] + ERASING_BLOCKS)]
        return normal_field(None, n, idx, (int(num_channels), *hw), device, 0.0, 1.0, torch.float32,
                            stream=field_stream, gen=gen)
    if min(fill) == max(fill):  # one value: filled on the device (no host-to-device copy)
        return torch.full((n, len(fill), 1, 1), fill[0], dtype=torch.float32, device=device)
    vals = torch.empty((n, len(fill), 1, 1), dtype=torch.float32, device=device)  # one fill per value
    for k, x in enumerate(fill):
        vals.select(1, k).fill_(x)
    return vals


# --- MixUp / CutMix -------------------------------------------------------------------------------


def _alpha_arg(alpha) -> float:
    alpha = v.finite_arg(alpha, "alpha")
    if alpha <= 0:
        raise ValueError(f"alpha must be > 0 (the Beta distribution's concentration), got {alpha}")
    v.float32_positive(alpha, "alpha")
    return alpha


def _mix_rows(layout, sampler, columns, hyper, blocks, generator, n, indices, image_size, device, per_sample,
              needs_size):
    if not isinstance(per_sample, bool):
        raise TypeError(f"per_sample must be a bool, got {type(per_sample).__name__}")
    batch = resolve_batch(n, indices, image_size, device, needs_size=needs_size)
    if per_sample:
        return draw_dict(layout, sampler, columns, torch.float64, hyper, blocks, generator, *batch)
    n, idx, hw, sizes, device = batch
    if sizes is not None and needs_size:
        raise ValueError("cutmix: per_sample=False draws one box for the whole batch, which needs one image size: "
                         "pass image_size=(H, W), or per_sample=True for per-sample image sizes")
    # One draw for the batch: the row of its first sample, repeated (allocated before the generator
    # moves). The generator still hands out n sample indices, as with per_sample=True.
    m = min(n, 1)
    rows = v.empty((n, columns), torch.float64, device, rows_request(n, columns))
    stream, gen = resolve(generator, device, n, blocks, advance=idx is None)
    first = rows[:m]
    run_rows(first, sampler, hyper, hw, sizes[:m] if sizes is not None else None, idx[:m] if idx is not None else None,
             stream, gen)
    if n > 1:
        rows[1:].copy_(first.expand(n - 1, columns))
    return layout.split(rows)


def mixup(generator, *, n=None, indices=None, image_size=None, device=None, alpha=1.0, per_sample=False):
    """MixUp: {'lam': float64 (n,)}, Beta(alpha, alpha) (core::beta_variate, ten blocks). With
    per_sample=False (torchvision's behaviour) every row holds the batch's one lambda, drawn for
    its first sample; per_sample=True draws one per sample."""
    return _mix_rows(_MIXUP, MIXUP, 1, [_alpha_arg(alpha)], BETA_BLOCKS, generator, n, indices, image_size, device,
                     per_sample, False)


def cutmix(generator, *, n=None, indices=None, image_size, device=None, alpha=1.0, per_sample=False):
    """CutMix: {'box': int64 (n, 4) as (x1, y1, x2, y2), 'lam_adjusted': float64 (n,)}: lambda ~
    Beta(alpha, alpha), the box centre uniform over the pixels, half sides int(r W) and int(r H)
    with r = sqrt(1 - lambda) / 2, clamped to the image; lam_adjusted = 1 - box area / image area.
    Twelve blocks. per_sample=False (torchvision's behaviour): one box for the batch (the first
    sample's); per_sample=True: one per sample."""
    return _mix_rows(_CUTMIX, CUTMIX, 5, [_alpha_arg(alpha)], BETA_BLOCKS + 2, generator, n, indices, image_size,
                     device, per_sample, True)


# --- JPEG -----------------------------------------------------------------------------------------


@cached
def jpeg_hyper(quality) -> list[float]:
    if isinstance(quality, int):
        if isinstance(quality, bool):
            raise TypeError("quality can't be bool")
        quality = [quality, quality]
    elif not isinstance(quality, Sequence) or isinstance(quality, str):
        raise TypeError("quality should be a sequence of length 2.")
    elif len(quality) != 2:
        raise ValueError("quality should be a sequence of length 2.")
    if not (isinstance(quality[0], int) and isinstance(quality[1], int) and 1 <= quality[0] <= quality[1] <= 100):
        raise ValueError(f"quality must be an integer from 1 to 100, got {quality =}")
    return [float(quality[0]), float(quality[1] + 1)]


def jpeg(generator, *, n=None, indices=None, image_size=None, device=None, quality):
    """JPEG: {'quality': int64 (n,)}, uniform over [quality[0], quality[1]] (both ends included, as
    torchvision's randint(q0, q1 + 1)). One block per sample."""
    return draw_dict(_QUALITY, INTEGER, 1, torch.int64, jpeg_hyper(quality), 1, generator,
                     *resolve_batch(n, indices, image_size, device, needs_size=False))

"""The decisions of the containers RandomApply, RandomChoice and RandomOrder, one per sample."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from .. import _validate as v
from ._color import gate
from ._driver import draw_dict, resolve_batch
from ._layout import Layout, column, columns
from ._ids import CHOICE, MAX_PERMUTATION, PERMUTATION, permutation_blocks

__all__ = ["random_apply", "random_choice", "random_order"]

MAX_CHOICES = 256
_INDEX = Layout(column("index", 0))


def _count(transforms, num_transforms, *, required: bool = True) -> int | None:
    """The number of child transforms, from `transforms` (torchvision's argument: only its length
    matters here) or `num_transforms`."""
    if transforms is not None:
        if not isinstance(transforms, (Sequence, torch.nn.ModuleList)) or isinstance(transforms, str):
            raise TypeError("Argument transforms should be a sequence of callables")
        if not transforms:
            raise ValueError("transforms: pass at least one transform")
        count = len(transforms)
        if num_transforms is not None and v.int_arg(num_transforms, "num_transforms") != count:
            raise ValueError(f"num_transforms={num_transforms} does not match the {count} transforms given")
        return count
    if num_transforms is not None:
        return v.int_arg(num_transforms, "num_transforms", minimum=1)
    if required:
        raise ValueError("give transforms (a sequence of transforms) or num_transforms")
    return None


def random_apply(generator, *, n=None, indices=None, image_size=None, device=None, transforms=None, p=0.5):
    """RandomApply: {'apply': bool (n,)}, whether the children run (torchvision's
    `torch.rand(1) >= p` skips them). One block per sample (the p gate)."""
    _count(transforms, None, required=False)
    return {"apply": gate(generator, n, indices, image_size, device, p)}


def choice_cumulative(weights) -> list[float]:
    """Cumulative normalised weights (torchvision's p = [w / sum(w)]), in order, with the last
    positive entry (and any after it) exactly 1."""
    if not isinstance(weights, Sequence) or isinstance(weights, str):
        raise TypeError(f"p should be a list of numbers, got {type(weights).__name__}")
    w = [v.finite_arg(x, "p") for x in weights]
    if any(x < 0 for x in w):
        raise ValueError(f"p must not hold negative weights, got {list(weights)}")
    total = sum(w)
    if total == float("inf"):  # finite weights whose sum overflows: the same ratios, rescaled
        top = max(w)
        w = [x / top for x in w]
        total = sum(w)
    if not total > 0:
        raise ValueError(f"p must hold a positive weight (they are normalised by their sum), got {list(weights)}")
    probs = [x / total for x in w]
    last = max(i for i, x in enumerate(probs) if x > 0)
    cum, acc = [], 0.0
    for i, x in enumerate(probs):
        acc += x
        cum.append(1.0 if i >= last else min(acc, 1.0))
    return cum


def random_choice(generator, *, n=None, indices=None, image_size=None, device=None, transforms=None, p=None,
                  num_transforms=None):
    """RandomChoice: {'index': int64 (n,)}, the child that runs, picked with probability p[i] /
    sum(p) (uniform when p is None). The number of children comes from `transforms`,
    `num_transforms` or len(p). One block per sample (a 53-bit uniform against the cumulative
    weights)."""
    count = _count(transforms, num_transforms, required=p is None)
    if p is None:
        p = [1.0] * count
    elif not isinstance(p, Sequence) or isinstance(p, str):
        raise TypeError(f"p must be a sequence of weights (one per transform), got {type(p).__name__}")
    elif count is not None and len(p) != count:
        raise ValueError(f"Length of p doesn't match the number of transforms: {len(p)} != {count}")
    if not 1 <= len(p) <= MAX_CHOICES:
        raise ValueError(f"random_choice supports 1 to {MAX_CHOICES} transforms, got {len(p)}")
    return draw_dict(_INDEX, CHOICE, 1, torch.int64, choice_cumulative(p), 1, generator,
                     *resolve_batch(n, indices, image_size, device, needs_size=False))


def random_order(generator, *, n=None, indices=None, image_size=None, device=None, transforms=None,
                 num_transforms=None):
    """RandomOrder: {'order': int64 (n, len(transforms))}, a uniform permutation (torchvision's
    torch.randperm(len(transforms))). permutation_blocks(k) blocks per sample (1 for k <= 20)."""
    count = _count(transforms, num_transforms)
    if count > MAX_PERMUTATION:
        raise ValueError(f"random_order supports up to {MAX_PERMUTATION} transforms, got {count}")
    return draw_dict(Layout(columns("order", 0, count)), PERMUTATION, count, torch.int64, [float(count)],
                     permutation_blocks(count), generator, *resolve_batch(n, indices, image_size, device, needs_size=False))



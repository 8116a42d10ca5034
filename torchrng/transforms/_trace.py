"""Tracing a pipeline: the (transform, params) it would apply, without the pixel work."""

from __future__ import annotations

import torch
from torchvision import tv_tensors

from ._base import _RECORDER


def _to_meta(x):
    if isinstance(x, torch.Tensor):
        return x.to("meta") if not isinstance(x, tv_tensors.TVTensor) else tv_tensors.wrap(
            x.as_subclass(torch.Tensor).to("meta"), like=x)
    return x


def trace(transform, *inputs, image_size=None, generator=None) -> list[tuple[object, dict]]:
    """Runs `transform` on shape-only (meta) copies of `inputs` (or on a 3 x H x W image of
    `image_size`) and returns the list of (transform, params) it applied, in order: the
    parameters its drop-ins would use for `generator` (a Key, a torchrng.Generator, or None for
    the ambient / global fall-back). Containers report their decisions too.
    Replay one entry with `entry_transform.apply_params(x, params=entry_params)`."""
    from torch.utils._pytree import tree_map

    if image_size is not None:
        if inputs:
            raise ValueError("give either inputs or image_size, not both")
        inputs = (tv_tensors.Image(torch.empty(3, *image_size, device="meta")),)
    if not inputs:
        raise ValueError("trace needs inputs or image_size")
    meta_inputs = tree_map(_to_meta, inputs)
    recorded: list = []
    token = _RECORDER.set(recorded)
    try:
        if generator is None:
            transform(*meta_inputs)
        else:
            transform(*meta_inputs, generator=generator)
    finally:
        _RECORDER.reset(token)
    return recorded

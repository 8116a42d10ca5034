"""Compose, and the fused standard recipe.

Compose hands child j the stream (key.fold_in(stream id), same sample indices), the stream id being
the child's `stream=` (or the Compose's `streams=[...]` entry), else its position: exactly the
streams torchrng.transforms.Compose gives its children. With a CUDA torch.Generator the children
draw from the generator one after the other.

FusedResizedCrop is the ImageNet training recipe RandomResizedCrop -> RandomHorizontalFlip ->
[ColorJitter] -> ToDtype -> Normalize as one native kernel that reads the input once and writes the
output once (the input is read a second time, for the per-sample contrast mean, only when contrast
jitter is configured). It draws exactly what Compose([...]) of the separate transforms draws, and
Compose runs it automatically when its children form that recipe (fuse=True).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torchvision.transforms.v2 import InterpolationMode

from .._calls import check_stream, check_streams, stream_id
from ._augment import Normalize, ToDtype
from ._color import ColorJitter, jitter_rows
from ._core import BatchTransform, Draw, State, raise_if_output_too_large
from ._geometry import RandomHorizontalFlip, RandomResizedCrop, _crop_resize_boxes, _resize_masks, resized_crop

__all__ = ["Compose", "FusedResizedCrop"]

MAX_NORMALIZE_CHANNELS = 16  # csrc/batch/fused.h's kMaxChannels: the fused kernel's mean and std arrays


def _apply_plain(fn, state: State) -> None:
    """A plain callable in a Compose: applied to the images as they are (a tensor or a list)."""
    imgs = state.images
    state.set_images(fn(imgs.tensor if imgs.tensor is not None else imgs.items))


class Compose(BatchTransform):
    """Runs batch transforms in sequence, child j drawing from (key.fold_in(stream id), same
    indices). Plain callables are applied to the images. With fuse=True (default), a sequence
    RandomResizedCrop, RandomHorizontalFlip, [ColorJitter], ToDtype, [Normalize] runs as one
    FusedResizedCrop (same parameters, same result)."""

    def __init__(self, transforms: Sequence, *, generator=None, stream=None, streams=None, fuse: bool = True):
        super().__init__(generator=generator, stream=stream)
        if not isinstance(transforms, Sequence) or isinstance(transforms, str):
            raise TypeError("transforms must be a sequence of batch transforms or callables")
        for j, t in enumerate(transforms):
            if not callable(t):
                raise TypeError(f"transforms[{j}] is not callable: {t!r}")
        self.transforms = list(transforms)
        for j, t in enumerate(self.transforms):
            if isinstance(t, torch.nn.Module):
                self.add_module(str(j), t)
        self.streams = check_streams(streams, len(self.transforms))
        self.fused = FusedResizedCrop.from_sequence(self.transforms, self.streams) if fuse else None

    def _run(self, state: State, draw: Draw) -> None:
        if self.fused is not None and self.fused.handles(state.images):
            self.fused._run(state, draw)
            # the children's parameters, as the unfused run records them
            params = self.fused.child_params(self.fused.last_params, len(self.transforms))
            for t, p in zip(self.transforms, params):
                t.last_params = p
            self.last_params = {"transforms": params}
            return
        params = []
        for j, t in enumerate(self.transforms):
            if isinstance(t, BatchTransform):
                own = t.generator is not None
                child_draw = draw.child(stream_id(self.streams, j, t)) if not own else None
                if own:
                    from ._core import resolve_draw

                    # its own generator, at the call's sample indices when given (as at the top level)
                    child_draw = resolve_draw(None, t.generator, draw.indices, state.n, state.images.device)
                try:
                    t._run(state, child_draw)
                except RuntimeError as e:
                    raise_if_output_too_large(e, t, state.n, f"transforms[{j}] ")
                    raise
                params.append(t.last_params)
            else:
                _apply_plain(t, state)
                params.append(None)
        self.last_params = {"transforms": params}

    def _apply(self, state: State, params: dict) -> None:
        """apply_params: each child applies its own entry of a Compose's last_params."""
        entries = params.get("transforms") if isinstance(params, dict) else None
        if not isinstance(entries, (list, tuple)) or len(entries) != len(self.transforms):
            raise ValueError("Compose.apply_params: params must be a Compose's last_params, {'transforms': [one entry "
                             f"per child ({len(self.transforms)})]}}, got {type(params).__name__}")
        for t, p in zip(self.transforms, entries):
            if isinstance(t, BatchTransform):
                t._apply(state, p)
            else:
                _apply_plain(t, state)

    def sample_params(self, images, *, generator=None, indices=None):
        raise NotImplementedError("Compose.sample_params: a child's parameters can depend on the sizes the earlier "
                                  "children produce; run the Compose and read last_params (one entry per child)")

    def _repr_items(self):
        return [("fused", self.fused is not None)]

    def extra_repr(self) -> str:
        return f"fused={self.fused is not None}"


class FusedResizedCrop(BatchTransform):
    """RandomResizedCrop(size, scale, ratio, interpolation, antialias) -> RandomHorizontalFlip(flip_p)
    -> ColorJitter(brightness, contrast, saturation, hue) (when any is given) ->
    ToDtype(dtype, scale=to_scale) -> Normalize(mean, std) (when given), as one native kernel.

    Parameters are drawn exactly as Compose([RandomResizedCrop(...), RandomHorizontalFlip(...),
    ColorJitter(...), ToDtype(...), Normalize(...)]) draws them: the children's streams are
    key.fold_in(streams[k]) with streams = (0, 1, 2) by default (their positions)."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias: bool = True, flip_p: float = 0.5,
                 brightness=None, contrast=None, saturation=None, hue=None, dtype: torch.dtype = torch.float32,
                 to_scale: bool = True, mean=None, std=None, *, streams=(0, 1, 2), generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.crop = RandomResizedCrop(size, scale, ratio, interpolation, antialias)
        self.flip = RandomHorizontalFlip(flip_p)
        has_jitter = any(x is not None for x in (brightness, contrast, saturation, hue))
        self.jitter = ColorJitter(brightness, contrast, saturation, hue) if has_jitter else None
        self.to_dtype = ToDtype(dtype, to_scale)
        if (mean is None) != (std is None):
            raise ValueError("give both mean and std, or neither")
        self.normalize = Normalize(mean, std) if mean is not None else None
        if self.normalize is not None and not dtype.is_floating_point:
            raise ValueError(f"Normalize needs a floating dtype, got dtype={dtype}")
        streams = tuple(check_stream(s, "streams") for s in streams)
        used = streams[:3] if has_jitter else streams[:2]  # without ColorJitter its stream is never read
        if len(streams) != 3 or len(set(used)) != len(used):
            raise ValueError(f"streams must hold three stream ids (crop, flip, jitter), distinct where used, got {streams}")
        self.streams = streams

    def handles(self, images) -> bool:
        """Whether the fused kernel gives these images the children's result (otherwise the children
        run, with the same parameters): the four image dtypes, at most 16 channels to normalise, and
        not float to uint8 (torchvision's to_dtype scales in the input's own float type and does not
        clamp; the kernel computes in float32 and clamps)."""
        return images.dtype in (torch.uint8, torch.float32, torch.float16, torch.bfloat16) and (
            self.normalize is None or images.channels <= MAX_NORMALIZE_CHANNELS) and not (
            images.dtype.is_floating_point and self.to_dtype.dtype == torch.uint8)

    def children(self) -> list[BatchTransform]:
        """The recipe's steps as separate transforms: crop, flip, [jitter], to_dtype, [normalize]."""
        return [self.crop, self.flip] + ([self.jitter] if self.jitter is not None else []) + [self.to_dtype] + (
            [self.normalize] if self.normalize is not None else [])

    @staticmethod
    def child_params(params: dict, count: int) -> list[dict]:
        """Each of `count` children's parameters, from the fused ones (ToDtype and Normalize draw none)."""
        drawn = [params["crop"], params["flip"]] + ([params["jitter"]] if "jitter" in params else [])
        return drawn + [{}] * (count - len(drawn))

    def _apply_children(self, state: State, params: dict) -> None:
        children = self.children()
        for t, p in zip(children, self.child_params(params, len(children))):
            t._apply(state, p)

    @classmethod
    def from_sequence(cls, transforms, streams=None):
        """The fused equivalent of a sequence of batch transforms, or None when it is not the recipe."""
        seq = list(transforms)
        kinds = [type(t) for t in seq]
        with_jitter = [RandomResizedCrop, RandomHorizontalFlip, ColorJitter, ToDtype]
        without = [RandomResizedCrop, RandomHorizontalFlip, ToDtype]
        for head in (with_jitter, without):
            if kinds[:len(head)] == head and (len(seq) == len(head) or (len(seq) == len(head) + 1 and
                                                                         kinds[-1] is Normalize)):
                break
        else:
            return None
        if any(getattr(t, "generator", None) is not None for t in seq):
            return None
        crop, flip = seq[0], seq[1]
        jitter = seq[2] if kinds[2] is ColorJitter else None
        to_dtype = seq[3 if jitter is not None else 2]
        norm = seq[-1] if kinds[-1] is Normalize else None
        ids = [stream_id(streams, j, t) for j, t in enumerate(seq)]
        fused = cls(crop.size, crop.scale, crop.ratio, crop.interpolation, crop.antialias, flip.p,
                    *((jitter.brightness, jitter.contrast, jitter.saturation, jitter.hue) if jitter is not None
                      else (None, None, None, None)),
                    dtype=to_dtype.dtype, to_scale=to_dtype.scale,
                    mean=None if norm is None else norm.mean, std=None if norm is None else norm.std,
                    streams=tuple(ids[:3]))
        return fused

    def unfused(self) -> Compose:
        """The equivalent Compose of the separate transforms (same streams), not fused."""
        seq = self.children()
        streams = list(self.streams) + [None] * (len(seq) - 3)
        return Compose(seq, streams=streams, fuse=False)

    def _repr_items(self):
        return [("crop", self.crop), ("flip_p", self.flip.p), ("jitter", self.jitter), ("dtype", self.to_dtype.dtype),
                ("normalize", self.normalize)]

    def _sample(self, state: State, draw: Draw) -> dict:
        params = {"crop": self.crop._sample(state, draw.child(self.streams[0])),
                  "flip": self.flip._sample(state, draw.child(self.streams[1]))}
        if self.jitter is not None:
            params["jitter"] = self.jitter._sample(state, draw.child(self.streams[2]))
        return params

    def _apply(self, state: State, params: dict) -> None:
        if not self.handles(state.images):
            return self._apply_children(state, params)
        crop, flip = params["crop"], params["flip"]["apply"]
        top, left, height, width = (crop[k] for k in ("top", "left", "height", "width"))
        if state.boxes is not None:
            _crop_resize_boxes(state, top, left, height, width, self.crop.size)
            b = state.boxes
            w = float(self.crop.size[1])
            x1, y1, x2, y2 = b.xyxy.unbind(-1)
            b.xyxy = torch.where(flip.view(-1, 1, 1), torch.stack((w - x2, y1, w - x1, y2), -1), b.xyxy)
        if state.masks is not None:
            state.masks.set(_resize_masks(state.masks.images, crop, self.crop.size, flip=flip))
        if self.jitter is not None and state.images.channels not in (1, 3):
            raise TypeError(f"ColorJitter: images must have 1 or 3 channels, got {state.images.channels}")
        if self.normalize is not None and len(self.normalize.mean) not in (1, state.images.channels):
            raise ValueError(f"Normalize: mean/std have {len(self.normalize.mean)} values, the images "
                             f"{state.images.channels} channels")
        out_dtype = self.to_dtype.dtype
        out = resized_crop(state.images, top, left, height, width, self.crop.size, self.crop.interpolation,
                           self.crop.antialias, flip=flip,
                           jitter=jitter_rows(params["jitter"]) if self.jitter is not None else None,
                           dtype=out_dtype, scale=self.to_dtype.scale,
                           mean=None if self.normalize is None else self.normalize.mean,
                           std=None if self.normalize is None else self.normalize.std)
        state.set_images(out)

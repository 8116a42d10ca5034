"""What every batch transform shares: the streams of a batch call, the inputs (images, boxes,
masks, labels) and the base class.

Streams. A batch call draws sample i's parameters from the stream (key, index_i): with a Key,
index_i = i (or indices[i] when `indices=` is given); with a torchrng.Generator, the generator's
next B sample indices (it advances by B); with a CPU torch.Generator, a key drawn from it (one
64-bit draw) and indices 0..B-1; with a CUDA torch.Generator on the batch's device, the native
samplers read its Philox seed and offset on the device (graph-safe). With no generator, a key is
drawn from the global torch RNG. Sample i of a batch therefore gets exactly the parameters that the
drop-in transform (torchrng.transforms) gives when called with
generator=torchrng.Generator(key, index=index_i). A batch Compose hands child j the stream
(key.fold_in(stream id), same indices), as torchrng.transforms.Compose does.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import Any, NamedTuple

import torch
from torchvision import tv_tensors

from .._calls import check_generator, check_stream
from .._generator import Generator
from .._keys import Key
from .._streams import draw_key
from .._validate import raise_if_too_large

IMAGE_DTYPES = (torch.uint8, torch.float32, torch.float16, torch.bfloat16)


# --------------------------------------------------------------------------------------------------
# streams
# --------------------------------------------------------------------------------------------------


class Draw:
    """The streams of one batch call (see the module docstring)."""

    __slots__ = ("key", "first", "indices", "torch_generator")

    def __init__(self, key: Key | None, first: int = 0, indices: torch.Tensor | None = None,
                 torch_generator: torch.Generator | None = None):
        self.key = key
        self.first = first
        self.indices = indices
        self.torch_generator = torch_generator

    def sampler_kwargs(self, n: int) -> dict[str, Any]:
        """generator= and n= / indices= for a torchrng.sample function over the whole batch."""
        if self.torch_generator is not None:
            gen = self.torch_generator
        elif self.indices is not None or self.first == 0:
            gen = self.key
        else:
            gen = Generator(self.key, index=self.first)
        if self.indices is not None:
            return {"generator": gen, "indices": self.indices}
        return {"generator": gen, "n": n}

    def subset_kwargs(self, positions: list[int], device: torch.device) -> dict[str, Any]:
        """generator= and indices= for the samples at `positions` of the batch (a sampler run on a
        group of equally sized samples keeps each sample's own stream)."""
        if self.torch_generator is not None:
            return {"generator": self.torch_generator, "n": len(positions)}
        if self.indices is not None:
            idx = self.indices.index_select(0, long_tensor(positions, self.indices.device))
        else:
            idx = long_tensor([(self.first + p) % (1 << 64) for p in positions], device, wrap=True)
        return {"generator": self.key, "indices": idx}

    def child(self, stream_id) -> Draw:
        """The stream of a container's child: the key folded with the child's stream id."""
        if self.torch_generator is not None:
            return self
        return Draw(self.key.fold_in(stream_id), self.first, self.indices)


def long_tensor(values: list[int], device: torch.device, wrap: bool = False) -> torch.Tensor:
    """An int64 tensor of host values on `device`, without a synchronising copy (pinned memory)."""
    if wrap:
        values = [x - (1 << 64) if x >= 1 << 63 else x for x in values]
    t = torch.tensor(values, dtype=torch.int64)
    if device.type == "cuda":
        t = t.pin_memory().to(device, non_blocking=True)
    elif t.device != device:
        t = t.to(device)
    return t


def host_tensor(rows, device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """A tensor of host values on `device`, copied from pinned memory without synchronising."""
    t = torch.tensor(rows, dtype=dtype)
    if device.type == "cuda":
        t = t.pin_memory().to(device, non_blocking=True)
    return t


def indices_arg(indices, n: int, device: torch.device) -> torch.Tensor:
    from ..sample._driver import _indices_arg

    idx = _indices_arg(indices, device)
    if idx.numel() != n:
        raise ValueError(f"indices: expected one sample index per image ({n}), got {idx.numel()}")
    return idx


def resolve_draw(forward_generator, ctor_generator, indices, n: int, device: torch.device) -> Draw:
    """The streams of a top-level batch call (forward's generator wins over the constructor's)."""
    gen = forward_generator if forward_generator is not None else ctor_generator
    if isinstance(gen, Draw):  # from an enclosing batch container
        if indices is not None:
            raise ValueError("indices= is given to the outermost transform only")
        return gen
    check_generator(gen)
    idx = None if indices is None else indices_arg(indices, n, device)
    if gen is None:
        return Draw(draw_key(None), 0, idx)
    if isinstance(gen, Key):
        return Draw(gen, 0, idx)
    if isinstance(gen, Generator):
        if idx is not None:
            return Draw(gen.key, 0, idx)
        key, first = gen.reserve(n)  # key and indices read together: a concurrent re-seed cannot split them
        return Draw(key, first)
    if isinstance(gen, torch.Generator):
        if gen.device.type == "cuda":
            return Draw(None, 0, idx, torch_generator=gen)
        return Draw(draw_key(gen), 0, idx)
    raise TypeError(f"generator: unsupported type {type(gen).__name__}")  # check_generator let it through


# --------------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------------


def _check_image_dtype(dtype, name):
    if dtype not in IMAGE_DTYPES:
        raise TypeError(f"{name} must be uint8, float32, float16 or bfloat16, got {dtype}")


class Images:
    """A batch of images: a (B, C, H, W) tensor, or a list of (C, Hi, Wi) tensors (any sizes)."""

    __slots__ = ("tensor", "items", "n", "channels", "dtype", "device", "sizes", "wrap_like")

    def __init__(self, images, name: str = "images"):
        self.wrap_like = None
        if isinstance(images, torch.Tensor):
            if isinstance(images, tv_tensors.TVTensor):
                self.wrap_like = images
                images = images.as_subclass(torch.Tensor)
            if images.dim() != 4:
                raise ValueError(f"{name} must be a (B, C, H, W) tensor or a list of (C, H, W) tensors, got a "
                                 f"tensor of shape {tuple(images.shape)}")
            _check_image_dtype(images.dtype, name)
            b, c, h, w = images.shape
            if b == 0:
                raise ValueError(f"{name}: empty batch (B = 0)")
            if c < 1 or h < 1 or w < 1:
                raise ValueError(f"{name} must have C, H, W >= 1, got shape {tuple(images.shape)}")
            self.tensor, self.items = images, None
            self.n, self.channels, self.dtype, self.device = b, c, images.dtype, images.device
            self.sizes = None
            return
        if not isinstance(images, (list, tuple)):
            raise TypeError(f"{name} must be a (B, C, H, W) tensor or a list of (C, H, W) tensors, got "
                            f"{type(images).__name__}")
        if len(images) == 0:
            raise ValueError(f"{name}: empty batch (an empty list)")
        items = []
        for i, t in enumerate(images):
            if not isinstance(t, torch.Tensor):
                raise TypeError(f"{name}[{i}] must be a tensor, got {type(t).__name__}")
            t = t.as_subclass(torch.Tensor) if isinstance(t, tv_tensors.TVTensor) else t
            if t.dim() != 3:
                raise ValueError(f"{name}[{i}] must be a (C, H, W) tensor, got shape {tuple(t.shape)}")
            _check_image_dtype(t.dtype, f"{name}[{i}]")
            if min(t.shape) < 1:
                raise ValueError(f"{name}[{i}] must have C, H, W >= 1, got shape {tuple(t.shape)}")
            items.append(t)
        first = items[0]
        for i, t in enumerate(items[1:], 1):
            if t.shape[0] != first.shape[0]:
                raise ValueError(f"{name}[{i}] has {t.shape[0]} channels but {name}[0] has {first.shape[0]}")
            if t.dtype != first.dtype:
                raise TypeError(f"{name}[{i}] is {t.dtype} but {name}[0] is {first.dtype}")
            if t.device != first.device:
                raise ValueError(f"{name}[{i}] is on {t.device} but {name}[0] is on {first.device}")
        self.items, self.tensor = items, None
        self.n, self.channels, self.dtype, self.device = len(items), first.shape[0], first.dtype, first.device
        self.sizes = [(int(t.shape[1]), int(t.shape[2])) for t in items]

    @classmethod
    def of(cls, value) -> Images:
        return cls.__new__(cls)._set(value)

    def _set(self, value):
        self.wrap_like = None
        if isinstance(value, torch.Tensor):
            self.tensor, self.items, self.sizes = value, None, None
            self.n, self.channels = value.shape[0], value.shape[1]
        else:
            self.tensor, self.items = None, list(value)
            self.n, self.channels = len(value), value[0].shape[0]
            self.sizes = [(int(t.shape[1]), int(t.shape[2])) for t in value]
        first = value if isinstance(value, torch.Tensor) else value[0]
        self.dtype, self.device = first.dtype, first.device
        return self

    @property
    def is_list(self) -> bool:
        return self.items is not None

    @property
    def hw(self) -> tuple[int, int] | None:
        """The common (H, W), or None when the samples' sizes differ."""
        if self.tensor is not None:
            return int(self.tensor.shape[2]), int(self.tensor.shape[3])
        first = self.sizes[0]
        return first if all(s == first for s in self.sizes) else None

    def size_of(self, i: int) -> tuple[int, int]:
        return self.hw if self.tensor is not None else self.sizes[i]

    def size_arg(self):
        """image_size= for the samplers: (H, W), or an (n, 2) int64 tensor on the device."""
        hw = self.hw
        if hw is not None:
            return hw
        return long_tensor([x for s in self.sizes for x in s], self.device).view(-1, 2)

    def groups(self) -> list[tuple[tuple[int, int], list[int]]]:
        """The samples grouped by size, in order of first appearance."""
        if self.tensor is not None:
            return [(self.hw, list(range(self.n)))]
        out: dict[tuple[int, int], list[int]] = {}
        for i, s in enumerate(self.sizes):
            out.setdefault(s, []).append(i)
        return list(out.items())

    def stacked(self, positions: list[int]) -> torch.Tensor:
        if self.tensor is not None:
            return self.tensor if len(positions) == self.n else self.tensor[positions]
        return torch.stack([self.items[i] for i in positions])

    def output(self, value):
        """Wraps a result like the input (a tv_tensors.Image stays one)."""
        if self.wrap_like is not None and isinstance(value, torch.Tensor):
            return tv_tensors.wrap(value, like=self.wrap_like)
        return value


def select_rows(params: dict, positions: list[int], n: int, device) -> dict:
    """The parameter rows of the samples at `positions` (tensors with a leading batch dim)."""
    if len(positions) == n and positions == list(range(n)):
        return params
    idx = long_tensor(positions, device)
    out = {}
    for k, v in params.items():
        if isinstance(v, torch.Tensor) and v.dim() >= 1 and v.shape[0] == n:
            out[k] = v.index_select(0, idx.to(v.device))
        else:
            out[k] = v
    return out


def per_group(images: Images, params: dict, fn, *, keep_list: bool = True):
    """Applies fn(stacked (b, C, H, W) tensor, rows of params, positions) group by group and
    reassembles: a tensor for tensor input, a list for list input (keep_list) or a stacked tensor."""
    if images.tensor is not None:
        return fn(images.tensor, params, list(range(images.n)))
    outs: list = [None] * images.n
    for hw, positions in images.groups():
        res = fn(images.stacked(positions), select_rows(params, positions, images.n, images.device), positions)
        for k, i in enumerate(positions):
            outs[i] = res[k]
    return outs if keep_list else torch.stack(outs)


# --- boxes ----------------------------------------------------------------------------------------


class PaddedBoxes(NamedTuple):
    """Per-sample boxes as one padded tensor: `boxes` (B, M, 4) in `format`, `valid` (B, M) bool
    (None: every slot is a box). Geometric transforms move every slot and return the same `valid`."""

    boxes: torch.Tensor
    valid: torch.Tensor | None = None
    format: str = "XYXY"


_FORMATS = ("XYXY", "XYWH", "CXCYWH")


def _format_name(fmt) -> str:
    name = fmt.name if isinstance(fmt, tv_tensors.BoundingBoxFormat) else str(fmt).upper()
    if name not in _FORMATS:
        raise ValueError(f"boxes: format must be one of {', '.join(_FORMATS)} (rotated boxes are not supported), "
                         f"got {fmt}")
    return name


def to_xyxy(b: torch.Tensor, fmt: str) -> torch.Tensor:
    if fmt == "XYXY":
        return b
    if fmt == "XYWH":
        x, y, w, h = b.unbind(-1)
        return torch.stack((x, y, x + w, y + h), dim=-1)
    cx, cy, w, h = b.unbind(-1)
    return torch.stack((cx - 0.5 * w, cy - 0.5 * h, cx + 0.5 * w, cy + 0.5 * h), dim=-1)


def from_xyxy(b: torch.Tensor, fmt: str) -> torch.Tensor:
    if fmt == "XYXY":
        return b
    x1, y1, x2, y2 = b.unbind(-1)
    if fmt == "XYWH":
        return torch.stack((x1, y1, x2 - x1, y2 - y1), dim=-1)
    return torch.stack(((x1 + x2) * 0.5, (y1 + y2) * 0.5, x2 - x1, y2 - y1), dim=-1)


def clamp_boxes(xyxy: torch.Tensor, h, w) -> torch.Tensor:
    x = xyxy[..., 0::2]
    y = xyxy[..., 1::2]
    if isinstance(w, torch.Tensor):
        x = torch.minimum(x.clamp(min=0), w.unsqueeze(-1))
        y = torch.minimum(y.clamp(min=0), h.unsqueeze(-1))
    else:
        x = x.clamp(0, w)
        y = y.clamp(0, h)
    return torch.stack((x[..., 0], y[..., 0], x[..., 1], y[..., 1]), dim=-1)


class Boxes:
    """Boxes of a batch, held as padded (B, M, 4) XYXY floats plus what is needed to give them
    back in the caller's form (a list of tensors / BoundingBoxes, a padded tensor, PaddedBoxes)."""

    __slots__ = ("xyxy", "form", "counts", "formats", "dtypes", "likes", "valid", "fmt", "dtype", "clamp")

    def __init__(self, boxes, n: int, device, box_format="XYXY"):
        self.valid, self.likes, self.counts, self.formats, self.dtypes = None, None, None, None, None
        self.clamp = True
        if isinstance(boxes, PaddedBoxes) or (isinstance(boxes, torch.Tensor) and not isinstance(
                boxes, tv_tensors.BoundingBoxes)):
            if isinstance(boxes, PaddedBoxes):
                t, self.valid, fmt = boxes.boxes, boxes.valid, boxes.format
                self.form = "padded"
            else:
                t, fmt, self.form = boxes, box_format, "tensor"
            if t.dim() != 3 or t.shape[0] != n or t.shape[2] != 4:
                raise ValueError(f"boxes must have shape (B, M, 4) = ({n}, M, 4), got {tuple(t.shape)}")
            if self.valid is not None and (self.valid.shape != t.shape[:2] or self.valid.dtype != torch.bool):
                raise ValueError(f"boxes: valid must be a ({n}, {t.shape[1]}) bool tensor, got "
                                 f"{self.valid.dtype} {tuple(self.valid.shape)}")
            if t.device != device:
                raise ValueError(f"boxes are on {t.device} but the images on {device}")
            self.fmt = _format_name(fmt)
            self.dtype = t.dtype
            work = t if t.is_floating_point() else t.float()
            self.xyxy = to_xyxy(work, self.fmt)
            return
        if not isinstance(boxes, (list, tuple)):
            raise TypeError("boxes must be a list of per-sample (Mi, 4) tensors or BoundingBoxes, a padded (B, M, 4) "
                            f"tensor, or torchrng.batch.PaddedBoxes; got {type(boxes).__name__}")
        if len(boxes) != n:
            raise ValueError(f"boxes: expected one box set per image ({n}), got {len(boxes)}")
        self.form, self.fmt = "list", "XYXY"
        sets, self.formats, self.dtypes, self.likes, clamps = [], [], [], [], []
        for i, b in enumerate(boxes):
            if not isinstance(b, torch.Tensor):
                raise TypeError(f"boxes[{i}] must be a tensor, got {type(b).__name__}")
            if isinstance(b, tv_tensors.BoundingBoxes):
                fmt = _format_name(b.format)
                clamps.append(b.clamping_mode is not None)
                self.likes.append(b)
                b = b.as_subclass(torch.Tensor)
            else:
                fmt = _format_name(box_format)
                clamps.append(True)
                self.likes.append(None)
            if b.dim() != 2 or b.shape[1] != 4:
                raise ValueError(f"boxes[{i}] must have shape (M, 4), got {tuple(b.shape)}")
            if b.device != device:
                raise ValueError(f"boxes[{i}] is on {b.device} but the images on {device}")
            self.formats.append(fmt)
            self.dtypes.append(b.dtype)
            sets.append(to_xyxy(b if b.is_floating_point() else b.float(), fmt))
        # torchvision clamps each set unless its clamping_mode is None: one flag, or one per sample
        self.clamp = all(clamps) or (any(clamps) and torch.tensor(clamps, device=device).view(-1, 1, 1))
        self.counts = [s.shape[0] for s in sets]
        work = torch.float64 if any(s.dtype == torch.float64 for s in sets) else torch.float32
        m = max(self.counts)
        padded = [torch.cat([s.to(work), s.new_zeros((m - s.shape[0], 4), dtype=work)]) if s.shape[0] < m
                  else s.to(work) for s in sets]
        self.xyxy = torch.stack(padded) if m else torch.zeros((n, 0, 4), dtype=work, device=device)
        self.dtype = work

    def clamped(self, xyxy: torch.Tensor, h, w) -> torch.Tensor:
        """xyxy clamped to the canvas (h, w: numbers, or one per sample) where torchvision clamps:
        every sample, none, or those whose BoundingBoxes' clamping_mode is not None."""
        if self.clamp is False:
            return xyxy
        clamped = clamp_boxes(xyxy, h, w)
        return clamped if self.clamp is True else torch.where(self.clamp, clamped, xyxy)

    def as_stored(self, xyxy: torch.Tensor) -> torch.Tensor:
        """xyxy as torchvision holds an integer box set between two steps (after a clamp): in its
        own format, truncated toward zero (Tensor.to(int)). Float sets, and integer values that are
        already whole, come back unchanged."""
        if self.form != "list":
            return xyxy if self.dtype.is_floating_point else to_xyxy(from_xyxy(xyxy, self.fmt).trunc(), self.fmt)
        out = xyxy
        for i, (fmt, dtype) in enumerate(zip(self.formats, self.dtypes)):
            if not dtype.is_floating_point:
                out = out.clone() if out is xyxy else out
                out[i] = to_xyxy(from_xyxy(xyxy[i], fmt).trunc(), fmt)
        return out

    def output(self, canvas: list[tuple[int, int]]):
        """The boxes in the caller's form, for output canvas sizes `canvas` (one (H, W) per sample)."""
        if self.form != "list":
            out = from_xyxy(self.xyxy, self.fmt)
            if not self.dtype.is_floating_point:
                out = out.to(self.dtype)
            return PaddedBoxes(out, self.valid, self.fmt) if self.form == "padded" else out
        res = []
        for i, count in enumerate(self.counts):
            b = from_xyxy(self.xyxy[i, :count], self.formats[i])
            b = b.to(self.dtypes[i])
            like = self.likes[i]
            if like is not None:
                b = tv_tensors.wrap(b, like=like, canvas_size=canvas[i])
            res.append(b)
        return res


# --- masks ----------------------------------------------------------------------------------------


class Masks:
    """Segmentation masks of a batch: a (B, H, W) or (B, K, H, W) tensor, or a list of (Hi, Wi) or
    (K, Hi, Wi) tensors matching the images' sizes. Held as (B, K, H, W) / (K, Hi, Wi)."""

    __slots__ = ("images", "squeeze", "likes")

    def __init__(self, masks, images: Images):
        self.likes = None
        if isinstance(masks, torch.Tensor):
            like = masks if isinstance(masks, tv_tensors.TVTensor) else None
            m = masks.as_subclass(torch.Tensor)
            if m.dim() not in (3, 4) or m.shape[0] != images.n:
                raise ValueError(f"masks must be a ({images.n}, H, W) or ({images.n}, K, H, W) tensor, got shape "
                                 f"{tuple(m.shape)}")
            if images.hw is None or tuple(m.shape[-2:]) != images.hw:
                raise ValueError(f"masks have size {tuple(m.shape[-2:])} but the images {images.hw}")
            if m.device != images.device:
                raise ValueError(f"masks are on {m.device} but the images on {images.device}")
            self.squeeze = m.dim() == 3
            self.likes = like
            self.images = Images.of(m.unsqueeze(1) if self.squeeze else m)
            return
        if not isinstance(masks, (list, tuple)):
            raise TypeError(f"masks must be a tensor or a list of tensors, got {type(masks).__name__}")
        if len(masks) != images.n:
            raise ValueError(f"masks: expected one mask per image ({images.n}), got {len(masks)}")
        items, squeeze, likes = [], None, []
        for i, m in enumerate(masks):
            if not isinstance(m, torch.Tensor):
                raise TypeError(f"masks[{i}] must be a tensor, got {type(m).__name__}")
            likes.append(m if isinstance(m, tv_tensors.TVTensor) else None)
            m = m.as_subclass(torch.Tensor)
            if m.dim() not in (2, 3):
                raise ValueError(f"masks[{i}] must be (H, W) or (K, H, W), got shape {tuple(m.shape)}")
            if tuple(m.shape[-2:]) != images.size_of(i):
                raise ValueError(f"masks[{i}] has size {tuple(m.shape[-2:])} but images[{i}] has {images.size_of(i)}")
            if squeeze is not None and squeeze != (m.dim() == 2):
                raise ValueError("masks: mix of (H, W) and (K, H, W) masks")
            squeeze = m.dim() == 2
            items.append(m.unsqueeze(0) if squeeze else m)
        self.squeeze, self.likes = squeeze, likes
        self.images = Images.of(items)

    def set(self, value):
        self.images = Images.of(value)

    def output(self):
        v = self.images.tensor if self.images.tensor is not None else self.images.items
        if isinstance(v, torch.Tensor):
            v = v.squeeze(1) if self.squeeze else v
            like = self.likes
            if isinstance(like, list):  # a list of masks made one tensor (a fixed-size crop): the first's type
                like = next((m for m in like if m is not None), None)
            return tv_tensors.wrap(v, like=like) if like is not None else v
        res = []
        for i, m in enumerate(v):
            m = m.squeeze(0) if self.squeeze else m
            like = self.likes[i] if isinstance(self.likes, list) else None
            res.append(tv_tensors.wrap(m, like=like) if like is not None else m)
        return res


# --- the state a transform works on --------------------------------------------------------------


class State:
    """Images plus whatever travels with them (labels, boxes, masks) through a batch transform."""

    __slots__ = ("images", "labels", "boxes", "masks", "has_labels")

    def __init__(self, images, labels=None, boxes=None, masks=None, box_format="XYXY"):
        self.images = images if isinstance(images, Images) else Images(images)
        self.has_labels = labels is not None
        self.labels = labels
        if labels is not None:
            if not isinstance(labels, torch.Tensor):
                raise TypeError(f"labels must be a tensor, got {type(labels).__name__}")
            if labels.dim() not in (1, 2) or labels.shape[0] != self.images.n:
                raise ValueError(f"labels must be ({self.images.n},) class indices or ({self.images.n}, num_classes) "
                                 f"probabilities, got shape {tuple(labels.shape)}")
        self.boxes = None if boxes is None else Boxes(boxes, self.images.n, self.images.device, box_format)
        self.masks = None if masks is None else Masks(masks, self.images)

    @property
    def n(self) -> int:
        return self.images.n

    def canvas(self) -> list[tuple[int, int]]:
        return [self.images.size_of(i) for i in range(self.n)]

    def set_images(self, value):
        like = self.images.wrap_like
        self.images = Images.of(value)
        if isinstance(value, torch.Tensor) and like is not None and tuple(like.shape[:2]) == tuple(value.shape[:2]):
            self.images.wrap_like = like

    def pack(self, boxes_given: bool, masks_given: bool):
        imgs = self.images.tensor if self.images.tensor is not None else self.images.items
        imgs = self.images.output(imgs)
        if not (self.has_labels or boxes_given or masks_given):
            return imgs
        out = [imgs]
        if self.has_labels:
            out.append(self.labels)
        if boxes_given:
            out.append(self.boxes.output(self.canvas()))
        if masks_given:
            out.append(self.masks.output())
        return tuple(out)


# --------------------------------------------------------------------------------------------------
# the base class
# --------------------------------------------------------------------------------------------------


def raise_if_output_too_large(error: RuntimeError, transform, n: int, where: str = "") -> None:
    """raise_if_too_large for a batch transform that cannot allocate what it makes (a crop `size`
    or `padding` far beyond memory): the request named is the transform with its arguments."""
    raise_if_too_large(error, f"{where}{transform!r} on {n} image{'s' if n != 1 else ''}")


class BatchTransform(torch.nn.Module):
    """Base of the torchrng.batch transforms.

    forward(images, labels=None, *, boxes=None, masks=None, box_format="XYXY", generator=None,
    indices=None) returns the transformed images, or, when labels, boxes or masks are given, the
    tuple (images, [labels], [boxes], [masks]) with the given ones in that order, each in the form it
    came in. Subclasses implement `_sample(state, draw) -> params` (per-sample tensors on the
    images' device) and `_apply(state, params)`.
    """

    def __init__(self, *, generator=None, stream=None):
        super().__init__()
        self.generator = check_generator(generator)
        self.stream = check_stream(stream)
        self.last_params: dict | None = None

    # -- subclass hooks --
    def _sample(self, state: State, draw: Draw) -> dict:
        return {}

    def _apply(self, state: State, params: dict) -> None:
        raise NotImplementedError

    # -- running --
    def _run(self, state: State, draw: Draw) -> None:
        params = self._sample(state, draw)
        self.last_params = params
        self._apply(state, params)

    def forward(self, images, labels=None, *, boxes=None, masks=None, box_format="XYXY", generator=None,
                indices=None):
        state = State(images, labels, boxes, masks, box_format)
        draw = resolve_draw(generator, self.generator, indices, state.n, state.images.device)
        try:
            self._run(state, draw)
        except RuntimeError as e:
            raise_if_output_too_large(e, self, state.n)
            raise
        return state.pack(boxes is not None, masks is not None)

    def sample_params(self, images, *, generator=None, indices=None) -> dict:
        """The per-sample parameters forward would draw for these images (same generator rules),
        without transforming anything."""
        state = State(images)
        draw = resolve_draw(generator, self.generator, indices, state.n, state.images.device)
        return self._sample(state, draw)

    def apply_params(self, images, params: dict, labels=None, *, boxes=None, masks=None, box_format="XYXY"):
        """Applies given parameters (from sample_params or last_params) to a batch."""
        state = State(images, labels, boxes, masks, box_format)
        self._apply(state, params)
        return state.pack(boxes is not None, masks is not None)

    def extra_repr(self) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self._repr_items())

    def _repr_items(self):
        return []


# --------------------------------------------------------------------------------------------------
# small helpers shared by the transform modules
# --------------------------------------------------------------------------------------------------

_CONSTANTS: dict = {}


def constant(values: Sequence[float], device: torch.device, dtype: torch.dtype) -> torch.Tensor:
    """A cached 1-D tensor of host values on `device`, built with fills (no host-to-device copy, so
    it is safe under torch.cuda.set_sync_debug_mode("error") and CUDA-graph capture)."""
    key = (tuple(float(x) for x in values), device, dtype)
    t = _CONSTANTS.get(key)
    if t is None:
        t = torch.empty(len(values), dtype=dtype, device=device)
        for i, x in enumerate(values):
            t[i].fill_(float(x))
        if len(_CONSTANTS) > 1024:
            _CONSTANTS.clear()
        _CONSTANTS[key] = t
    return t


def batch_view(t: torch.Tensor, dims: int = 4) -> torch.Tensor:
    """A (B,) tensor viewed as (B, 1, 1, 1) (or `dims` dims) for broadcasting over images."""
    return t.view((-1,) + (1,) * (dims - 1))


def check_p(p) -> float:
    from ..sample._geometry import check_p as _check

    return _check(p)


def int_arg(value, name):
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    return int(value)

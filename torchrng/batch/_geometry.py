"""Batched geometric transforms: per-sample flips, crops, resized crops, rotations, affine and
perspective warps of a batch, with boxes and masks moved exactly as torchvision moves them.

Parameters come from the native samplers (torchrng.sample) on the images' device. The pixel work is
vectorised over the batch: torch.where masks for flips, gathers for crops, the fused native kernel
(torch.ops.torchrng.batch_resized_crop) for resized crops, and torchvision's own grid conventions
(inverse affine matrix, _affine_grid / _perspective_grid, grid_sample with a fill mask) built for
every sample at once for rotations, affine and perspective warps.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch
import torch.nn.functional as Fnn
from torchvision.transforms.v2 import InterpolationMode
from torchvision.transforms.v2 import functional as F
from torchvision.transforms.v2.functional._geometry import _check_interpolation, _parse_pad_padding

from .. import sample as S
from ..sample import _geometry as G
from ._core import (
    BatchTransform,
    Draw,
    Images,
    State,
    batch_view,
    check_p,
    constant,
    host_tensor,
    long_tensor,
    per_group,
    select_rows,
)

__all__ = [
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomResizedCrop", "RandomCrop", "RandomRotation",
    "RandomAffine", "RandomPerspective", "interpolation_code", "resized_crop",
]

_CODES = {
    InterpolationMode.NEAREST: 0,
    InterpolationMode.NEAREST_EXACT: 1,
    InterpolationMode.BILINEAR: 2,
    InterpolationMode.BICUBIC: 3,
}


def interpolation_code(interpolation) -> int:
    mode = _check_interpolation(interpolation)
    if mode not in _CODES:
        raise ValueError(f"interpolation: {mode} is not supported by torchrng.batch (nearest, nearest-exact, "
                         "bilinear, bicubic)")
    return _CODES[mode]


def _canvas(images: Images, dtype: torch.dtype):
    """Per-sample (H, W) for box arithmetic: Python floats, or (B, 1) tensors."""
    hw = images.hw
    if hw is not None:
        return float(hw[0]), float(hw[1])
    s = images.size_arg().to(dtype)
    return s[:, 0:1], s[:, 1:2]


def _fill_arg(fill, name: str = "fill"):
    """torchvision's fill for images and masks: a number, a sequence (images only; masks get 0), or a
    dict keyed by tv_tensors.Image / tv_tensors.Mask (or 'image' / 'mask')."""
    from torchvision import tv_tensors

    def check(v):
        if v is None:
            return 0.0
        if isinstance(v, bool):
            raise TypeError(f"{name} must be a number or a sequence of numbers, got bool")
        if isinstance(v, numbers.Number):
            return float(v)
        if isinstance(v, Sequence) and not isinstance(v, str) and all(
                isinstance(x, numbers.Number) and not isinstance(x, bool) for x in v):
            return [float(x) for x in v]
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {v!r}")

    if isinstance(fill, dict):
        image = mask = 0.0
        for k, val in fill.items():
            if k in (tv_tensors.Image, "image", torch.Tensor):
                image = check(val)
            elif k in (tv_tensors.Mask, "mask"):
                mask = check(val)
            else:
                raise ValueError(f"{name}: dict keys must be tv_tensors.Image / tv_tensors.Mask, got {k!r}")
        return image, mask
    value = check(fill)
    return value, (value if isinstance(value, float) else 0.0)


# --------------------------------------------------------------------------------------------------
# flips
# --------------------------------------------------------------------------------------------------


class _Flip(BatchTransform):
    _dim = -1

    def __init__(self, p: float = 0.5, *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.p = check_p(p)

    def _repr_items(self):
        return [("p", self.p)]

    def _sample(self, state: State, draw: Draw) -> dict:
        return S.horizontal_flip(**draw.sampler_kwargs(state.n), device=state.images.device, p=self.p)

    def _flip(self, images: Images, apply: torch.Tensor):
        def fn(x, rows, positions):
            return torch.where(batch_view(rows["apply"]), x.flip(self._dim), x)

        return per_group(images, {"apply": apply}, fn)

    def _apply(self, state: State, params: dict) -> None:
        apply = params["apply"]
        if state.boxes is not None:
            b = state.boxes
            h, w = _canvas(state.images, b.xyxy.dtype)
            x1, y1, x2, y2 = b.xyxy.unbind(-1)
            if self._dim == -1:
                flipped = torch.stack((w - x2, y1, w - x1, y2), dim=-1)
            else:
                flipped = torch.stack((x1, h - y2, x2, h - y1), dim=-1)
            b.xyxy = torch.where(apply.view(-1, 1, 1), flipped, b.xyxy)
        if state.masks is not None:
            state.masks.set(self._flip(state.masks.images, apply))
        state.set_images(self._flip(state.images, apply))


class RandomHorizontalFlip(_Flip):
    """Flips each sample left-right with probability p (its own coin)."""

    _dim = -1


class RandomVerticalFlip(_Flip):
    """Flips each sample top-bottom with probability p (its own coin)."""

    _dim = -2

    def _sample(self, state: State, draw: Draw) -> dict:
        return S.vertical_flip(**draw.sampler_kwargs(state.n), device=state.images.device, p=self.p)


# --------------------------------------------------------------------------------------------------
# resized crop
# --------------------------------------------------------------------------------------------------


def resized_crop(images, top: torch.Tensor, left: torch.Tensor, height: torch.Tensor, width: torch.Tensor,
                 size, interpolation=InterpolationMode.BILINEAR, antialias: bool = True, *, flip=None,
                 jitter=None, dtype=None, scale: bool = False, mean=None, std=None) -> torch.Tensor:
    """Per-sample crop + resize of a batch in one native kernel: images is a (B, C, H, W) tensor or
    a list of (C, Hi, Wi) tensors; top/left/height/width are (B,) int64 tensors on the images'
    device; the result is (B, C, size[0], size[1]). Optional, in this order: `flip` (B,) bool
    (horizontal flip), `jitter` (B, 8) float64 [ColorJitter fn_idx x4, brightness, contrast,
    saturation, hue factors, NaN = off], ToDtype(`dtype`, `scale`) and Normalize(`mean`, `std`)."""
    imgs = images if isinstance(images, Images) else Images(images)
    h, w = G.setup_size(size)
    code = interpolation_code(interpolation)
    crops = torch.stack([t.to(torch.int64) for t in (top, left, height, width)], dim=1)
    mean = [] if mean is None else [float(x) for x in mean]
    std = [] if std is None else [float(x) for x in std]
    op = torch.ops.torchrng.batch_resized_crop
    if imgs.tensor is not None:
        return op(imgs.tensor, crops, [h, w], code, bool(antialias), flip, jitter, mean, std, bool(scale), dtype)
    flat = torch.cat([t.reshape(-1) for t in imgs.items])
    offsets, acc = [], 0
    for t in imgs.items:
        offsets.append(acc)
        acc += t.numel()
    off = long_tensor(offsets, imgs.device)
    sizes = long_tensor([x for s in imgs.sizes for x in s], imgs.device).view(-1, 2)
    return op(flat, crops, [h, w], code, bool(antialias), flip, jitter, mean, std, bool(scale), dtype, off, sizes,
              imgs.channels)


def _resize_masks(masks: Images, crops: dict, size, flip=None):
    """Nearest-neighbour resized crop of (B, K, H, W) masks (torchvision's resize_mask)."""
    dtype = masks.dtype
    work = masks
    if dtype not in (torch.uint8, torch.float32):
        if masks.tensor is not None:
            work = Images.of(masks.tensor.to(torch.float32))
        else:
            work = Images.of([m.to(torch.float32) for m in masks.items])
    out = resized_crop(work, crops["top"], crops["left"], crops["height"], crops["width"], size,
                       InterpolationMode.NEAREST, False, flip=flip)
    return out if out.dtype == dtype else out.round().to(dtype)


def _crop_resize_boxes(state: State, top, left, height, width, size) -> None:
    """crop_bounding_boxes then resize_bounding_boxes, per sample."""
    b = state.boxes
    dt = b.xyxy.dtype
    shift = torch.stack((left, top, left, top), dim=-1).to(dt).unsqueeze(1)
    xyxy = b.xyxy - shift
    hh, ww = height.to(dt).view(-1, 1), width.to(dt).view(-1, 1)
    xyxy = b.as_stored(b.clamped(xyxy, hh, ww))  # crop_bounding_boxes returns integer sets truncated
    oh, ow = size
    # torchvision: ratios = torch.tensor([new_w / old_w, new_h / old_h]) (float32), skipped when
    # the crop already has the output size
    rw = (ow / width.to(torch.float64)).to(torch.float32).to(dt)
    rh = (oh / height.to(torch.float64)).to(torch.float32).to(dt)
    ratios = torch.stack((rw, rh, rw, rh), dim=-1).unsqueeze(1)
    same = ((height == oh) & (width == ow)).view(-1, 1, 1)
    b.xyxy = torch.where(same, xyxy, xyxy * ratios)


class RandomResizedCrop(BatchTransform):
    """torchvision's RandomResizedCrop per sample: each sample's crop is drawn from its own stream
    (ten attempts, then the central-crop fallback) and resized to `size` by one native kernel with
    torch's interpolation (antialias as torch's _aa kernels). Lists of images of any sizes are
    accepted; the result is always a (B, C, size[0], size[1]) tensor."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias: bool = True, *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.size = G.setup_size(size)
        G.resized_crop_hyper(tuple(scale), tuple(ratio))
        self.scale, self.ratio = tuple(scale), tuple(ratio)
        self.interpolation = _check_interpolation(interpolation)
        interpolation_code(self.interpolation)
        if not isinstance(antialias, bool):
            raise TypeError(f"antialias must be a bool, got {type(antialias).__name__}")
        self.antialias = antialias

    def _repr_items(self):
        return [("size", self.size), ("scale", self.scale), ("ratio", self.ratio),
                ("interpolation", self.interpolation), ("antialias", self.antialias)]

    def _sample(self, state: State, draw: Draw) -> dict:
        return S.resized_crop(**draw.sampler_kwargs(state.n), image_size=state.images.size_arg(),
                              device=state.images.device, scale=self.scale, ratio=self.ratio)

    def _apply(self, state: State, params: dict, flip=None) -> None:
        top, left, height, width = (params[k] for k in ("top", "left", "height", "width"))
        if state.boxes is not None:
            _crop_resize_boxes(state, top, left, height, width, self.size)
        if state.masks is not None:
            state.masks.set(_resize_masks(state.masks.images, params, self.size))
        state.set_images(resized_crop(state.images, top, left, height, width, self.size, self.interpolation,
                                      self.antialias))


# --------------------------------------------------------------------------------------------------
# random crop
# --------------------------------------------------------------------------------------------------


def _pad(x: torch.Tensor, pad: list[int], fill, padding_mode: str) -> torch.Tensor:
    """torchvision's pad_image for a batch; a per-channel fill is written from a device constant
    (torchvision copies it from the host on every call)."""
    if not isinstance(fill, list) or len(fill) == 1:
        return F.pad(x, pad, fill=fill[0] if isinstance(fill, list) else fill, padding_mode=padding_mode)
    if padding_mode != "constant":
        raise ValueError(f"Padding mode '{padding_mode}' is not supported if fill is not scalar")
    if len(fill) != x.shape[-3]:
        raise ValueError(f"fill: {len(fill)} values for {x.shape[-3]} channels")
    out = F.pad(x, pad, fill=0, padding_mode="constant")
    left, top, right, bottom = pad
    value = constant(fill, x.device, torch.float32).to(x.dtype).view(-1, 1, 1)
    if top > 0:
        out[..., :top, :] = value
    if left > 0:
        out[..., :, :left] = value
    if bottom > 0:
        out[..., -bottom:, :] = value
    if right > 0:
        out[..., :, -right:] = value
    return out


def _crop_windows(x: torch.Tensor, top: torch.Tensor, left: torch.Tensor, h: int, w: int) -> torch.Tensor:
    """x[b, :, top[b]:top[b]+h, left[b]:left[b]+w] for every b, as one (B, C, h, w) tensor."""
    b, c, H, W = x.shape
    rows = top.view(-1, 1) + torch.arange(h, device=x.device)
    cols = left.view(-1, 1) + torch.arange(w, device=x.device)
    y = x.gather(2, rows.view(b, 1, h, 1).expand(b, c, h, W))
    return y.gather(3, cols.view(b, 1, 1, w).expand(b, c, h, w))


class RandomCrop(BatchTransform):
    """torchvision's RandomCrop per sample (padding, pad_if_needed, fill, padding_mode as
    torchvision). The result is a (B, C, size[0], size[1]) tensor, for list input too."""

    def __init__(self, size, padding=None, pad_if_needed: bool = False, fill=0, padding_mode: str = "constant", *,
                 generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.size = G.setup_size(size)
        G.crop_hyper(self.size, None if padding is None else (tuple(padding) if isinstance(padding, Sequence)
                                                               else padding), pad_if_needed)
        if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
            raise ValueError(f"padding_mode must be constant, edge, reflect or symmetric, got {padding_mode!r}")
        self.padding = _parse_pad_padding(padding) if padding else None  # [left, right, top, bottom]
        self.pad_if_needed = bool(pad_if_needed)
        self.fill = fill
        self._fill, self._mask_fill = _fill_arg(fill)
        self.padding_mode = padding_mode

    def _repr_items(self):
        return [("size", self.size), ("padding", self.padding), ("pad_if_needed", self.pad_if_needed),
                ("fill", self.fill), ("padding_mode", self.padding_mode)]

    def _padding_for(self, hw) -> list[int]:
        """torchvision's make_params padding [left, top, right, bottom] for an (H, W) input."""
        ph, pw = hw
        if self.padding is not None:
            pl, pr, pt, pb = self.padding
            ph += pt + pb
            pw += pl + pr
        else:
            pl = pr = pt = pb = 0
        ch, cw = self.size
        if self.pad_if_needed:
            if ph < ch:
                diff = ch - ph
                pt += diff
                pb += diff
                ph += 2 * diff
            if pw < cw:
                diff = cw - pw
                pl += diff
                pr += diff
                pw += 2 * diff
        if ph < ch or pw < cw:
            raise ValueError(f"Required crop size {(ch, cw)} is larger than "
                             f"{'padded ' if self.padding is not None else ''}input image size {(ph, pw)}.")
        return [pl, pt, pr, pb]

    def _sample(self, state: State, draw: Draw) -> dict:
        for hw, _ in state.images.groups():
            self._padding_for(hw)
        padding = None if self.padding is None else [self.padding[0], self.padding[2], self.padding[1],
                                                     self.padding[3]]
        return S.crop(**draw.sampler_kwargs(state.n), image_size=state.images.size_arg(),
                      device=state.images.device, size=self.size, padding=padding, pad_if_needed=self.pad_if_needed)

    def _apply(self, state: State, params: dict) -> None:
        ch, cw = self.size
        if state.boxes is not None:
            b = state.boxes
            dt = b.xyxy.dtype
            if state.images.hw is not None:  # one padding for the batch: Python scalars
                pl, pt, pr, pb = self._padding_for(state.images.hw)
                ph, pw = state.images.hw[0] + pt + pb, state.images.hw[1] + pl + pr
                xyxy = b.xyxy
                xyxy = torch.stack((xyxy[..., 0] + pl, xyxy[..., 1] + pt, xyxy[..., 2] + pl, xyxy[..., 3] + pt), -1)
                padded = any((pl, pt, pr, pb))
                ph, pw = float(ph), float(pw)
            else:
                pads = [self._padding_for(state.images.size_of(i)) for i in range(state.n)]
                rows = [[p[0], p[1], state.images.size_of(i)[0] + p[1] + p[3], state.images.size_of(i)[1] + p[0] + p[2]]
                        for i, p in enumerate(pads)]
                t = host_tensor(rows, b.xyxy.device, dt)
                xyxy = b.xyxy + torch.stack((t[:, 0], t[:, 1], t[:, 0], t[:, 1]), -1).unsqueeze(1)
                padded = any(any(p) for p in pads)
                ph, pw = t[:, 2:3], t[:, 3:4]
            if padded:
                xyxy = b.clamped(xyxy, ph, pw)
            shift = torch.stack((params["left"], params["top"], params["left"], params["top"]), -1).to(dt)
            xyxy = xyxy - shift.unsqueeze(1)
            # torchvision clamps inside F.crop and F.pad: a sample that needs neither keeps its boxes
            moved = (params["needs_crop"] | params["needs_pad"]).view(-1, 1, 1)
            xyxy = torch.where(moved, b.clamped(xyxy, float(ch), float(cw)), xyxy)
            b.xyxy = xyxy

        def crop(images: Images, fill, padding_mode):
            def fn(x, rows, positions):
                pad = self._padding_for(tuple(x.shape[-2:]))
                if any(pad):
                    x = _pad(x, pad, fill, padding_mode)
                return _crop_windows(x, rows["top"], rows["left"], ch, cw)

            return per_group(images, params, fn, keep_list=False)

        if state.masks is not None:
            state.masks.set(crop(state.masks.images, self._mask_fill, self.padding_mode))
        state.set_images(crop(state.images, self._fill, self.padding_mode))


# --------------------------------------------------------------------------------------------------
# rotation, affine, perspective: torchvision's grids, per sample
# --------------------------------------------------------------------------------------------------


def _affine_matrix(angle, translate, scale, shear, center, inverted: bool) -> torch.Tensor:
    """torchvision's _get_inverse_affine_matrix for (B,) float64 parameters: (B, 6) float64.
    `center` is (cx, cy) Python floats or (B,) tensors; translate/shear are (B, 2)."""
    rad = math.pi / 180.0
    rot = angle * rad
    sx = shear[:, 0] * rad
    sy = shear[:, 1] * rad
    cx, cy = center
    tx, ty = translate[:, 0], translate[:, 1]
    cos_sy = torch.cos(sy)
    tan_sx = torch.tan(sx)
    rot_minus_sy = rot - sy
    cx_plus_tx = cx + tx
    cy_plus_ty = cy + ty
    a = torch.cos(rot_minus_sy) / cos_sy
    b = -(a * tan_sx + torch.sin(rot))
    c = torch.sin(rot_minus_sy) / cos_sy
    d = torch.cos(rot) - c * tan_sx
    zero = torch.zeros_like(a)
    if inverted:
        m0, m1, m3, m4 = d / scale, -b / scale, -c / scale, a / scale
        m2 = zero + ((cx - m0 * cx_plus_tx) - m1 * cy_plus_ty)
        m5 = zero + ((cy - m3 * cx_plus_tx) - m4 * cy_plus_ty)
    else:
        m0, m1, m3, m4 = a * scale, b * scale, c * scale, d * scale
        m2 = zero + ((cx_plus_tx - m0 * cx) - m1 * cy)
        m5 = zero + ((cy_plus_ty - m3 * cx) - m4 * cy)
    return torch.stack((m0, m1, m2, m3, m4, m5), dim=-1)


def _affine_grid(theta: torch.Tensor, w: int, h: int) -> torch.Tensor:
    """torchvision's _affine_grid for (B, 2, 3) theta (output size = input size)."""
    dtype, device = theta.dtype, theta.device
    base = torch.empty(1, h, w, 3, dtype=dtype, device=device)
    base[..., 0].copy_(torch.linspace((1.0 - w) * 0.5, (w - 1.0) * 0.5, steps=w, device=device))
    base[..., 1].copy_(torch.linspace((1.0 - h) * 0.5, (h - 1.0) * 0.5, steps=h, device=device).unsqueeze_(-1))
    base[..., 2].fill_(1)
    rescaled = theta.transpose(1, 2).div(constant([0.5 * w, 0.5 * h], device, dtype))
    grid = base.view(1, h * w, 3).expand(theta.shape[0], -1, -1).bmm(rescaled)
    return grid.view(-1, h, w, 2)


def _perspective_grid(coeffs: torch.Tensor, w: int, h: int, dtype) -> torch.Tensor:
    """torchvision's _perspective_grid for (B, 8) coefficients."""
    device = coeffs.device
    c = coeffs.to(dtype)
    one = torch.ones_like(c[:, 0])
    theta1 = torch.stack((c[:, 0:3], c[:, 3:6]), dim=1)  # (B, 2, 3)
    row2 = torch.stack((c[:, 6], c[:, 7], one), dim=-1)
    theta2 = torch.stack((row2, row2), dim=1)
    base = torch.empty(1, h, w, 3, dtype=dtype, device=device)
    base[..., 0].copy_(torch.linspace(0.5, w + 0.5 - 1.0, steps=w, device=device, dtype=dtype))
    base[..., 1].copy_(torch.linspace(0.5, h + 0.5 - 1.0, steps=h, device=device, dtype=dtype).unsqueeze_(-1))
    base[..., 2].fill_(1)
    rescaled1 = theta1.transpose(1, 2).div(constant([0.5 * w, 0.5 * h], device, dtype))
    flat = base.view(1, h * w, 3).expand(c.shape[0], -1, -1)
    g1 = flat.bmm(rescaled1)
    g2 = flat.bmm(theta2.transpose(1, 2))
    return g1.div_(g2).sub_(1.0).view(-1, h, w, 2)


def _apply_grid(img: torch.Tensor, grid: torch.Tensor, mode: str, fill) -> torch.Tensor:
    """torchvision's _apply_grid_transform with a fill (the v2 transforms always pass one), for a
    (B, C, H, W) batch and a (B, H, W, 2) grid."""
    b, c, h, w = img.shape
    fp = img.dtype == grid.dtype
    float_img = img if fp else img.to(grid.dtype)
    ones = torch.ones((b, 1, h, w), dtype=float_img.dtype, device=float_img.device)
    out = Fnn.grid_sample(torch.cat((float_img, ones), dim=1), grid, mode=mode, padding_mode="zeros",
                          align_corners=False)
    out, mask = torch.tensor_split(out, indices=(-1,), dim=-3)
    mask = mask.expand_as(out)
    fill_list = fill if isinstance(fill, list) else [float(fill)]
    if len(fill_list) not in (1, c):
        raise ValueError(f"fill: {len(fill_list)} values cannot broadcast to the {c} channels of the image")
    fill_img = constant(fill_list, out.device, out.dtype).view(1, -1, 1, 1)
    if mode == "nearest":
        out = torch.where(mask < 0.5, fill_img.expand_as(out), out)
    else:
        out = out.sub_(fill_img).mul_(mask).add_(fill_img)
    return out.round_().to(img.dtype) if not fp else out


def _grid_dtype(dtype):
    return dtype if dtype.is_floating_point else torch.float32


class _Warp(BatchTransform):
    """Shared by RandomRotation, RandomAffine and RandomPerspective: a per-sample grid."""

    def __init__(self, interpolation, fill, center=None, *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.interpolation = _check_interpolation(interpolation)
        if self.interpolation not in (InterpolationMode.NEAREST, InterpolationMode.BILINEAR):
            raise ValueError(f"interpolation must be NEAREST or BILINEAR for tensors, got {self.interpolation}")
        self.fill = fill
        self._fill, self._mask_fill = _fill_arg(fill)
        if center is not None:
            if not isinstance(center, Sequence) or len(center) != 2:
                raise ValueError(f"center must be a sequence (x, y), got {center!r}")
            center = [float(x) for x in center]
        self.center = center

    def _grid(self, params: dict, hw, dtype, device) -> torch.Tensor:
        raise NotImplementedError

    def _gate(self, params):
        return None

    def _warp(self, images: Images, params: dict, mode: str, fill):
        def fn(x, rows, positions):
            grid = self._grid(rows, tuple(x.shape[-2:]), _grid_dtype(x.dtype), x.device)
            out = _apply_grid(x, grid, mode, fill)
            gate = self._gate(rows)
            return out if gate is None else torch.where(batch_view(gate), out, x)

        return per_group(images, params, fn)

    def _apply(self, state: State, params: dict) -> None:
        if state.boxes is not None:
            self._move_boxes(state, params)
        if state.masks is not None:
            state.masks.set(self._warp(state.masks.images, params, "nearest", self._mask_fill))
        state.set_images(self._warp(state.images, params, self.interpolation.value, self._fill))


class _AffineLike(_Warp):
    def _params_of(self, params: dict):
        """(angle, translate, scale, shear) as (B,) / (B, 2) float64 tensors, in torchvision's
        affine convention."""
        raise NotImplementedError

    def _grid(self, params, hw, dtype, device):
        h, w = hw
        angle, translate, scale, shear = self._params_of(params)
        if self.center is None:
            center = (0.0, 0.0)
        else:
            center = (self.center[0] - w * 0.5, self.center[1] - h * 0.5)
        m = _affine_matrix(angle, translate, scale, shear, center, inverted=True)
        theta = m.to(dtype).view(-1, 2, 3)
        return _affine_grid(theta, w, h)

    def _move_boxes(self, state: State, params: dict) -> None:
        """_affine_bounding_boxes_with_expand(expand=False): transform the four corners with the
        forward matrix, take their min/max, clamp."""
        b = state.boxes
        dt = b.xyxy.dtype
        angle, translate, scale, shear = self._params_of(params)
        if self.center is None:
            h, w = _canvas(state.images, torch.float64)
            cx, cy = (w * 0.5, h * 0.5)
            if isinstance(cx, torch.Tensor):
                cx, cy = cx.view(-1), cy.view(-1)
        else:
            cx, cy = self.center
        m = _affine_matrix(angle, translate, scale, shear, (cx, cy), inverted=False).to(dt).view(-1, 2, 3)
        x1, y1, x2, y2 = b.xyxy.unbind(-1)
        pts = torch.stack((torch.stack((x1, y1), -1), torch.stack((x2, y1), -1), torch.stack((x2, y2), -1),
                           torch.stack((x1, y2), -1)), dim=2)  # (B, M, 4, 2)
        ones = torch.ones(pts.shape[:-1] + (1,), dtype=dt, device=pts.device)
        pts = torch.cat((pts, ones), dim=-1).view(pts.shape[0], -1, 3)
        moved = pts.bmm(m.transpose(1, 2)).view(b.xyxy.shape[0], -1, 4, 2)
        mins, maxs = torch.aminmax(moved, dim=2)
        xyxy = torch.cat((mins, maxs), dim=-1)
        xyxy = b.clamped(xyxy, *_canvas(state.images, dt))
        b.xyxy = xyxy


class RandomRotation(_AffineLike):
    """torchvision's RandomRotation per sample (expand=False: the output keeps the input size)."""

    def __init__(self, degrees, interpolation=InterpolationMode.NEAREST, expand: bool = False, center=None, fill=0,
                 *, generator=None, stream=None):
        super().__init__(interpolation, fill, center, generator=generator, stream=stream)
        self.degrees = tuple(G.setup_angle(degrees, "degrees"))
        if self.degrees[0] > self.degrees[1]:
            raise ValueError(f"degrees should be of kind (min, max), got {self.degrees}")
        if expand:
            raise ValueError("expand=True gives every sample its own output size; torchrng.batch supports "
                             "expand=False only")
        self.expand = False

    def _repr_items(self):
        return [("degrees", self.degrees), ("interpolation", self.interpolation), ("center", self.center),
                ("fill", self.fill)]

    def _sample(self, state, draw):
        return S.rotation(**draw.sampler_kwargs(state.n), device=state.images.device, degrees=self.degrees)

    def _params_of(self, params):
        angle = params["angle"].to(torch.float64)
        zeros2 = torch.zeros((angle.shape[0], 2), dtype=torch.float64, device=angle.device)
        return -angle, zeros2, torch.ones_like(angle), zeros2

    def _grid(self, params, hw, dtype, device):
        # rotate_image: matrix = _get_inverse_affine_matrix(center_f, -angle, ...) with angle % 360
        return super()._grid({"angle": torch.remainder(params["angle"].to(torch.float64), 360.0)}, hw, dtype, device)


class RandomAffine(_AffineLike):
    """torchvision's RandomAffine per sample (degrees, translate, scale, shear, interpolation,
    fill, center as torchvision)."""

    def __init__(self, degrees, translate=None, scale=None, shear=None, interpolation=InterpolationMode.NEAREST,
                 fill=0, center=None, *, generator=None, stream=None):
        super().__init__(interpolation, fill, center, generator=generator, stream=stream)
        G.affine_hyper(degrees if isinstance(degrees, numbers.Number) else tuple(degrees),
                       None if translate is None else tuple(translate), None if scale is None else tuple(scale),
                       None if shear is None else (shear if isinstance(shear, numbers.Number) else tuple(shear)))
        self.degrees = degrees if isinstance(degrees, numbers.Number) else tuple(degrees)
        self.translate = None if translate is None else tuple(translate)
        self.scale = None if scale is None else tuple(scale)
        self.shear = None if shear is None else (shear if isinstance(shear, numbers.Number) else tuple(shear))

    def _repr_items(self):
        return [("degrees", self.degrees), ("translate", self.translate), ("scale", self.scale),
                ("shear", self.shear), ("interpolation", self.interpolation), ("fill", self.fill)]

    def _sample(self, state, draw):
        return S.affine(**draw.sampler_kwargs(state.n), image_size=state.images.size_arg(),
                        device=state.images.device, degrees=self.degrees, translate=self.translate, scale=self.scale,
                        shear=self.shear)

    def _params_of(self, params):
        return (params["angle"].to(torch.float64), params["translate"].to(torch.float64),
                params["scale"].to(torch.float64), params["shear"].to(torch.float64))


class RandomPerspective(_Warp):
    """torchvision's RandomPerspective per sample (its own p coin and corner offsets)."""

    def __init__(self, distortion_scale: float = 0.5, p: float = 0.5, interpolation=InterpolationMode.BILINEAR,
                 fill=0, *, generator=None, stream=None):
        super().__init__(interpolation, fill, None, generator=generator, stream=stream)
        G.perspective_hyper(distortion_scale, p)
        self.distortion_scale = float(distortion_scale)
        self.p = float(p)

    def _repr_items(self):
        return [("distortion_scale", self.distortion_scale), ("p", self.p), ("interpolation", self.interpolation),
                ("fill", self.fill)]

    def _sample(self, state, draw):
        return S.perspective(**draw.sampler_kwargs(state.n), image_size=state.images.size_arg(),
                             device=state.images.device, distortion_scale=self.distortion_scale, p=self.p)

    def _gate(self, params):
        return params["apply"]

    def _grid(self, params, hw, dtype, device):
        h, w = hw
        return _perspective_grid(params["coefficients"], w, h, dtype)

    def _move_boxes(self, state: State, params: dict) -> None:
        """perspective_bounding_boxes: the inverse coefficients applied to the four corners."""
        b = state.boxes
        dt = b.xyxy.dtype
        c = params["coefficients"].to(torch.float64)
        c0, c1, c2, c3, c4, c5, c6, c7 = c.unbind(-1)
        denom = c0 * c4 - c1 * c3
        inv = torch.stack((
            (c4 - c5 * c7) / denom, (-c1 + c2 * c7) / denom, (c1 * c5 - c2 * c4) / denom,
            (-c3 + c5 * c6) / denom, (c0 - c2 * c6) / denom, (-c0 * c5 + c2 * c3) / denom,
            (-c4 * c6 + c3 * c7) / denom, (-c0 * c7 + c1 * c6) / denom), dim=-1).to(dt)
        one = torch.ones_like(inv[:, 0])
        theta1 = torch.stack((inv[:, 0:3], inv[:, 3:6]), dim=1)
        row2 = torch.stack((inv[:, 6], inv[:, 7], one), dim=-1)
        theta2 = torch.stack((row2, row2), dim=1)
        x1, y1, x2, y2 = b.xyxy.unbind(-1)
        pts = torch.stack((torch.stack((x1, y1), -1), torch.stack((x2, y1), -1), torch.stack((x2, y2), -1),
                           torch.stack((x1, y2), -1)), dim=2)
        ones = torch.ones(pts.shape[:-1] + (1,), dtype=dt, device=pts.device)
        pts = torch.cat((pts, ones), dim=-1).view(pts.shape[0], -1, 3)
        moved = pts.bmm(theta1.transpose(1, 2)).div_(pts.bmm(theta2.transpose(1, 2)))
        moved = moved.view(b.xyxy.shape[0], -1, 4, 2)
        mins, maxs = torch.aminmax(moved, dim=2)
        xyxy = torch.cat((mins, maxs), dim=-1)
        xyxy = b.clamped(xyxy, *_canvas(state.images, dt))
        b.xyxy = torch.where(params["apply"].view(-1, 1, 1), xyxy, b.xyxy)

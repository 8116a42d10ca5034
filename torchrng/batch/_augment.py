"""Batched GaussianBlur (per-sample sigma), GaussianNoise, RandomErasing, MixUp, CutMix, and the
deterministic Normalize and ToDtype."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import torch
import torch.nn.functional as Fnn
from torchvision.transforms.v2 import functional as F

from .. import _validate as v
from .. import sample as S
from ..sample._augment import _alpha_arg, _erase_fill, erasing_hyper
from ..sample._misc import _kernel_size_arg, gaussian_blur_hyper
from ._core import IMAGE_DTYPES, BatchTransform, Draw, Images, State, batch_view, check_p, constant, per_group

__all__ = ["GaussianBlur", "GaussianNoise", "RandomErasing", "MixUp", "CutMix", "Normalize", "ToDtype"]


# --------------------------------------------------------------------------------------------------
# GaussianBlur
# --------------------------------------------------------------------------------------------------


def _kernel1d(size: int, sigma: torch.Tensor, dtype, device) -> torch.Tensor:
    """torchvision's _get_gaussian_kernel1d for (b,) sigmas: (b, size) in `dtype`."""
    lim = (size - 1) / (2.0 * math.sqrt(2.0))
    x = torch.linspace(-lim, lim, steps=size, dtype=dtype, device=device).view(1, -1)
    s = sigma.to(torch.float32).view(-1, 1)
    t = x / s if dtype == torch.float32 else (x.float() / s).to(dtype)  # x.div(sigma): the scalar in opmath
    return torch.softmax(t.pow(2).neg(), dim=-1)


def gaussian_blur(x: torch.Tensor, kernel_size, sigma: torch.Tensor) -> torch.Tensor:
    """torchvision's gaussian_blur_image with a per-sample sigma (b, 2): reflect padding, one grouped
    convolution for the whole batch."""
    b, c, h, w = x.shape
    fp = x.is_floating_point()
    kdtype = x.dtype if fp else torch.float32
    kx = _kernel1d(kernel_size[0], sigma[:, 0], kdtype, x.device)
    ky = _kernel1d(kernel_size[1], sigma[:, 1], kdtype, x.device)
    k2 = ky.unsqueeze(-1) * kx.unsqueeze(-2)  # (b, ky, kx): kernel1d_y.unsqueeze(-1) * kernel1d_x
    weight = k2.unsqueeze(1).expand(b, c, kernel_size[1], kernel_size[0]).reshape(b * c, 1, kernel_size[1],
                                                                                 kernel_size[0])
    out = x if fp else x.to(torch.float32)
    padding = [kernel_size[0] // 2, kernel_size[0] // 2, kernel_size[1] // 2, kernel_size[1] // 2]
    out = Fnn.pad(out, padding, mode="reflect")
    out = Fnn.conv2d(out.reshape(1, b * c, out.shape[-2], out.shape[-1]), weight, groups=b * c).view(b, c, h, w)
    return out if fp else out.round_().to(x.dtype)


class GaussianBlur(BatchTransform):
    """torchvision's GaussianBlur with every sample's own sigma."""

    def __init__(self, kernel_size, sigma=(0.1, 2.0), *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.kernel_size = _kernel_size_arg(kernel_size)
        lo, hi = gaussian_blur_hyper(sigma if isinstance(sigma, numbers.Number) else tuple(sigma), self.kernel_size)
        self.sigma = (lo, hi)

    def _repr_items(self):
        return [("kernel_size", self.kernel_size), ("sigma", self.sigma)]

    def _sample(self, state, draw):
        return S.gaussian_blur(**draw.sampler_kwargs(state.n), device=state.images.device, sigma=self.sigma)

    def _apply(self, state, params):
        for hw, _ in state.images.groups():
            if hw[0] <= self.kernel_size[1] // 2 or hw[1] <= self.kernel_size[0] // 2:
                raise ValueError(f"GaussianBlur: kernel_size {self.kernel_size} needs images larger than half the "
                                 f"kernel for reflect padding, got {hw}")
        state.set_images(per_group(state.images, params,
                                   lambda x, rows, pos: gaussian_blur(x, self.kernel_size, rows["sigma"])))


# --------------------------------------------------------------------------------------------------
# GaussianNoise
# --------------------------------------------------------------------------------------------------


class GaussianNoise(BatchTransform):
    """torchvision's GaussianNoise with every sample's own noise field (generated on the device from
    the sample's stream)."""

    def __init__(self, mean: float = 0.0, sigma: float = 0.1, clip: bool = True, *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.mean = v.finite_arg(mean, "mean")
        self.sigma = v.finite_arg(sigma, "sigma")
        if self.sigma < 0:
            raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
        if not isinstance(clip, bool):
            raise TypeError(f"clip must be a bool, got {type(clip).__name__}")
        self.clip = clip

    def _repr_items(self):
        return [("mean", self.mean), ("sigma", self.sigma), ("clip", self.clip)]

    def _sample(self, state, draw):
        imgs = state.images
        kw = dict(num_channels=imgs.channels, mean=self.mean, sigma=self.sigma, clip=self.clip, dtype=imgs.dtype,
                  device=imgs.device)
        if imgs.hw is not None:
            return S.gaussian_noise(**draw.sampler_kwargs(imgs.n), image_size=imgs.hw, **kw)
        noise: list = [None] * imgs.n
        for hw, positions in imgs.groups():
            field = S.gaussian_noise(**draw.subset_kwargs(positions, imgs.device), image_size=hw, **kw)["noise"]
            for k, i in enumerate(positions):
                noise[i] = field[k]
        return {"noise": noise}

    def _apply(self, state, params):
        noise = params["noise"]
        clip = self.clip

        def fn(x, rows, positions):
            nz = rows["noise"] if isinstance(rows["noise"], torch.Tensor) else torch.stack([noise[i] for i in positions])
            out = x + nz
            if x.is_floating_point():
                return out.clamp(0, 1) if clip else out
            if clip:
                out = out.clamp(0, 255)
            return out.to(torch.uint8)

        rows = {"noise": noise} if isinstance(noise, torch.Tensor) else {"noise": "list"}
        state.set_images(per_group(state.images, rows, fn))


# --------------------------------------------------------------------------------------------------
# RandomErasing
# --------------------------------------------------------------------------------------------------


class RandomErasing(BatchTransform):
    """torchvision's RandomErasing per sample: its own coin, its own rectangle (ten attempts, no
    erase when none fits) and, for value='random', its own normal values."""

    def __init__(self, p: float = 0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0.0, inplace: bool = False, *,
                 generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        erasing_hyper(p, tuple(scale) if isinstance(scale, Sequence) else scale,
                      tuple(ratio) if isinstance(ratio, Sequence) else ratio)
        _erase_fill(value, 1 if not isinstance(value, (list, tuple)) else len(value))
        self.p, self.scale, self.ratio, self.value = float(p), tuple(scale), tuple(ratio), value
        self.inplace = bool(inplace)

    def _repr_items(self):
        return [("p", self.p), ("scale", self.scale), ("ratio", self.ratio), ("value", self.value)]

    def _sample(self, state, draw):
        imgs = state.images
        kw = dict(num_channels=imgs.channels, p=self.p, scale=self.scale, ratio=self.ratio, value=self.value,
                  device=imgs.device)
        if imgs.hw is not None or self.value != "random":
            return S.erasing(**draw.sampler_kwargs(imgs.n), image_size=imgs.size_arg(), **kw)
        parts: list = [None] * imgs.n
        out: dict = {}
        for hw, positions in imgs.groups():
            p = S.erasing(**draw.subset_kwargs(positions, imgs.device), image_size=hw, **kw)
            for k, i in enumerate(positions):
                parts[i] = {key: val[k] for key, val in p.items()}
        for key in parts[0]:
            vals = [p[key] for p in parts]
            out[key] = vals if key == "v" else torch.stack(vals)
        return out

    def _apply(self, state, params):
        vals = params["v"]

        def fn(x, rows, positions):
            b, c, h, w = x.shape
            v_ = rows["v"] if isinstance(rows["v"], torch.Tensor) else torch.stack([vals[i] for i in positions])
            if v_.shape[1] not in (1, c):
                raise ValueError(f"RandomErasing: value has {v_.shape[1]} channels, the images {c}")
            ys = torch.arange(h, device=x.device).view(1, h, 1)
            xs = torch.arange(w, device=x.device).view(1, 1, w)
            i_, j_, h_, w_ = (rows[k].view(-1, 1, 1) for k in ("i", "j", "h", "w"))
            inside = (ys >= i_) & (ys < i_ + h_) & (xs >= j_) & (xs < j_ + w_)
            mask = inside & (rows["apply"] & rows["found"]).view(-1, 1, 1)
            return torch.where(mask.unsqueeze(1), v_.to(x.dtype).expand(b, c, h, w), x)

        rows = dict(params)
        if not isinstance(vals, torch.Tensor):
            rows["v"] = "list"
        state.set_images(per_group(state.images, rows, fn))


# --------------------------------------------------------------------------------------------------
# MixUp / CutMix
# --------------------------------------------------------------------------------------------------


def _scaled(t: torch.Tensor, factor: torch.Tensor) -> torch.Tensor:
    """t.mul(python_float) with one factor per sample: computed in t's opmath (float64 for float64,
    float32 otherwise, the half types included), rounded once to t's dtype, as torch does for a
    Python scalar."""
    if t.dtype == torch.float64:
        return t * batch_view(factor.to(torch.float64), t.dim())
    f = batch_view(factor.to(torch.float32), t.dim())
    if t.dtype == torch.float32:
        return t * f
    return (t.to(torch.float32) * f).to(t.dtype)


class _MixBase(BatchTransform):
    def __init__(self, *, alpha: float = 1.0, num_classes: int | None = None, per_sample: bool = False,
                 generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.alpha = _alpha_arg(alpha)
        if num_classes is not None:
            num_classes = v.int_arg(num_classes, "num_classes", minimum=1)
        self.num_classes = num_classes
        if not isinstance(per_sample, bool):
            raise TypeError(f"per_sample must be a bool, got {type(per_sample).__name__}")
        self.per_sample = per_sample

    def _repr_items(self):
        return [("alpha", self.alpha), ("num_classes", self.num_classes), ("per_sample", self.per_sample)]

    def _check(self, state: State) -> torch.Tensor:
        name = type(self).__name__
        if state.images.tensor is None:
            raise ValueError(f"{name}: images must be one (B, C, H, W) tensor (it mixes samples across the batch)")
        if state.boxes is not None or state.masks is not None:
            raise ValueError(f"{name}() does not support bounding boxes and masks.")
        if not state.has_labels:
            raise ValueError(f"{name}: labels are required: call it as {name}()(images, labels)")
        labels = state.labels
        if labels.dim() == 2 and self.num_classes is not None and labels.shape[-1] != self.num_classes:
            raise ValueError(f"When passing 2D labels, the number of elements in last dimension must match "
                             f"num_classes: {labels.shape[-1]} != {self.num_classes}. You can Leave num_classes to None.")
        if labels.dim() == 1 and self.num_classes is None:
            raise ValueError("num_classes must be passed if the labels are index-based (1D)")
        return state.images.tensor

    def _mix_labels(self, labels: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
        if labels.dim() == 1:
            labels = Fnn.one_hot(labels, num_classes=self.num_classes)
        if not labels.dtype.is_floating_point:
            labels = labels.float()
        return _scaled(labels.roll(1, 0), 1.0 - lam.to(torch.float64)) + _scaled(labels, lam)


class MixUp(_MixBase):
    """torchvision's MixUp on a batch: lambda ~ Beta(alpha, alpha), one per batch (torchvision's
    behaviour, drawn for the first sample's stream) or one per sample (per_sample=True); sample i
    is mixed with sample i - 1 (torch.roll), labels alike. Floating images only, as torchvision."""

    def _sample(self, state, draw):
        return S.mixup(**draw.sampler_kwargs(state.n), device=state.images.device, alpha=self.alpha,
                       per_sample=self.per_sample)

    def _apply(self, state, params):
        x = self._check(state)
        if not x.is_floating_point():
            raise TypeError(f"MixUp: images must be floating point (torchvision blends them in place), got {x.dtype}")
        lam = params["lam"].to(torch.float64)
        out = _scaled(x.roll(1, 0), 1.0 - lam) + _scaled(x, lam)
        state.labels = self._mix_labels(state.labels, lam)
        state.set_images(out)


class CutMix(_MixBase):
    """torchvision's CutMix on a batch: one box per batch (torchvision's behaviour) or per sample
    (per_sample=True); the box of sample i - 1 (torch.roll) is pasted into sample i; labels mixed
    with the box's area ratio."""

    def _sample(self, state, draw):
        hw = state.images.hw
        return S.cutmix(**draw.sampler_kwargs(state.n), image_size=hw if hw is not None else (1, 1),
                        device=state.images.device, alpha=self.alpha, per_sample=self.per_sample)

    def _apply(self, state, params):
        x = self._check(state)
        b, c, h, w = x.shape
        box = params["box"]
        x1, y1, x2, y2 = (box[:, k].view(-1, 1, 1) for k in range(4))
        ys = torch.arange(h, device=x.device).view(1, h, 1)
        xs = torch.arange(w, device=x.device).view(1, 1, w)
        inside = (ys >= y1) & (ys < y2) & (xs >= x1) & (xs < x2)
        out = torch.where(inside.unsqueeze(1), x.roll(1, 0), x)
        state.labels = self._mix_labels(state.labels, params["lam_adjusted"])
        state.set_images(out)


# --------------------------------------------------------------------------------------------------
# Normalize / ToDtype
# --------------------------------------------------------------------------------------------------


class Normalize(BatchTransform):
    """torchvision's Normalize ((x - mean) / std per channel, in the images' dtype), with the mean
    and std held on the device (no host-to-device copy per call)."""

    def __init__(self, mean: Sequence[float], std: Sequence[float], inplace: bool = False):
        super().__init__()
        if not isinstance(mean, Sequence) or not isinstance(std, Sequence):
            raise TypeError("mean and std must be sequences of numbers")
        self.mean = [v.finite_arg(x, "mean") for x in mean]
        self.std = [v.finite_arg(x, "std") for x in std]
        if len(self.mean) != len(self.std) or not self.mean:
            raise ValueError(f"mean and std must have the same non-zero length, got {len(self.mean)} and "
                             f"{len(self.std)}")
        if not all(self.std):
            raise ValueError("std evaluated to zero, leading to division by zero.")
        self.inplace = bool(inplace)

    def _repr_items(self):
        return [("mean", self.mean), ("std", self.std)]

    def _apply(self, state, params):
        imgs = state.images
        if not imgs.dtype.is_floating_point:
            raise TypeError(f"Normalize: images should be a float tensor. Got {imgs.dtype}.")
        if len(self.mean) not in (1, imgs.channels):
            raise ValueError(f"Normalize: mean/std have {len(self.mean)} values, the images {imgs.channels} channels")
        mean = constant(self.mean, imgs.device, imgs.dtype).view(-1, 1, 1)
        std = constant(self.std, imgs.device, imgs.dtype).view(-1, 1, 1)
        if imgs.tensor is not None:
            state.set_images(imgs.tensor.sub(mean).div_(std))
        else:
            state.set_images([t.sub(mean).div_(std) for t in imgs.items])


class ToDtype(BatchTransform):
    """torchvision's ToDtype(dtype, scale) for images (masks, boxes and labels are left as they are)."""

    def __init__(self, dtype: torch.dtype, scale: bool = False):
        super().__init__()
        if not isinstance(dtype, torch.dtype):
            raise TypeError(f"dtype must be a torch.dtype, got {type(dtype).__name__}")
        if dtype not in IMAGE_DTYPES:
            raise ValueError(f"dtype must be one of {', '.join(map(str, IMAGE_DTYPES))}, got {dtype}")
        self.dtype = dtype
        self.scale = bool(scale)

    def _repr_items(self):
        return [("dtype", self.dtype), ("scale", self.scale)]

    def _apply(self, state, params):
        imgs = state.images
        if imgs.tensor is not None:
            state.set_images(F.to_dtype(imgs.tensor, self.dtype, scale=self.scale))
        else:
            state.set_images([F.to_dtype(t, self.dtype, scale=self.scale) for t in imgs.items])


_ = (Draw, Images, check_p)

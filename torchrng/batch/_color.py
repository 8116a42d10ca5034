"""Batched photometric transforms: ColorJitter with a per-sample order and factors, and the p-gated
colour transforms, each sample with its own coin.

ColorJitter runs in the native kernel (torch.ops.torchrng.batch_resized_crop with an identity
resize), which evaluates torchvision's formulas per pixel in the sample's order, quantising every
step to the input dtype as torchvision's kernels do. The p-gated transforms compute torchvision's
functional result for the whole batch and keep it where the sample's coin fired (torch.where), with
no host synchronisation.
"""

from __future__ import annotations

import math
import numbers

import torch
from torch.nn.functional import conv2d
from torchvision.transforms._functional_tensor import _max_value
from torchvision.transforms.v2 import functional as F
from torchvision.transforms.v2.functional._color import _rgb_to_grayscale_image

from .. import sample as S
from ..sample._color import color_jitter_hyper
from ._core import BatchTransform, Draw, State, batch_view, check_p, constant, per_group

__all__ = [
    "ColorJitter", "RandomGrayscale", "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness",
    "RandomAutocontrast", "RandomEqualize", "jitter_rows",
]

_FACTORS = ("brightness_factor", "contrast_factor", "saturation_factor", "hue_factor")


def jitter_rows(params: dict) -> torch.Tensor:
    """The (B, 8) float64 rows the native kernel takes: fn_idx x4, then the four factors (NaN: off)."""
    factors = torch.stack([params[k].to(torch.float64) for k in _FACTORS], dim=1)
    return torch.cat((params["fn_idx"].to(torch.float64), factors), dim=1).contiguous()


def _check_channels(c: int, name: str):
    if c not in (1, 3):
        raise TypeError(f"{name}: images must have 1 or 3 channels, got {c}")


class ColorJitter(BatchTransform):
    """torchvision's ColorJitter per sample: every sample draws its own order of the four
    adjustments (torch.randperm(4)) and its own factors, applied with torchvision's formulas."""

    def __init__(self, brightness=None, contrast=None, saturation=None, hue=None, *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        color_jitter_hyper(brightness, contrast, saturation, hue)  # torchvision's validation
        self.brightness, self.contrast, self.saturation, self.hue = brightness, contrast, saturation, hue

    def _repr_items(self):
        return [("brightness", self.brightness), ("contrast", self.contrast), ("saturation", self.saturation),
                ("hue", self.hue)]

    def _sample(self, state: State, draw: Draw) -> dict:
        return S.color_jitter(**draw.sampler_kwargs(state.n), device=state.images.device, brightness=self.brightness,
                              contrast=self.contrast, saturation=self.saturation, hue=self.hue)

    def _apply(self, state: State, params: dict) -> None:
        _check_channels(state.images.channels, "ColorJitter")
        rows = {"jitter": jitter_rows(params)}
        op = torch.ops.torchrng.batch_resized_crop

        def fn(x, r, positions):
            b, _, h, w = x.shape
            crops = constant([0, 0, h, w], x.device, torch.int64).expand(b, 4)
            return op(x, crops, [h, w], 0, False, None, r["jitter"])

        state.set_images(per_group(state.images, rows, fn))


class _Gated(BatchTransform):
    """A p-gated transform: torchvision's functional result where the sample's coin fired."""

    _sampler = staticmethod(S.invert)

    def __init__(self, p: float = 0.5, *, generator=None, stream=None):
        super().__init__(generator=generator, stream=stream)
        self.p = check_p(p)

    def _repr_items(self):
        return [("p", self.p)]

    def _sample(self, state: State, draw: Draw) -> dict:
        return type(self)._sampler(**draw.sampler_kwargs(state.n), device=state.images.device, p=self.p)

    def _fn(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def _check(self, state: State) -> None:
        pass

    def _apply(self, state: State, params: dict) -> None:
        self._check(state)

        def fn(x, rows, positions):
            return torch.where(batch_view(rows["apply"]), self._fn(x), x)

        state.set_images(per_group(state.images, {"apply": params["apply"]}, fn))


class RandomGrayscale(_Gated):
    """torchvision's RandomGrayscale per sample (output keeps the input's channel count)."""

    def __init__(self, p: float = 0.1, *, generator=None, stream=None):
        super().__init__(p, generator=generator, stream=stream)

    def _sample(self, state, draw):
        return S.grayscale(**draw.sampler_kwargs(state.n), device=state.images.device, p=self.p,
                           num_channels=state.images.channels)

    def _check(self, state):
        _check_channels(state.images.channels, "RandomGrayscale")

    def _fn(self, x):
        return _rgb_to_grayscale_image(x, num_output_channels=x.shape[-3], preserve_dtype=True)


class RandomInvert(_Gated):
    """torchvision's RandomInvert per sample."""

    _sampler = staticmethod(S.invert)

    def _fn(self, x):
        return F.invert(x)


class RandomPosterize(_Gated):
    """torchvision's RandomPosterize per sample."""

    _sampler = staticmethod(S.posterize)

    def __init__(self, bits: int, p: float = 0.5, *, generator=None, stream=None):
        super().__init__(p, generator=generator, stream=stream)
        if isinstance(bits, bool) or not isinstance(bits, int) or not 0 <= bits <= 8:
            raise TypeError(f"bits must be a positive integer in the range [0, 8], got {bits!r} instead.")
        self.bits = bits

    def _repr_items(self):
        return [("bits", self.bits), ("p", self.p)]

    def _fn(self, x):
        return F.posterize(x, self.bits)


class RandomSolarize(_Gated):
    """torchvision's RandomSolarize per sample."""

    _sampler = staticmethod(S.solarize)

    def __init__(self, threshold: float, p: float = 0.5, *, generator=None, stream=None):
        super().__init__(p, generator=generator, stream=stream)
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
            raise TypeError(f"threshold must be a number, got {type(threshold).__name__}")
        if math.isnan(threshold):  # torchvision accepts it and silently solarizes nothing
            raise ValueError("threshold must not be NaN")
        self.threshold = float(threshold)

    def _repr_items(self):
        return [("threshold", self.threshold), ("p", self.p)]

    def _check(self, state):
        if self.threshold > _max_value(state.images.dtype):
            raise TypeError(f"Threshold should be less or equal the maximum value of the dtype, but got "
                            f"{self.threshold}")

    def _fn(self, x):
        return F.solarize(x, self.threshold)


def adjust_sharpness(image: torch.Tensor, sharpness_factor: float) -> torch.Tensor:
    """torchvision's adjust_sharpness_image, with its 3x3 kernel built on the device by fills (no
    host-to-device copy)."""
    num_channels, height, width = image.shape[-3:]
    if image.numel() == 0 or height <= 2 or width <= 2:
        return image
    bound = _max_value(image.dtype)
    fp = image.is_floating_point()
    kernel_dtype = image.dtype if fp else torch.float32
    a, b = 1.0 / 13.0, 5.0 / 13.0
    kernel = constant([a, a, a, a, b, a, a, a, a], image.device, kernel_dtype).view(3, 3)
    kernel = kernel.expand(num_channels, 1, 3, 3)
    output = image.to(dtype=kernel_dtype, copy=True)
    blurred = conv2d(output, kernel, groups=num_channels)
    if not fp:
        blurred = blurred.round_()
    view = output[..., 1:-1, 1:-1]
    view.add_(blurred.sub_(view), alpha=(1.0 - sharpness_factor))
    output = output.clamp_(0, bound)
    return output if fp else output.to(image.dtype)


class RandomAdjustSharpness(_Gated):
    """torchvision's RandomAdjustSharpness per sample."""

    _sampler = staticmethod(S.adjust_sharpness)

    def __init__(self, sharpness_factor: float, p: float = 0.5, *, generator=None, stream=None):
        super().__init__(p, generator=generator, stream=stream)
        if isinstance(sharpness_factor, bool) or not isinstance(sharpness_factor, numbers.Real):
            raise TypeError(f"sharpness_factor must be a number, got {type(sharpness_factor).__name__}")
        if sharpness_factor < 0:
            raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
        if not math.isfinite(sharpness_factor):  # torchvision accepts NaN and inf: NaN or zero images
            raise ValueError(f"sharpness_factor must be finite, got {sharpness_factor}")
        self.sharpness_factor = float(sharpness_factor)

    def _repr_items(self):
        return [("sharpness_factor", self.sharpness_factor), ("p", self.p)]

    def _check(self, state):
        _check_channels(state.images.channels, "RandomAdjustSharpness")

    def _fn(self, x):
        return adjust_sharpness(x, self.sharpness_factor)


def autocontrast(image: torch.Tensor) -> torch.Tensor:
    """torchvision's autocontrast_image with torch.where in place of its boolean-mask assignments
    (which synchronise on CUDA)."""
    bound = _max_value(image.dtype)
    fp = image.is_floating_point()
    float_image = image if fp else image.to(torch.float32)
    minimum = float_image.amin(dim=(-2, -1), keepdim=True)
    maximum = float_image.amax(dim=(-2, -1), keepdim=True)
    eq_idxs = maximum == minimum
    inv_scale = maximum.sub(minimum).mul_(1.0 / bound)
    minimum = torch.where(eq_idxs, torch.zeros_like(minimum), minimum)
    inv_scale = torch.where(eq_idxs, torch.ones_like(inv_scale), inv_scale)
    diff = float_image.sub(minimum)
    return diff.div_(inv_scale).clamp_(0, bound).to(image.dtype)


class RandomAutocontrast(_Gated):
    """torchvision's RandomAutocontrast per sample."""

    _sampler = staticmethod(S.autocontrast)

    def _check(self, state):
        _check_channels(state.images.channels, "RandomAutocontrast")

    def _fn(self, x):
        return autocontrast(x)


class RandomEqualize(_Gated):
    """torchvision's RandomEqualize per sample (its batched histogram kernel)."""

    _sampler = staticmethod(S.equalize)

    def _fn(self, x):
        return F.equalize(x)

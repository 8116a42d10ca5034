"""Batched samplers of GaussianBlur (sigma) and GaussianNoise (the per-element noise itself,
generated on the target device)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import torch

from .. import _validate as v
from .._streams import resolve
from ._driver import draw_rows, resolve_batch
from ._geometry import cached
from ._ids import UNIFORM

__all__ = ["gaussian_blur", "gaussian_noise"]


def _kernel_size_arg(kernel_size) -> tuple[int, int]:
    msg = "Kernel size should be a tuple/list of two integers"
    if isinstance(kernel_size, numbers.Number):
        ks = (int(kernel_size), int(kernel_size))
    elif isinstance(kernel_size, Sequence) and len(kernel_size) == 1:
        ks = (kernel_size[0], kernel_size[0])
    elif not isinstance(kernel_size, Sequence) or len(kernel_size) != 2:
        raise ValueError(msg)
    else:
        ks = tuple(kernel_size)
    ks = tuple(v.int_arg(k, "kernel_size") for k in ks)
    for k in ks:
        if k <= 0 or k % 2 == 0:
            raise ValueError("Kernel size value should be an odd and positive number.")
    return ks


@cached
def gaussian_blur_hyper(sigma=(0.1, 2.0), kernel_size=None) -> list[float]:
    from torchvision.transforms.v2._utils import _setup_number_or_seq

    if kernel_size is not None:
        _kernel_size_arg(kernel_size)
    s = [v.finite_arg(x, "sigma") for x in _setup_number_or_seq(sigma, "sigma")]
    if not 0.0 < s[0] <= s[1]:
        raise ValueError(f"sigma values should be positive and of the form (min, max). Got {s}")
    v.float32_range(s[0], s[1], "sigma")
    return s


def gaussian_blur(generator, *, n=None, indices=None, image_size=None, device=None, kernel_size=None,
                  sigma=(0.1, 2.0)):
    """GaussianBlur: {'sigma': float64 (n, 2)}, both columns the same uniform draw in
    [sigma[0], sigma[1]] (torchvision's [sigma, sigma]). One block per sample. `kernel_size` does
    not change the draw; when given it is validated as torchvision's constructor does."""
    lo, hi = gaussian_blur_hyper(sigma, kernel_size)
    rows = draw_rows(UNIFORM, 1, torch.float64, [lo, hi], 1, generator,
                     *resolve_batch(n, indices, image_size, device, needs_size=False))
    return {"sigma": rows.expand(-1, 2).contiguous()}


_NOISE_DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.uint8)


def normal_field(generator, n: int, idx, shape: tuple[int, ...], device, mean: float, std: float,
                 dtype: torch.dtype, *, stream=None, gen=None) -> torch.Tensor:
    """(n, *shape) normals generated on `device` (torch.ops.torchrng.normal_field): sample i's field is
    keyed by block 0 of its stream. Pass `stream`/`gen` from an earlier resolve to key the field on
    a later block of the same stream."""
    out = v.empty((n, *shape), dtype, device,
                  f"n={n} samples of (num_channels, *image_size) = {tuple(shape)} values each")
    if stream is None:
        stream, gen = resolve(generator, device, n, 1, advance=idx is None)
    torch.ops.torchrng.normal_field(out, mean, std, idx, stream, gen)
    return out


def gaussian_noise(generator, *, n=None, indices=None, image_size, device=None, num_channels=3, mean=0.0,
                   sigma=0.1, clip=True, dtype=torch.float32):
    """GaussianNoise: {'noise': (n, num_channels, H, W)}, generated on `device`, what torchvision's
    kernel adds to an image of `dtype`:
      - floating dtype: mean + sigma * z, in that dtype (torchvision's mean + randn_like(image) * sigma);
      - torch.uint8: int16, trunc(mean * 255 + z * sigma * 255) (torchvision's uint8 path).
    z is a standard normal per element (Box-Muller on the sample's own key, block 0). `clip` is
    applied by the transform, not here. One image size for the batch (use `indices` for groups of
    other sizes); for videos, pass num_channels = T * C and reshape."""
    mean = v.finite_arg(mean, "mean")
    sigma = v.finite_arg(sigma, "sigma")
    if sigma < 0:
        raise ValueError(f"sigma shouldn't be negative. Got {sigma}")
    if not isinstance(clip, bool):
        raise TypeError(f"clip must be a bool, got {type(clip).__name__}")
    if not isinstance(dtype, torch.dtype) or dtype not in _NOISE_DTYPES:
        raise ValueError(f"Input tensor is expected to be in uint8 or float dtype, got dtype={dtype}")
    c = v.int_arg(num_channels, "num_channels", minimum=1)
    n, idx, hw, sizes, device = resolve_batch(n, indices, image_size, device)
    if sizes is not None:
        raise ValueError("gaussian_noise: image_size must be one (height, width) for the batch (sample groups of "
                         "equal size with `indices` for variable sizes)")
    if dtype == torch.uint8:
        noise = normal_field(generator, n, idx, (c, *hw), device, mean * 255, sigma * 255, torch.int16)
    else:
        noise = normal_field(generator, n, idx, (c, *hw), device, mean, sigma, dtype)
    return {"noise": noise}

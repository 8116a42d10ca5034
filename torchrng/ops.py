"""Fake (meta) kernels of the torchrng operators, for torch.compile and FakeTensor tracing.

The C++ schemas point here (`set_python_module("torchrng.ops")`). The fills write into `out` and
return nothing, so their fake kernels only repeat the argument checks that do not need data.
"""

from __future__ import annotations

import math

import torch

__all__ = ["FLOATING_DTYPES", "INTEGER_DTYPES"]

FLOATING_DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
INTEGER_DTYPES = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)


def _check_stream(stream):
    torch._check(len(stream) == 4, lambda: f"stream must hold 4 integers, got {len(stream)}")


def _check_float_out(out, name):
    torch._check(out.dtype in FLOATING_DTYPES, lambda: f"{name}: dtype must be floating, got {out.dtype}")


@torch.library.register_fake("torchrng::philox4x32_10")
def _philox_fake(counter, key):
    torch._check(counter.dtype == torch.int64 and key.dtype == torch.int64, lambda: "counter and key must be int64")
    torch._check(counter.dim() >= 1 and counter.shape[-1] == 4, lambda: "counter must have shape (..., 4)")
    torch._check(key.dim() >= 1 and key.shape[-1] == 2, lambda: "key must have shape (..., 2)")
    torch._check(counter.shape[:-1] == key.shape[:-1], lambda: "counter and key must have the same leading shape")
    return torch.empty_like(counter, memory_format=torch.contiguous_format)


@torch.library.register_fake("torchrng::fill_uniform")
def _uniform_fake(out, low, high, stream, generator=None):
    _check_stream(stream)
    _check_float_out(out, "uniform")
    torch._check(math.isfinite(low) and math.isfinite(high) and low < high, lambda: "uniform: need finite low < high")


@torch.library.register_fake("torchrng::fill_normal")
def _normal_fake(out, mean, std, stream, generator=None):
    _check_stream(stream)
    _check_float_out(out, "normal")
    torch._check(math.isfinite(std) and std >= 0, lambda: "normal: std must be finite and >= 0")


@torch.library.register_fake("torchrng::fill_bernoulli")
def _bernoulli_fake(out, p, stream, generator=None):
    _check_stream(stream)
    torch._check(0 <= p <= 1, lambda: "bernoulli: p must be in [0, 1]")


@torch.library.register_fake("torchrng::fill_randint")
def _randint_fake(out, low, high, stream, generator=None):
    _check_stream(stream)
    torch._check(low < high, lambda: "randint: low must be < high")


@torch.library.register_fake("torchrng::fill_randperm")
def _randperm_fake(out, stream, generator=None):
    _check_stream(stream)
    torch._check(out.dim() == 2, lambda: "randperm: out must be 2-D")


@torch.library.register_fake("torchrng::fill_gamma")
def _gamma_fake(out, alpha, scale, stream, generator=None):
    _check_stream(stream)
    _check_float_out(out, "gamma")


@torch.library.register_fake("torchrng::fill_beta")
def _beta_fake(out, a, b, stream, generator=None):
    _check_stream(stream)
    _check_float_out(out, "beta")


@torch.library.register_fake("torchrng::fill_dirichlet")
def _dirichlet_fake(out, alpha, stream, generator=None):
    _check_stream(stream)
    _check_float_out(out, "dirichlet")
    torch._check(out.dim() == 2 and out.shape[1] == len(alpha), lambda: "dirichlet: out must be (rows, K)")


@torch.library.register_fake("torchrng::sample_rows")
def _sample_rows_fake(out, sampler, hyper, image_size, sizes, indices, stream, generator=None, boxes=None,
                      box_counts=None):
    _check_stream(stream)
    torch._check(out.dim() == 2, lambda: "sample_rows: out must be (n, K)")


@torch.library.register_fake("torchrng::elastic_field")
def _elastic_fake(out, hyper, indices, stream, generator=None):
    _check_stream(stream)
    torch._check(out.dtype == torch.float32 and out.dim() == 4 and out.shape[3] == 2,
                 lambda: "elastic_field: out must be (n, H, W, 2) float32")


@torch.library.register_fake("torchrng::normal_field")
def _normal_field_fake(out, mean, std, indices, stream, generator=None):
    _check_stream(stream)
    torch._check(out.dim() >= 1, lambda: "normal_field: out must be (n, ...)")
    torch._check(out.dtype in FLOATING_DTYPES or out.dtype == torch.int16,
                 lambda: f"normal_field: dtype must be floating or int16, got {out.dtype}")
    torch._check(math.isfinite(std) and std >= 0, lambda: "normal_field: std must be finite and >= 0")


@torch.library.register_fake("torchrng::batch_resized_crop")
def _batch_resized_crop_fake(images, crops, size, interpolation=2, antialias=True, flip=None, jitter=None, mean=(),
                             std=(), scale=False, dtype=None, offsets=None, sizes=None, channels=-1):
    torch._check(len(size) == 2 and size[0] >= 1 and size[1] >= 1,
                 lambda: f"batch_resized_crop: size must be (height, width) >= 1, got {size}")
    torch._check(images.dtype in (torch.uint8, torch.float32, torch.float16, torch.bfloat16),
                 lambda: f"batch_resized_crop: images must be uint8 or floating, got {images.dtype}")
    if offsets is not None:
        torch._check(images.dim() == 1 and channels >= 1, lambda: "batch_resized_crop: packed images need channels")
        b, c = offsets.shape[0], channels
    else:
        torch._check(images.dim() == 4, lambda: f"batch_resized_crop: images must be 4-D, got {images.dim()}")
        b, c = images.shape[0], images.shape[1]
    torch._check(crops.dim() == 2 and crops.shape[1] == 4, lambda: "batch_resized_crop: crops must be (B, 4)")
    return images.new_empty((b, c, size[0], size[1]), dtype=images.dtype if dtype is None else dtype)

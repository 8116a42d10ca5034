"""Argument checks shared by the public API: clear errors that name the argument."""

from __future__ import annotations

import math
import re
import struct
from numbers import Integral, Real

import torch

from ._build import has_cuda


def shape_arg(shape, name: str = "shape") -> tuple[int, ...]:
    if type(shape) is int and 0 <= shape < 1 << 62:
        return (shape,)
    if type(shape) is tuple and len(shape) <= 2 and all(type(d) is int and 0 <= d < 1 << 31 for d in shape):
        return shape  # the common case, without the generic checks below
    if isinstance(shape, torch.Size):
        return tuple(shape)
    if isinstance(shape, bool):
        raise TypeError(f"{name} must be an int or a sequence of ints, got bool")
    if isinstance(shape, Integral):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{name} must be an int or a sequence of ints, got {type(shape).__name__}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, Integral):
            raise TypeError(f"{name} must hold ints, got {type(d).__name__} {d!r} in {shape!r}")
        if d < 0:
            raise ValueError(f"{name} must hold sizes >= 0, got {d} in {shape!r}")
    if math.prod(dims) >= 1 << 63:
        raise ValueError(f"{name} {dims} has more than 2**63 - 1 elements")
    return tuple(int(d) for d in dims)


def int_arg(value, name: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def real_arg(value, name: str) -> float:
    if type(value) is float or type(value) is int:  # the common case, without the ABC checks
        if value != value:
            raise ValueError(f"{name} must not be NaN")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, Real):
        if isinstance(value, torch.Tensor) and value.numel() == 1 and not value.is_cuda:
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if math.isnan(value):
        raise ValueError(f"{name} must not be NaN")
    return value


def finite_arg(value, name: str) -> float:
    value = real_arg(value, name)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


FLOAT32_MAX = torch.finfo(torch.float32).max


def float32_range(lo: float, hi: float, name: str) -> None:
    """A range torchvision draws as torch.empty(1).uniform_(lo, hi), a float32 tensor: torch requires
    both bounds and their difference within float32's range (torchrng draws it the same way)."""
    if not (-FLOAT32_MAX <= lo <= FLOAT32_MAX and -FLOAT32_MAX <= hi <= FLOAT32_MAX and hi - lo <= FLOAT32_MAX):
        raise ValueError(f"{name}: the range ({lo}, {hi}) must lie within float32's range (+-3.4e38), its width "
                         "too (torchvision draws it with torch.empty(1).uniform_, a float32 tensor)")


def positive_arg(value, name: str) -> float:
    value = finite_arg(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def float32_positive(value: float, name: str) -> None:
    """torchvision makes its Beta / Dirichlet concentrations float32 tensors, where a value below
    ~7e-46 is 0 and rejected; such a value here would give a lambda outside the distribution's
    support {0, 1} (both log-Gammas -inf)."""
    if value < 1.0 and struct.unpack("f", struct.pack("f", value))[0] == 0.0:  # (large values cannot pack)
        raise ValueError(f"{name} must be > 0 as a float32 (torchvision's concentration tensor), got {value}")


def probability_arg(value, name: str = "p") -> float:
    value = real_arg(value, name)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value}")
    return value


CPU = torch.device("cpu")


def device_arg(device) -> torch.device:
    if device is None:
        if torch.compiler.is_compiling():
            # torch.get_default_device() is not traceable by dynamo; an empty factory tensor is.
            device = torch.empty(0).device
        elif torch._C._len_torch_function_stack() == 0 and torch._C._get_default_device() == "cpu":
            return CPU  # no device context is active: the fast common case
        else:
            device = torch.get_default_device()
    elif device is CPU or device == "cpu":
        return CPU
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError) as e:
        raise ValueError(f"device: not a device: {device!r}") from e
    if device.type == "cuda":
        if not has_cuda():
            raise RuntimeError(
                "device: torchrng was built without CUDA kernels (torchrng.has_cuda() is False); "
                "rebuild with a CUDA toolkit present or TORCHRNG_CUDA=1"
            )
        if not torch.cuda.is_available():
            raise RuntimeError(f"device: {device} requested but no CUDA device is available")
        if device.index is None:
            device = torch.device("cuda", torch.cuda.current_device())
    elif device.type != "cpu":
        raise ValueError(f"device must be a cpu or cuda device, got {device}")
    return device


def dtype_arg(dtype, allowed, name: str = "dtype") -> torch.dtype:
    if not isinstance(dtype, torch.dtype):
        raise TypeError(f"{name} must be a torch.dtype, got {type(dtype).__name__}")
    if dtype not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(str(d) for d in allowed)}, got {dtype}")
    return dtype


# What torch says when it cannot make a tensor at all: more memory than the CPU or CUDA allocator
# can give, or more bytes than int64 sizes allow.
_ALLOCATION_FAILURE = re.compile(r"can't allocate memory|out of memory|Storage size calculation overflowed")


def _human_bytes(count: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if count < 1024 or unit == "PiB":
            return f"{count} bytes" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def empty(shape, dtype: torch.dtype, device, request: str) -> torch.Tensor:
    """torch.empty, with a failure to allocate named by `request` (raise_if_too_large)."""
    try:
        return torch.empty(shape, dtype=dtype, device=device)
    except RuntimeError as e:
        raise_if_too_large(e, request, shape, dtype)
        raise


def raise_if_too_large(error: RuntimeError, request: str, shape=None, dtype: torch.dtype | None = None) -> None:
    """When `error` is torch failing to allocate a tensor (of `shape` and `dtype`, where known),
    raises it again (the same exception type, so torch.OutOfMemoryError stays one) with a message
    that names the arguments that asked for it: `request`, such as "n=10**12 samples of 6 values".
    Returns for any other error, and for one that already names its request (the innermost caller
    knows best), which the caller re-raises as it is."""
    message = str(error)
    if getattr(error, "torchrng_request", None) is not None or not _ALLOCATION_FAILURE.search(message):
        return
    size = ""
    if shape is not None:
        size = f" {_human_bytes(math.prod(shape) * dtype.itemsize)} of {dtype} (shape {tuple(shape)}),"
    named = type(error)(f"{request}:{size} more than can be allocated ({message})")
    named.torchrng_request = request
    raise named from error

"""What every sampler shares: resolving n / indices / image_size / device and the generator,
running the native op, and turning its float64 rows into torchvision-style parameter tensors."""

from __future__ import annotations

from numbers import Integral

import torch

from .. import _C
from .. import _validate as v
from .._streams import GeneratorLike, give_back, resolve
from ._layout import Layout

_op = torch.ops.torchrng.sample_rows
_DTYPE_CODES = {torch.bool: 0, torch.int64: 1, torch.float64: 2}  # csrc/python_rows.cpp's kDtypes
_PYTHON_KEY = torch._C.DispatchKey.Python
_CPU = v.CPU  # the device device_arg returns for the CPU: an identity test is cheaper than .type

EAGER_CPU = True
"""Whether draw_dict may take the eager CPU path (torchrng._C.sample_dict). The tests turn it off to
check that both paths return the same tensors."""


_is_compiling = torch.compiler.is_compiling  # bound once: the lookups cost as much as the calls
_torch_function_stack_len = torch._C._len_torch_function_stack
_dispatch_key_included = torch._C._dispatch_tls_is_dispatch_key_included


def eager_cpu_ok(device: torch.device) -> bool:
    """Whether the C++ eager path may stand in for the op: on CPU, outside torch.compile and outside
    any torch function or dispatch mode (FakeTensorMode, tracing), which must see the op."""
    return (EAGER_CPU and (device is _CPU or device.type == "cpu") and not _is_compiling()
            and _torch_function_stack_len() == 0 and not _dispatch_key_included(_PYTHON_KEY))

MAX_SIDE = 1 << 31
"""Image heights and widths must be below 2**31 (so areas stay below 2**62 and every size a sampler
derives fits int64)."""


def _indices_arg(indices, device: torch.device | None) -> torch.Tensor:
    if isinstance(indices, torch.Tensor):
        if indices.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8, torch.int8):
            raise TypeError(f"indices must be an integer tensor, got {indices.dtype}")
        if indices.dim() != 1:
            raise ValueError(f"indices must be 1-D, got shape {tuple(indices.shape)}")
        t = indices.to(dtype=torch.int64)
    else:
        try:
            values = [int(i) if isinstance(i, Integral) and not isinstance(i, bool) else None for i in indices]
        except TypeError:
            raise TypeError(f"indices must be a 1-D int64 tensor or a sequence of ints, got {type(indices).__name__}") from None
        if any(x is None for x in values):
            raise TypeError("indices must hold ints")
        if any(not -(1 << 63) <= x < (1 << 64) for x in values):
            raise ValueError("indices must lie in [0, 2**64)")
        t = torch.tensor([x - (1 << 64) if x >= 1 << 63 else x for x in values], dtype=torch.int64)
    if device is not None and t.device != device:
        t = t.to(device)
    return t.contiguous()


def resolve_batch(n, indices, image_size, device, *, needs_size: bool = True):
    """Returns (n, indices_tensor_or_None, (H, W) or None, sizes_tensor_or_None, device)."""
    if indices is None and type(n) is int and n >= 0 and device is None:  # the common cases, checked cheaply
        if image_size is None and not needs_size:
            return n, None, (1, 1), None, v.device_arg(None)
        if (type(image_size) is tuple and len(image_size) == 2 and type(image_size[0]) is int
                and type(image_size[1]) is int and 1 <= image_size[0] < MAX_SIDE and 1 <= image_size[1] < MAX_SIDE):
            return n, None, image_size, None, v.device_arg(None)
    if device is None:
        for t in (indices, image_size):
            if isinstance(t, torch.Tensor):
                device = t.device
                break
    device = v.device_arg(device)
    idx = None
    if indices is not None:
        idx = _indices_arg(indices, device)
        if n is not None and v.int_arg(n, "n", minimum=0) != idx.numel():
            raise ValueError(f"n={n} does not match the {idx.numel()} indices given")
        n = idx.numel()
    elif n is None:
        raise ValueError("give either n (samples 0..n-1) or indices")
    else:
        n = v.int_arg(n, "n", minimum=0)
    hw, sizes = None, None
    if image_size is None:
        if needs_size:
            raise ValueError("image_size is required: (height, width) or an (n, 2) int64 tensor")
        hw = (1, 1)
    elif isinstance(image_size, torch.Tensor):
        if image_size.dim() == 1 and image_size.numel() == 2 and not image_size.is_cuda:
            if image_size.is_floating_point() or image_size.is_complex() or image_size.dtype == torch.bool:
                raise TypeError(f"image_size tensor must hold integers, got {image_size.dtype}")
            hw = tuple(int(x) for x in image_size.tolist())
        else:
            if image_size.dim() != 2 or image_size.shape[1] != 2 or image_size.shape[0] != n:
                raise ValueError(f"image_size tensor must have shape (n, 2) = ({n}, 2), got {tuple(image_size.shape)}")
            if image_size.is_floating_point() or image_size.is_complex() or image_size.dtype == torch.bool:
                raise TypeError(f"image_size tensor must hold integers, got {image_size.dtype}")
            sizes = image_size.to(device=device, dtype=torch.int64).contiguous()
            if sizes.device.type == "cpu" and n:
                smallest, largest = (int(x) for x in torch.aminmax(sizes))  # one pass (min and max cost two)
                if smallest < 1:
                    raise ValueError("image_size: every height and width must be >= 1")
                if largest >= MAX_SIDE:
                    raise ValueError(f"image_size: every height and width must be below 2**31, got {largest}")
    else:
        hw = v.shape_arg(image_size, "image_size")
        if len(hw) != 2:
            raise ValueError(f"image_size must be (height, width), got {image_size!r}")
    if hw is not None and min(hw) < 1:
        raise ValueError(f"image_size: height and width must be >= 1, got {hw}")
    if hw is not None and max(hw) >= MAX_SIDE:
        raise ValueError(f"image_size: height and width must be below 2**31, got {hw}")
    return n, idx, hw, sizes, device


def run_rows(out: torch.Tensor, sampler_id: int, hyper: list[float], hw, sizes, idx, stream, gen, boxes=None,
             box_counts=None) -> None:
    """The native op into `out`, with trailing None arguments left out (parsing explicit Nones
    costs more per call than sampling a few hundred rows)."""
    size = list(hw) if hw is not None else []
    if boxes is not None:
        _op(out, sampler_id, hyper, size, sizes, idx, stream, gen, boxes, box_counts)
    elif gen is not None:
        _op(out, sampler_id, hyper, size, sizes, idx, stream, gen)
    else:
        _op(out, sampler_id, hyper, size, sizes, idx, stream)


def draw_rows(sampler_id: int, columns: int, dtype: torch.dtype, hyper: list[float], blocks_per_sample: int,
              generator: GeneratorLike, n, idx, hw, sizes, device, boxes=None, box_counts=None) -> torch.Tensor:
    """(n, columns) rows of the sampler's value type (bool, int64 or float64) from the native op."""
    out = v.empty((n, columns), dtype, device, rows_request(n, columns))
    stream, gen = resolve(generator, device, n, blocks_per_sample, advance=idx is None)
    run_rows(out, sampler_id, hyper, hw, sizes, idx, stream, gen, boxes, box_counts)
    return out


def rows_request(n: int, columns: int) -> str:
    """What the (n, columns) parameter rows of a batch ask for, for an allocation error (names n)."""
    return f"n={n} samples of {columns} parameter value{'s' if columns != 1 else ''} each"


def draw_dict(layout: Layout, sampler_id: int, columns: int, dtype: torch.dtype, hyper: list[float],
              blocks_per_sample: int, generator: GeneratorLike, n, idx, hw, sizes, device, *,
              resolved=None) -> dict[str, torch.Tensor]:
    """The sampler's make_params dict: draw_rows split by `layout`, or on CPU for contiguous indices
    the same tensors from one C++ call (no dispatcher, no Python view ops).
    `resolved`: the (stream, generator) pair of resolve(), when the caller needs the stream too."""
    stream, gen = resolved or resolve(generator, device, n, blocks_per_sample, advance=idx is None)
    try:
        if idx is None and gen is None and eager_cpu_ok(device):
            height, width = hw if sizes is None else (0, 0)  # per-sample sizes replace (height, width)
            return _C.sample_dict(sampler_id, hyper, _DTYPE_CODES[dtype], n, columns, height, width, stream,
                                  layout.fields, sizes)
        rows = torch.empty(n, columns, dtype=dtype, device=device)
    except RuntimeError as e:
        if resolved is None and idx is None:
            give_back(generator, stream, n)
        v.raise_if_too_large(e, rows_request(n, columns), (n, columns), dtype)
        raise
    run_rows(rows, sampler_id, hyper, hw, sizes, idx, stream, gen)
    return layout.split(rows)


def only_column(rows: torch.Tensor) -> torch.Tensor:
    """The (n,) column of a one-column (n, 1) table (a view; cheaper than rows[:, 0])."""
    return rows.view(-1)


def as_bool(column: torch.Tensor) -> torch.Tensor:
    """A 0/1 column as bool (.bool() on one strided column is about twice as fast as `!= 0`)."""
    return column.bool()


def as_int(columns: torch.Tensor) -> torch.Tensor:
    return columns.to(torch.int64)


def stored_ints(columns: torch.Tensor) -> torch.Tensor:
    """float64 columns the native op stored as int64 bit patterns (a sampler's int_columns(), see
    csrc/samplers/common.h), viewed as the int64 they are: no cast, no copy."""
    return columns.view(torch.int64)

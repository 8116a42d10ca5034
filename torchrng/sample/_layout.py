"""How a sampler's (n, columns) parameter rows become its make_params dict.

A Layout names the fields of a sampler's rows: each covers prod(shape) consecutive columns and comes
out with shape (n, *shape) as

* VIEW  the columns themselves, in the rows' dtype (a view of the rows);
* BITS  float64 columns in which the native op stored int64 bit patterns (a sampler's
        int_columns(), csrc/samplers/common.h), as the int64 they are (a view);
* BOOL  the columns != 0, as bool (a new tensor);
* INT   the columns cast to int64 (a new tensor).

`split(rows)` does it with torch ops (traceable: torch.compile and the CUDA path use it); the eager
CPU path makes the same tensors in C++ (torchrng._C.sample_dict, csrc/python_rows.cpp), from the
same field tuples.
"""

from __future__ import annotations

import math

import torch

VIEW, BITS, BOOL, INT = range(4)  # csrc/python_rows.cpp holds the same numbers


class Layout:
    __slots__ = ("fields",)

    def __init__(self, *fields: tuple[str, int, int, tuple[int, ...]]):
        for key, kind, begin, shape in fields:
            if kind not in (VIEW, BITS, BOOL, INT) or begin < 0 or any(d < 0 for d in shape):
                raise ValueError(f"Layout: bad field {key!r}")
        self.fields = tuple((key, kind, begin, tuple(shape)) for key, kind, begin, shape in fields)

    def split(self, rows: torch.Tensor) -> dict[str, torch.Tensor]:
        out = {}
        for key, kind, begin, shape in self.fields:
            cols = rows.select(1, begin) if not shape else rows.narrow(1, begin, math.prod(shape))
            if kind == BITS:
                cols = cols.view(torch.int64)
            elif kind == BOOL:
                cols = cols.bool()
            elif kind == INT:
                cols = cols.to(torch.int64)
            out[key] = cols.unflatten(1, shape) if len(shape) > 1 else cols
        return out


def column(key: str, begin: int, kind: int = VIEW) -> tuple[str, int, int, tuple[int, ...]]:
    """A field of one column, shape (n,)."""
    return key, kind, begin, ()


def columns(key: str, begin: int, *shape: int, kind: int = VIEW) -> tuple[str, int, int, tuple[int, ...]]:
    """A field of prod(shape) columns, shape (n, *shape)."""
    return key, kind, begin, shape

"""Suite `fill`: raw random fills, torchrng against torch's own generator.

Per N (1e3 .. 1e8 elements, 1e3 .. 1e5 in quick mode), on CPU with 1 thread and all threads, and on
CUDA where present:

* `uniform`  torchrng.uniform(n, generator=key)        vs torch.rand(n)          float32
* `normal`   torchrng.normal(n, generator=key)         vs torch.randn(n)         float32
* `randint`  torchrng.randint(0, 100, n, generator=key) vs torch.randint(0, 100, (n,))  int64
* `uniform_ (preallocated)`  the raw op torch.ops.torchrng.fill_uniform(out, 0, 1, stream, None)
  vs out.uniform_() into one preallocated float32 `out`: the fill alone, allocation cost excluded.

The ratio columns are torch time / torchrng time: > 1 means torchrng is faster.
"""

from __future__ import annotations

import torch

import torchrng

from .common import Case, Context

NAME = "fill"
TITLE = "Raw fills: torchrng vs torch"
DESCRIPTION = __doc__.split("\n\n", 1)[1].rsplit("\n\nThe ratio", 1)[0]

SIZES = [10**k for k in range(3, 9)]  # 1e3 .. 1e8 (1e8 float32 = 400 MB, int64 = 800 MB per tensor)
QUICK_SIZES = [10**k for k in range(3, 6)]

BASELINE = "torch"
CANDIDATE = "torchrng"
_STREAM = [1, 2, 0, 0]  # key words (1, 2), index base 0, block base 0


def _pair(case: str, n: int, ours, theirs, dtype: torch.dtype) -> list[Case]:
    params = {"dtype": str(dtype).replace("torch.", "")}
    return [
        Case(case, BASELINE, n, theirs, baseline=True, params=dict(params)),
        Case(case, CANDIDATE, n, ours, params=dict(params)),
    ]


def cases(ctx: Context) -> list[Case]:
    dev = ctx.device
    key = torchrng.key(0)
    out: list[Case] = []
    for n in QUICK_SIZES if ctx.quick else SIZES:
        out += _pair(
            "uniform", n,
            lambda n=n: (lambda: torchrng.uniform(n, generator=key, device=dev)),
            lambda n=n: (lambda: torch.rand(n, device=dev)),
            torch.float32,
        )
        out += _pair(
            "normal", n,
            lambda n=n: (lambda: torchrng.normal(n, generator=key, device=dev)),
            lambda n=n: (lambda: torch.randn(n, device=dev)),
            torch.float32,
        )
        out += _pair(
            "randint [0, 100)", n,
            lambda n=n: (lambda: torchrng.randint(0, 100, n, generator=key, device=dev)),
            lambda n=n: (lambda: torch.randint(0, 100, (n,), device=dev)),
            torch.int64,
        )

        def raw_ours(n=n):
            buf = torch.empty(n, device=dev)
            op = torch.ops.torchrng.fill_uniform
            return lambda: op(buf, 0.0, 1.0, _STREAM, None)

        def raw_theirs(n=n):
            buf = torch.empty(n, device=dev)
            return lambda: buf.uniform_()

        out += _pair("uniform_ (preallocated)", n, raw_ours, raw_theirs, torch.float32)
    return out

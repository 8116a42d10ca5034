"""Raw random tensors from Philox streams: every element is a pure function of (key, sample index,
its place in the call).

Element-wise fills pack P values into one Philox block per sample index (P = 4 for 32-bit and
narrower floats and for bernoulli, 2 for float64, 1 for randint): element e of a call is lane e % P
of sample index first + e // P. A torchrng.Generator hands every op whole sample indices, so a fill
of n elements moves it by ceil(n / P) and no two calls, of any op, ever read the same block.

Each function takes `generator=`: a `torchrng.Key`, a `torchrng.Generator`, a `torch.Generator` on
any device, or None (a key drawn from the global torch generator, so `torch.manual_seed` makes it
reproducible). The output device comes from `device=` alone.
"""

from __future__ import annotations

import torch

from . import _validate as v
from ._streams import GeneratorLike, give_back, resolve
from .ops import FLOATING_DTYPES, INTEGER_DTYPES

__all__ = ["philox4x32_10", "uniform", "normal", "randint", "bernoulli", "randperm", "gamma", "beta", "dirichlet"]

_ops = torch.ops.torchrng


def philox4x32_10(counter: torch.Tensor, key: torch.Tensor) -> torch.Tensor:
    """Raw Philox4x32-10 blocks. `counter` (..., 4) and `key` (..., 2) are int64 tensors of 32-bit
    words (values in [0, 2**32)); leading dimensions broadcast. Returns (..., 4) int64."""
    if not isinstance(counter, torch.Tensor) or not isinstance(key, torch.Tensor):
        raise TypeError("philox4x32_10: counter and key must be tensors")
    if counter.dim() < 1 or counter.shape[-1] != 4:
        raise ValueError(f"philox4x32_10: counter must have shape (..., 4), got {tuple(counter.shape)}")
    if key.dim() < 1 or key.shape[-1] != 2:
        raise ValueError(f"philox4x32_10: key must have shape (..., 2), got {tuple(key.shape)}")
    lead = torch.broadcast_shapes(counter.shape[:-1], key.shape[:-1])
    return _ops.philox4x32_10(counter.expand(*lead, 4), key.expand(*lead, 2))


def _fill(op, shape, dtype, allowed, generator, device, n_indices, blocks_per_index, *args):
    shape = v.shape_arg(shape)
    dtype = v.dtype_arg(dtype, allowed)
    device = v.device_arg(device)
    out = v.empty(shape, dtype, device, f"shape={shape}")
    count = n_indices(out)
    stream, gen = resolve(generator, device, count, blocks_per_index)
    _run(op, generator, stream, count, out, *args, stream, gen)
    return out


def _run(op, generator, stream, count: int, *args) -> None:
    """op(*args); if it rejects its arguments (the kernels check dtype bounds and ranges), the
    torchrng.Generator that resolve() advanced gets its `count` indices back."""
    try:
        op(*args)
    except RuntimeError:
        give_back(generator, stream, count)
        raise


def _numel(out):
    """Sample indices of an op with one index per element (randint, gamma, beta)."""
    return out.numel()


def _four_per_index(out):
    """Sample indices of a fill with 4 values per block (one 32-bit word each, or bernoulli's)."""
    return -(-out.numel() // 4)


def _float_fill_indices(out):
    """Sample indices of uniform / normal: 4 values per block, 2 for float64 (53-bit values)."""
    return -(-out.numel() // (2 if out.dtype == torch.float64 else 4))


def uniform(shape, low: float = 0.0, high: float = 1.0, *, generator: GeneratorLike = None, device=None,
            dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Uniform values in [low, high): low + u * (high - low), u on a grid of 2**-24 (float32 and
    below) or 2**-53 (float64). A value that would round up to `high` becomes the largest value
    below it."""
    low, high = v.finite_arg(low, "low"), v.finite_arg(high, "high")
    if not low < high:
        raise ValueError(f"uniform: low must be < high, got low={low}, high={high}")
    return _fill(_ops.fill_uniform, shape, dtype, FLOATING_DTYPES, generator, device, _float_fill_indices, 1,
                 low, high)


def normal(shape, mean: float = 0.0, std: float = 1.0, *, generator: GeneratorLike = None, device=None,
           dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Normal values by Box-Muller, computed in float64 with the project's portable math."""
    mean = v.finite_arg(mean, "mean")
    std = v.finite_arg(std, "std")
    if std < 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    return _fill(_ops.fill_normal, shape, dtype, FLOATING_DTYPES, generator, device, _float_fill_indices, 1,
                 mean, std)


def randint(low: int, high: int, shape, *, generator: GeneratorLike = None, device=None,
            dtype: torch.dtype = torch.int64) -> torch.Tensor:
    """Uniform integers in [low, high) (high exclusive, like torch.randint), one Philox block each."""
    low, high = v.int_arg(low, "low"), v.int_arg(high, "high")
    if not low < high:
        raise ValueError(f"randint: low must be < high, got low={low}, high={high}")
    if low < -(1 << 63) or high > (1 << 63) - 1:
        raise ValueError(f"randint: low and high must fit in int64, got low={low}, high={high}")
    return _fill(_ops.fill_randint, shape, dtype, INTEGER_DTYPES, generator, device, _numel, 1, low, high)


def bernoulli(p: float, shape, *, generator: GeneratorLike = None, device=None,
              dtype: torch.dtype = torch.bool) -> torch.Tensor:
    """True (1) with probability p, to a resolution of 2**-32: p = 0 never fires, p = 1 always."""
    p = v.probability_arg(p, "p")
    allowed = (torch.bool,) + INTEGER_DTYPES + FLOATING_DTYPES
    return _fill(_ops.fill_bernoulli, shape, dtype, allowed, generator, device, _four_per_index, 1, p)


def randperm(n: int, batch=None, *, generator: GeneratorLike = None, device=None,
             dtype: torch.dtype = torch.int64) -> torch.Tensor:
    """Random permutations of range(n): shape (n,) when batch is None, else (*batch, n) with an
    independent permutation per row (row r is sample index r)."""
    n = v.int_arg(n, "n", minimum=0)
    batch_shape = () if batch is None else v.shape_arg(batch, "batch")
    shape = v.shape_arg(batch_shape + (n,), "(*batch, n)")
    dtype = v.dtype_arg(dtype, INTEGER_DTYPES)
    device = v.device_arg(device)
    out = v.empty(shape, dtype, device, f"n={n} and batch={batch_shape}")
    rows = out.numel() // n if n else int(torch.Size(batch_shape).numel())
    stream, gen = resolve(generator, device, rows, max(n - 1, 0))
    if n:
        _run(_ops.fill_randperm, generator, stream, rows, out.view(rows, n), stream, gen)
    return out


def gamma(alpha: float, shape, *, scale: float = 1.0, generator: GeneratorLike = None, device=None,
          dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Gamma(alpha, scale) values (Marsaglia-Tsang with a fixed budget of 5 Philox blocks each)."""
    alpha, scale = v.positive_arg(alpha, "alpha"), v.positive_arg(scale, "scale")
    return _fill(_ops.fill_gamma, shape, dtype, FLOATING_DTYPES, generator, device, _numel, 5, alpha, scale)


def beta(a: float, b: float, shape, *, generator: GeneratorLike = None, device=None,
         dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Beta(a, b) values as X / (X + Y) of two Gamma variates (10 Philox blocks each)."""
    a, b = v.positive_arg(a, "a"), v.positive_arg(b, "b")
    return _fill(_ops.fill_beta, shape, dtype, FLOATING_DTYPES, generator, device, _numel, 10, a, b)


def dirichlet(alpha, shape=(), *, generator: GeneratorLike = None, device=None,
              dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """Dirichlet(alpha) rows of shape (*shape, K) for K = len(alpha) concentrations (at most 256)."""
    if isinstance(alpha, torch.Tensor):
        if alpha.is_cuda:
            raise ValueError("dirichlet: alpha must be a CPU tensor or a sequence of floats (it is read on the host)")
        alpha = alpha.tolist()
    try:
        alpha = [v.positive_arg(a, "alpha") for a in alpha]
    except TypeError:
        raise TypeError(f"dirichlet: alpha must be a sequence of positive floats, got {type(alpha).__name__}") from None
    if not 1 <= len(alpha) <= 256:
        raise ValueError(f"dirichlet: alpha must hold 1 to 256 concentrations, got {len(alpha)}")
    shape = v.shape_arg(shape)
    dtype = v.dtype_arg(dtype, FLOATING_DTYPES)
    device = v.device_arg(device)
    k = len(alpha)
    out = v.empty(shape + (k,), dtype, device, f"shape={shape} with {k} concentrations (alpha)")
    rows = out.numel() // k
    stream, gen = resolve(generator, device, rows, 5 * k)
    _run(_ops.fill_dirichlet, generator, stream, rows, out.view(rows, k), alpha, stream, gen)
    return out

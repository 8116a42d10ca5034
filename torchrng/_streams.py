"""From whatever the caller passed as a generator to the stream words a kernel reads.

A kernel reads `stream = [key0, key1, index_base, block_base]` (see csrc/core/stream.h), plus a CUDA
torch.Generator when the output is on that generator's device, in which case the kernel takes the
key and block base from the generator's Philox seed and offset itself (graph-safe, no host sync).
"""

from __future__ import annotations

import torch

from ._generator import Generator
from ._keys import Key

GeneratorLike = Key | Generator | torch.Generator | None

_MASK32 = 0xFFFFFFFF


def _as_i64(u: int) -> int:
    """An unsigned 64-bit value as the int64 the op schema carries (two's complement)."""
    u %= 1 << 64
    return u - (1 << 64) if u >= 1 << 63 else u


def _words(k: int) -> tuple[int, int]:
    return k & _MASK32, (k >> 32) & _MASK32


def give_back(generator: GeneratorLike, stream: list[int], n_indices: int) -> None:
    """After a call that resolve()d `stream` for `n_indices` indices (advance=True) and failed before
    drawing anything: a torchrng.Generator gets the indices back (Generator.give_back). A Key holds
    no state; a torch.Generator's key draw or offset reservation is not undone."""
    if isinstance(generator, Generator):
        generator.give_back((stream[0], stream[1]), stream[2] % (1 << 64), n_indices)


def draw_key(generator: torch.Generator | None = None) -> Key:
    """One 64-bit draw from a CPU torch.Generator (the global one by default), as a Key."""
    value = torch.empty((), dtype=torch.int64).random_(-(1 << 63), None, generator=generator).item()
    return Key(*_words(value % (1 << 64)))


def resolve(generator: GeneratorLike, device: torch.device, n_indices: int, blocks_per_index: int,
            advance: bool = True):
    """Returns (stream, torch_generator_or_None) for a call that uses `n_indices` sample indices and
    `blocks_per_index` Philox blocks per index on `device`. With advance=False (explicit sample
    indices) a torchrng.Generator lends its key without moving its counter."""
    if isinstance(generator, Key):
        k0, k1 = generator.words
        return [k0, k1, 0, 0], None
    if isinstance(generator, Generator):
        if advance:
            k, first = generator.reserve(n_indices)
        else:
            k, first = generator.key, 0
        k0, k1 = k.words
        return [k0, k1, _as_i64(first), 0], None
    if generator is None:
        k0, k1 = draw_key().words
        return [k0, k1, 0, 0], None
    if isinstance(generator, torch.Generator):
        kind = generator.device.type
        if kind == "cpu":
            k0, k1 = draw_key(generator).words
            return [k0, k1, 0, 0], None
        if kind == "cuda":
            if device.type == "cuda" and device.index == generator.device.index:
                return [0, 0, 0, 0], generator  # the kernel reserves the offset itself
            seed, offset = torch.ops.torchrng._philox_reserve(generator, 4 * max(blocks_per_index, 0))
            k0, k1 = _words(seed % (1 << 64))
            return [k0, k1, 0, _as_i64(offset // 4)], None
        raise ValueError(f"generator: torch.Generator on {generator.device} is not supported (cpu or cuda only)")
    raise TypeError(
        "generator must be a torchrng.Key, a torchrng.Generator, a torch.Generator or None, "
        f"got {type(generator).__name__}"
    )

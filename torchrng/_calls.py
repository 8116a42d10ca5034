"""Which stream a transform call draws from.

A call draws from one sample stream: (key, sample index). Resolution, first match wins:
  1. the `generator=` given to forward,
  2. the `generator=` given to the constructor,
  3. the ambient sample key set by torchrng.data.SeededDataset around __getitem__ (each top-level
     call inside one __getitem__ takes the next sample index of that key, in call order),
  4. a key drawn from the global torch RNG (one 64-bit draw), so torch.manual_seed still makes
     plain use reproducible.
Containers hand their children the stream (key.fold_in(stream id), same sample index).
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import NamedTuple

import torch

from ._generator import Generator
from ._keys import Key, _check_u64
from ._philox import philox4x32
from ._streams import draw_key


class Call(NamedTuple):
    """One call's stream: key words, sample index, block base."""

    k0: int
    k1: int
    index: int
    block_base: int = 0

    @property
    def key(self) -> Key:
        return Key._trusted(self.k0, self.k1)

    def child(self, stream_id) -> Call:
        """The stream of a container's child: the key folded with the child's stream id."""
        k = self.key.fold_in(stream_id)
        return Call(k._k0, k._k1, self.index, self.block_base)


class _Ambient:
    __slots__ = ("key", "calls")

    def __init__(self, key: Key):
        self.key = key
        self.calls = 0

    def next_call(self) -> Call:
        index = self.calls
        self.calls += 1
        return Call(self.key._k0, self.key._k1, index)


_AMBIENT: contextvars.ContextVar[_Ambient | None] = contextvars.ContextVar("torchrng_ambient", default=None)


@contextlib.contextmanager
def ambient_key(key: Key):
    """Within this block, transforms without an explicit generator draw from `key` (call c of the
    block uses sample index c)."""
    if not isinstance(key, Key):
        raise TypeError(f"ambient_key needs a torchrng.Key, got {type(key).__name__}")
    token = _AMBIENT.set(_Ambient(key))
    try:
        yield
    finally:
        _AMBIENT.reset(token)


def current_ambient() -> Key | None:
    ambient = _AMBIENT.get()
    return None if ambient is None else ambient.key


def check_generator(generator, name: str = "generator"):
    if generator is None or isinstance(generator, (Key, Generator, torch.Generator, Call)):
        return generator
    raise TypeError(
        f"{name} must be a torchrng.Key, a torchrng.Generator, a torch.Generator or None, "
        f"got {type(generator).__name__}"
    )


def _key_from_cuda_generator(gen: torch.Generator) -> Call:
    seed, offset = torch.ops.torchrng._philox_reserve(gen, 4)
    seed %= 1 << 64
    w = philox4x32(((offset // 4) & 0xFFFFFFFF, (offset // 4) >> 32, 0, 0), (seed & 0xFFFFFFFF, seed >> 32))
    return Call(w[0], w[1], 0)


def call_from(generator) -> Call:
    """The stream of one call for an explicit generator."""
    if type(generator) is Call:
        return generator
    if isinstance(generator, Key):
        return Call(generator._k0, generator._k1, 0)
    if isinstance(generator, Generator):
        k, index = generator.reserve(1)
        return Call(k._k0, k._k1, index)
    if isinstance(generator, torch.Generator):
        if generator.device.type == "cuda":
            return _key_from_cuda_generator(generator)
        k = draw_key(generator)
        return Call(k._k0, k._k1, 0)
    check_generator(generator)
    raise AssertionError("unreachable")


def resolve_call(forward_generator, ctor_generator) -> Call:
    if forward_generator is not None:
        return call_from(check_generator(forward_generator))
    if ctor_generator is not None:
        return call_from(ctor_generator)
    ambient = _AMBIENT.get()
    if ambient is not None:
        return ambient.next_call()
    k = draw_key(None)
    return Call(k._k0, k._k1, 0)


def check_stream(stream, name: str = "stream"):
    """A stream id: None, an int in [0, 2**64) or a str (what Key.fold_in takes)."""
    if stream is None or isinstance(stream, str):
        return stream
    return _check_u64(stream, name)


def check_streams(streams, count: int):
    """A container's `streams=` argument: None, or one distinct id (or None) per child."""
    if streams is None:
        return None
    if isinstance(streams, (str, bytes)) or not hasattr(streams, "__iter__"):
        raise TypeError(f"streams must be a sequence of stream ids (one per transform), got {type(streams).__name__}")
    streams = [check_stream(s, f"streams[{j}]") for j, s in enumerate(streams)]
    if len(streams) != count:
        raise ValueError(f"streams must have one entry per transform: {len(streams)} != {count}")
    ids = [s for s in streams if s is not None]
    if len(set(ids)) != len(ids):
        raise ValueError(f"stream ids must be distinct, got {streams}")
    return streams


def stream_id(streams, j: int, child):
    """Child j's stream id: the container's `streams[j]`, else the child's `stream=`, else j."""
    if streams is not None and streams[j] is not None:
        return streams[j]
    sid = getattr(child, "stream", None)
    return j if sid is None else sid

"""Keys: immutable 64-bit values from which every stream is derived.

A key is two 32-bit words. It is made from a seed (`torchrng.key(seed)`) and derived with pure
functions (`fold_in`, `split`), so it pickles, compares and hashes like plain data and behaves the
same in every process, whatever the start method. The derivations are frozen by golden-value
tests: changing them changes every stream (see STREAM_VERSION).
"""

from __future__ import annotations

import hashlib
from numbers import Integral

from ._philox import philox4x32

_U64 = 1 << 64
# Each derivation runs Philox under the parent key xor a constant of its own, so seeding, fold_in
# and split never produce the blocks of one another, nor the sample blocks of the parent key.
_SEED_KEY = (0x73656564, 0x746F7263)  # "seed", "torc"
_FOLD_DOMAIN = (0x666F6C64, 0x5F696E5F)  # "fold", "_in_"
_SPLIT_DOMAIN = (0x73706C69, 0x742E2E2E)  # "spli", "t..."


def _check_u64(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an int in [0, 2**64), got {type(value).__name__} {value!r}")
    value = int(value)
    if not 0 <= value < _U64:
        raise ValueError(f"{name} must be an int in [0, 2**64), got {value}")
    return value


def _data_to_u64(data) -> int:
    """fold_in data: an int in [0, 2**64), or a str hashed to 64 bits (stable across processes)."""
    if type(data) is int and 0 <= data < _U64:
        return data
    if isinstance(data, str):
        return int.from_bytes(hashlib.blake2b(data.encode("utf-8"), digest_size=8).digest(), "little")
    return _check_u64(data, "fold_in data")


def _derive(words: tuple[int, int], domain: tuple[int, int], n: int) -> tuple[int, int]:
    k = (words[0] ^ domain[0], words[1] ^ domain[1])
    out = philox4x32((n & 0xFFFFFFFF, n >> 32, 0, 0), k)
    return out[0], out[1]


class Key:
    """A 64-bit Philox key. Immutable; equal keys produce equal streams everywhere."""

    __slots__ = ("_k0", "_k1")

    def __init__(self, k0: int, k1: int):
        for name, w in (("k0", k0), ("k1", k1)):
            if isinstance(w, bool) or not isinstance(w, Integral):
                raise TypeError(f"Key word {name} must be an int in [0, 2**32), got {type(w).__name__}")
            if not 0 <= int(w) <= 0xFFFFFFFF:
                raise ValueError(f"Key word {name} must be in [0, 2**32), got {w}")
        object.__setattr__(self, "_k0", int(k0))
        object.__setattr__(self, "_k1", int(k1))

    @property
    def words(self) -> tuple[int, int]:
        """The two 32-bit key words (low, high) that Philox uses."""
        return (self._k0, self._k1)

    def __int__(self) -> int:
        return self._k0 | (self._k1 << 32)

    def fold_in(self, data: int | str) -> Key:
        """A new key derived from this one and `data` (an int in [0, 2**64) or a str)."""
        return Key._trusted(*_derive((self._k0, self._k1), _FOLD_DOMAIN, _data_to_u64(data)))

    def split(self, n: int = 2) -> tuple[Key, ...]:
        """`n` new keys, independent of each other and of `fold_in` results."""
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
            raise ValueError(f"split: n must be an int >= 0, got {n!r}")
        return tuple(Key._trusted(*_derive((self._k0, self._k1), _SPLIT_DOMAIN, i)) for i in range(int(n)))

    @classmethod
    def _trusted(cls, k0: int, k1: int) -> Key:
        """A Key from words already known to be 32-bit (derivation results): no checks."""
        k = object.__new__(cls)
        object.__setattr__(k, "_k0", k0)
        object.__setattr__(k, "_k1", k1)
        return k

    def __setattr__(self, name, value):
        raise AttributeError("torchrng.Key is immutable")

    def __delattr__(self, name):
        raise AttributeError("torchrng.Key is immutable")

    def __eq__(self, other) -> bool:
        return isinstance(other, Key) and self.words == other.words

    def __hash__(self) -> int:
        return hash((self._k0, self._k1))  # ints only: the same in every process (str hashes are salted)

    def __repr__(self) -> str:
        return f"torchrng.Key(0x{self._k0:08x}, 0x{self._k1:08x})"

    def __reduce__(self):
        return (Key, (self._k0, self._k1))


def key(seed: int) -> Key:
    """The key for an integer seed in [0, 2**64)."""
    s = _check_u64(seed, "seed")
    out = philox4x32((s & 0xFFFFFFFF, s >> 32, 0, 0), _SEED_KEY)
    return Key._trusted(out[0], out[1])

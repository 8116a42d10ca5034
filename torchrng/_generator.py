"""torchrng.Generator: a key plus a running sample counter.

Every op takes whole sample indices from it: a sampler or per-sample op one per sample, a raw fill
one per Philox block (ceil(n / P) for n values, P = 4 float32 / 2 float64 / 1 randint values a
block). So two calls of 128 samples give the same values as one call of 256, and no two calls, of
any op, ever read the same Philox word. The counter is advanced under a lock, so threads sharing a
generator never receive overlapping indices.
"""

from __future__ import annotations

import threading
from numbers import Integral

from ._keys import Key, _check_u64, key as _key_from_seed


class Generator:
    """A stateful convenience wrapper over a `Key`: `Generator(seed)` or `Generator(key)`."""

    def __init__(self, seed: int | Key = 0, *, index: int = 0):
        self._lock = threading.Lock()
        self._key = self._to_key(seed)
        self._index = _check_u64(index, "index")

    @staticmethod
    def _to_key(seed) -> Key:
        if isinstance(seed, Key):
            return seed
        if isinstance(seed, bool) or not isinstance(seed, Integral):
            raise TypeError(f"Generator: seed must be an int in [0, 2**64) or a torchrng.Key, got {type(seed).__name__}")
        return _key_from_seed(seed)

    @property
    def key(self) -> Key:
        return self._key

    @property
    def index(self) -> int:
        """The next sample index this generator will hand out."""
        return self._index

    def manual_seed(self, seed: int | Key) -> Generator:
        """Restart from a new seed or key, at sample index 0 (like torch.Generator.manual_seed)."""
        new_key = self._to_key(seed)
        with self._lock:
            self._key, self._index = new_key, 0
        return self

    def take(self, n: int) -> int:
        """Reserve the next `n` sample indices and return the first (wrapping modulo 2**64)."""
        return self.reserve(n)[1]

    def reserve(self, n: int) -> tuple[Key, int]:
        """Reserve the next `n` sample indices: (key, first index), read together under the lock, so
        that a concurrent manual_seed / set_state never pairs one key with the other's indices."""
        if isinstance(n, bool) or not isinstance(n, Integral) or n < 0:
            raise ValueError(f"Generator.take: n must be an int >= 0, got {n!r}")
        with self._lock:
            first = self._index
            self._index = (first + int(n)) % (1 << 64)
            return self._key, first

    def give_back(self, key_words: tuple[int, int], first: int, n: int) -> None:
        """Undoes the reserve(n) that returned (a key with `key_words`, `first`) if nothing moved the
        generator since: a call that fails before drawing anything (a batch too large to allocate)
        leaves it where it was, as torch.rand leaves a torch.Generator when it cannot allocate."""
        with self._lock:
            if self._key.words == tuple(key_words) and self._index == (first + n) % (1 << 64):
                self._index = first

    def get_state(self) -> dict:
        with self._lock:
            return {"key": self._key.words, "index": self._index}

    def set_state(self, state: dict) -> Generator:
        try:
            k0, k1 = state["key"]
            index = state["index"]
        except (TypeError, KeyError, ValueError, IndexError) as e:  # IndexError: a tensor (torch.Generator's state)
            raise ValueError(f"Generator.set_state: expected {{'key': (k0, k1), 'index': int}}, got "
                             f"{type(state).__name__}") from e
        new_key, new_index = Key(k0, k1), _check_u64(index, "index")
        with self._lock:
            self._key, self._index = new_key, new_index
        return self

    def __getstate__(self):
        return self.get_state()

    def __setstate__(self, state):
        self._lock = threading.Lock()
        self._key, self._index = Key(*state["key"]), state["index"]

    def __repr__(self) -> str:
        return f"torchrng.Generator(key={self._key!r}, index={self._index})"

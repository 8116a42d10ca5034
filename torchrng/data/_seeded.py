"""SeededDataset: every sample's augmentation is a pure function of (seed, epoch, index).

Inside `__getitem__(i)` the ambient key is key(seed).fold_in(epoch).fold_in(i), so torchrng
transforms called anywhere inside the wrapped dataset (including a torchvision dataset's own
`transform=`) draw from it without being handed a generator. Nothing depends on which worker
loads the sample, how many workers there are, the start method, the batch size, shuffling, or
the world size, and no global RNG state is read or changed.

The epoch lives in shared memory (moved there just before a fork; spawned workers receive it
through torch.multiprocessing), so `set_epoch` reaches persistent workers too; call it before
iterating the DataLoader for the epoch (as with DistributedSampler.set_epoch). For a guarantee
that does not depend on that ordering, index the dataset with (epoch, index) pairs, for example
through `SeededDataset.epoch_sampler(sampler)`. A copy (copy.deepcopy, pickle) has its own epoch.

The ambient key is a context variable: a transform run in another thread from `__getitem__` (a
thread pool) sees it only if the thread runs in a copy of the context
(`contextvars.copy_context().run`); otherwise it draws from the global RNG, as without torchrng.
"""

from __future__ import annotations

import operator
import os
import weakref

import torch
from torch.utils.data import Dataset, IterableDataset, Sampler

from .._calls import ambient_key
from .._keys import Key, _check_u64, key as _key_from_seed

_U64 = 1 << 64


def _int_arg(value, name: str) -> int:
    """An int, a NumPy integer or a 0-d integer tensor (operator.index), never a bool or a float."""
    if isinstance(value, bool) or (isinstance(value, torch.Tensor) and value.dtype == torch.bool):
        raise TypeError(f"{name} must be an int, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}") from None


def _epoch_arg(epoch) -> int:
    return _check_u64(_int_arg(epoch, "epoch"), "epoch")


def _index_arg(index) -> int:
    index = _int_arg(index, "index")
    if index >= _U64:
        raise ValueError(f"index must be below 2**64, got {index}")
    return index


def sample_key(seed: int | Key, epoch: int, index: int) -> Key:
    """The ambient key of sample `index` in `epoch`: key(seed).fold_in(epoch).fold_in(index)."""
    base = seed if isinstance(seed, Key) else _key_from_seed(seed)
    index = _index_arg(index)
    if index < 0:
        raise ValueError(f"index must be >= 0 (a dataset position), got {index}")
    return base.fold_in(_epoch_arg(epoch)).fold_in(index)


# Datasets whose epoch is not in shared memory yet. Sharing it costs a file descriptor per dataset,
# so it happens only when a process is about to fork (DataLoader workers with the fork start
# method); spawn and forkserver workers receive it through torch.multiprocessing's pickler, which
# moves it to shared memory by itself.
_UNSHARED: weakref.WeakSet = weakref.WeakSet()


def _share_epochs_before_fork() -> None:
    for dataset in list(_UNSHARED):
        dataset._share_epoch()


os.register_at_fork(before=_share_epochs_before_fork)


class SeededDataset(Dataset):
    """Wraps a map-style dataset so that sample i of epoch e is augmented from
    `sample_key(seed, e, i)`."""

    def __init__(self, dataset, seed: int | Key, *, epoch: int = 0):
        if isinstance(dataset, IterableDataset):
            raise TypeError("SeededDataset needs a map-style dataset: an IterableDataset has no sample index to key "
                            f"the augmentation on, got {type(dataset).__name__}")
        if isinstance(dataset, type) or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"SeededDataset needs a map-style dataset (with __getitem__), got {dataset!r}")
        self.dataset = dataset
        self.base_key = seed if isinstance(seed, Key) else _key_from_seed(seed)
        self._epoch = torch.zeros((), dtype=torch.int64)  # the epoch as int64 bits; shared before a fork
        _UNSHARED.add(self)
        self.set_epoch(epoch)

    def _share_epoch(self) -> None:
        """Moves the epoch to shared memory, so that set_epoch reaches persistent workers."""
        if not self._epoch.is_shared():
            self._epoch.share_memory_()
        _UNSHARED.discard(self)

    def __setstate__(self, state: dict) -> None:
        # A copy (copy.deepcopy, a pickle round trip) has its own epoch, not in shared memory yet;
        # a spawned worker's arrives shared, tied to the parent's.
        self.__dict__.update(state)
        if not self._epoch.is_shared():
            _UNSHARED.add(self)

    @property
    def epoch(self) -> int:
        return int(self._epoch) % _U64

    def set_epoch(self, epoch: int) -> None:
        epoch = _epoch_arg(epoch)
        self._epoch.fill_(epoch - _U64 if epoch >= 1 << 63 else epoch)

    def key_for(self, index: int, epoch: int | None = None) -> Key:
        """The ambient key of a sample (of the current epoch by default); a negative index counts
        from the end, as in indexing."""
        position = self._position(_index_arg(index))
        return self.base_key.fold_in(self.epoch if epoch is None else _epoch_arg(epoch)).fold_in(position)

    def __len__(self) -> int:
        return len(self.dataset)

    def _split(self, item) -> tuple[int, int]:
        if isinstance(item, tuple) and len(item) == 2:
            return _epoch_arg(item[0]), _index_arg(item[1])
        try:
            return self.epoch, _index_arg(item)
        except TypeError:
            raise TypeError(f"SeededDataset indices are ints or (epoch, index) pairs, got {item!r}") from None

    def _position(self, index: int) -> int:
        """The sample's position: a negative index counts from the end (the same sample, the same
        key). Only then is the dataset's length needed."""
        if index >= 0:
            return index
        n = len(self.dataset)
        if index + n < 0:
            raise IndexError(f"index {index} is out of range for a dataset of {n} samples")
        return index + n

    def __getitem__(self, item):
        epoch, index = self._split(item)
        with ambient_key(self.base_key.fold_in(epoch).fold_in(self._position(index))):
            return self.dataset[index]

    def trace(self, index: int, epoch: int | None = None) -> list:
        """Loads sample `index` of `epoch` and returns the (transform, params) list its torchrng
        transforms applied, for replay (see torchrng.transforms.trace for the pixel-free version)."""
        from ..transforms._base import _RECORDER

        recorded: list = []
        token = _RECORDER.set(recorded)
        try:
            self[(self.epoch if epoch is None else epoch, index)]
        finally:
            _RECORDER.reset(token)
        return recorded

    def epoch_sampler(self, sampler) -> Sampler:
        """A sampler yielding (epoch, index) pairs, the epoch read as each pass starts. Its
        set_epoch(e) sets the dataset's epoch and, where it has one, the wrapped sampler's (a
        DistributedSampler's shuffle)."""
        return _EpochSampler(self, sampler)


class _EpochSampler(Sampler):
    def __init__(self, dataset: SeededDataset, sampler):
        self.dataset, self.sampler = dataset, sampler

    def set_epoch(self, epoch: int) -> None:
        self.dataset.set_epoch(epoch)
        if hasattr(self.sampler, "set_epoch"):
            self.sampler.set_epoch(epoch)

    def __iter__(self):
        epoch = self.dataset.epoch
        for index in self.sampler:
            yield (epoch, index)

    def __len__(self):
        return len(self.sampler)

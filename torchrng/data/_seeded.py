"""SeededDataset: every sample's augmentation is a pure function of (seed, epoch, index).

Inside `__getitem__(i)` the ambient key is key(seed).fold_in(epoch).fold_in(i), so torchrng
transforms called anywhere inside the wrapped dataset (including a torchvision dataset's own
`transform=`) draw from it without being handed a generator. Nothing depends on which worker
loads the sample, how many workers there are, the start method, the batch size, shuffling, or
the world size, and no global RNG state is read or changed.

The epoch lives in shared memory, so `set_epoch` reaches persistent workers too; call it before
iterating the DataLoader for the epoch (as with DistributedSampler.set_epoch). For a guarantee
that does not depend on that ordering, index the dataset with (epoch, index) pairs, for example
through `SeededDataset.epoch_sampler(sampler)`.
"""

from __future__ import annotations

from numbers import Integral

import torch
from torch.utils.data import Dataset, Sampler

from .._calls import ambient_key
from .._keys import Key, key as _key_from_seed


def sample_key(seed: int | Key, epoch: int, index: int) -> Key:
    """The ambient key of sample `index` in `epoch`: key(seed).fold_in(epoch).fold_in(index)."""
    base = seed if isinstance(seed, Key) else _key_from_seed(seed)
    return base.fold_in(epoch).fold_in(index)


class SeededDataset(Dataset):
    """Wraps a map-style dataset so that sample i of epoch e is augmented from
    `sample_key(seed, e, i)`."""

    def __init__(self, dataset, seed: int | Key, *, epoch: int = 0):
        if not hasattr(dataset, "__getitem__"):
            raise TypeError(f"SeededDataset needs a map-style dataset (with __getitem__), got {type(dataset).__name__}")
        self.dataset = dataset
        self.base_key = seed if isinstance(seed, Key) else _key_from_seed(seed)
        self._epoch = torch.zeros((), dtype=torch.int64).share_memory_()
        self.set_epoch(epoch)

    @property
    def epoch(self) -> int:
        return int(self._epoch)

    def set_epoch(self, epoch: int) -> None:
        if isinstance(epoch, bool) or not isinstance(epoch, Integral) or epoch < 0:
            raise ValueError(f"epoch must be an int >= 0, got {epoch!r}")
        self._epoch.fill_(int(epoch))

    def key_for(self, index: int, epoch: int | None = None) -> Key:
        """The ambient key of a sample (of the current epoch by default)."""
        return self.base_key.fold_in(self.epoch if epoch is None else epoch).fold_in(index)

    def __len__(self) -> int:
        return len(self.dataset)

    def _split(self, item):
        if isinstance(item, tuple) and len(item) == 2:
            epoch, index = item
            return int(epoch), int(index)
        if isinstance(item, bool) or not isinstance(item, Integral):
            raise TypeError(f"SeededDataset indices are ints or (epoch, index) pairs, got {item!r}")
        return self.epoch, int(item)

    def __getitem__(self, item):
        epoch, index = self._split(item)
        n = len(self.dataset)
        position = index + n if index < 0 else index  # the same sample, the same key
        with ambient_key(self.key_for(position, epoch)):
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
        """A sampler yielding (epoch, index) pairs: the epoch is read when each index is drawn."""
        return _EpochSampler(self, sampler)


class _EpochSampler(Sampler):
    def __init__(self, dataset: SeededDataset, sampler):
        self.dataset, self.sampler = dataset, sampler

    def __iter__(self):
        epoch = self.dataset.epoch
        for index in self.sampler:
            yield (epoch, index)

    def __len__(self):
        return len(self.sampler)

"""DataLoader integration: augmentation as a pure function of (seed, epoch, sample index)."""

from ._seeded import SeededDataset, sample_key

__all__ = ["SeededDataset", "sample_key"]

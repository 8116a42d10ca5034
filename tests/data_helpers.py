"""A small dataset with torchrng transforms inside __getitem__, importable by spawned workers."""

import torch

import torchrng.transforms as T


class TinyImages(torch.utils.data.Dataset):
    """Deterministic images; its own transform= draws from the ambient key of SeededDataset."""

    def __init__(self, n: int = 24, size: int = 20):
        self.n, self.size = n, size
        self.transform = T.Compose([
            T.RandomResizedCrop(12, antialias=True),
            T.RandomHorizontalFlip(),
            T.RandomApply([T.RandomRotation(20)], p=0.5),
        ])

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        g = torch.arange(self.size * self.size * 3, dtype=torch.float32).view(3, self.size, self.size)
        image = (g * (i + 1)) % 251
        # a stray global RNG draw inside __getitem__ must not matter
        torch.rand(1)
        return self.transform(image), i


def collect(loader):
    """{index: augmented sample} over one pass of a loader."""
    out = {}
    for images, indices in loader:
        for image, i in zip(images, indices.tolist()):
            out[i] = image
    return out

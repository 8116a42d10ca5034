"""Per-sample augmentation of whole batches, on the batch's device.

`torchrng.batch.<Name>` mirrors `torchvision.transforms.v2.<Name>` for a (B, C, H, W) tensor
(uint8, float32, float16 or bfloat16) or a list of (C, Hi, Wi) tensors: every sample draws its
own parameters from its own stream (the native samplers of torchrng.sample, run on the batch's
device) and the pixel work is vectorised over the batch with no host synchronisation. Sample i of
a batch drawn with key K gets exactly the parameters of the drop-in transform
(torchrng.transforms) called with generator=torchrng.Generator(K, index=i).

    import torchrng, torchrng.batch as B
    aug = B.Compose([B.RandomResizedCrop(224), B.RandomHorizontalFlip(),
                     B.ColorJitter(0.4, 0.4, 0.4), B.ToDtype(torch.float32, scale=True),
                     B.Normalize(mean, std)])           # runs as one fused kernel
    out = aug(images_uint8_cuda, generator=torchrng.Generator(seed))

Call forms: `T(images)`, `T(images, labels)` (MixUp, CutMix), and `T(images, boxes=..., masks=...)`
for detection / segmentation targets; see docs/batch.md for the tolerances against torchvision.
"""

from ._augment import CutMix, GaussianBlur, GaussianNoise, MixUp, Normalize, RandomErasing, ToDtype
from ._color import (
    ColorJitter,
    RandomAdjustSharpness,
    RandomAutocontrast,
    RandomEqualize,
    RandomGrayscale,
    RandomInvert,
    RandomPosterize,
    RandomSolarize,
)
from ._container import Compose, FusedResizedCrop
from ._core import BatchTransform, PaddedBoxes
from ._geometry import (
    RandomAffine,
    RandomCrop,
    RandomHorizontalFlip,
    RandomPerspective,
    RandomResizedCrop,
    RandomRotation,
    RandomVerticalFlip,
    resized_crop,
)

__all__ = [
    "BatchTransform", "PaddedBoxes", "resized_crop",
    # geometry
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomResizedCrop", "RandomCrop", "RandomRotation", "RandomAffine",
    "RandomPerspective",
    # colour
    "ColorJitter", "RandomGrayscale", "RandomInvert", "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness",
    "RandomAutocontrast", "RandomEqualize",
    # blur, noise, erasing, mixing
    "GaussianBlur", "GaussianNoise", "RandomErasing", "MixUp", "CutMix",
    # deterministic
    "Normalize", "ToDtype",
    # containers
    "Compose", "FusedResizedCrop",
]

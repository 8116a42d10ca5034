"""Batched parameter samplers, one per random transform of torchvision.transforms.v2.

`torchrng.sample.<name>(generator, *, n=None, indices=None, image_size=..., device=None, **hyper)`
returns torchvision's make_params dict with one row per sample, computed natively on `device`.
docs/samplers.md lists every sampler's output keys and block budget.
"""

from ._augment import cutmix, erasing, jpeg, mixup  # noqa: F401
from ._auto_augment import AUGMENT_OPS, augmix, auto_augment, rand_augment, trivial_augment_wide  # noqa: F401
from ._color import (  # noqa: F401
    adjust_sharpness,
    autocontrast,
    channel_permutation,
    color_jitter,
    equalize,
    grayscale,
    invert,
    photometric_distort,
    posterize,
    solarize,
)
from ._containers import random_apply, random_choice, random_order  # noqa: F401
from ._geometry import (  # noqa: F401
    affine,
    crop,
    elastic,
    horizontal_flip,
    iou_crop,
    perspective,
    resize,
    resized_crop,
    rotation,
    scale_jitter,
    shortest_size,
    vertical_flip,
    zoom_out,
)
from ._misc import gaussian_blur, gaussian_noise  # noqa: F401

__all__ = [
    # geometry
    "affine", "crop", "elastic", "horizontal_flip", "iou_crop", "perspective", "resize", "resized_crop", "rotation",
    "scale_jitter", "shortest_size", "vertical_flip", "zoom_out",
    # photometric
    "adjust_sharpness", "autocontrast", "channel_permutation", "color_jitter", "equalize", "gaussian_blur",
    "gaussian_noise", "grayscale", "invert", "photometric_distort", "posterize", "solarize",
    # erasing, JPEG, mixing
    "cutmix", "erasing", "jpeg", "mixup",
    # auto-augment
    "AUGMENT_OPS", "augmix", "auto_augment", "rand_augment", "trivial_augment_wide",
    # containers
    "random_apply", "random_choice", "random_order",
]

"""Batched parameter samplers, one per random transform of torchvision.transforms.v2.

`torchrng.sample.<name>(generator, *, n=None, indices=None, image_size=..., device=None, **hyper)`
returns torchvision's make_params dict with one row per sample, computed natively on `device`.
"""

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

__all__ = [
    "affine", "crop", "elastic", "horizontal_flip", "iou_crop", "perspective", "resize", "resized_crop", "rotation",
    "scale_jitter", "shortest_size", "vertical_flip", "zoom_out",
]

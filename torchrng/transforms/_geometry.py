"""Drop-in geometric transforms: torchvision's classes with parameters from torchrng streams."""

from __future__ import annotations

from typing import Any

import torch
from torchvision.transforms import v2 as T
from torchvision.transforms.v2._utils import get_bounding_boxes

from .. import sample as S
from ..sample import _geometry as G
from ._base import DropIn, drop_in

__all__ = [
    "RandomHorizontalFlip", "RandomVerticalFlip", "RandomResizedCrop", "RandomCrop", "RandomRotation",
    "RandomAffine", "RandomPerspective", "ElasticTransform", "RandomZoomOut", "RandomIoUCrop", "ScaleJitter",
    "RandomShortestSize", "RandomResize",
]


class _Flip(DropIn):
    """Both flips: only the p gate is random, and it does not depend on the image size."""

    _sampler, _gated = G.FLIP, True

    def _hyper(self):
        return [self.p]

    def _size(self, flat_inputs):
        return 1, 1


@drop_in
class RandomHorizontalFlip(_Flip, T.RandomHorizontalFlip):
    pass


@drop_in
class RandomVerticalFlip(_Flip, T.RandomVerticalFlip):
    pass


@drop_in
class RandomResizedCrop(DropIn, T.RandomResizedCrop):
    _sampler = G.RESIZED_CROP

    def _hyper(self):
        return G.resized_crop_hyper(tuple(self.scale), tuple(self.ratio))

    def _params(self, row, flat_inputs):
        return dict(top=row[0], left=row[1], height=row[2], width=row[3])


@drop_in
class RandomCrop(DropIn, T.RandomCrop):
    _sampler = G.CROP

    def _hyper(self):
        pl, pr, pt, pb = self.padding if self.padding is not None else (0, 0, 0, 0)
        return [*self.size, pl, pr, pt, pb, 1.0 if self.pad_if_needed else 0.0]

    def _params(self, row, flat_inputs):
        return dict(needs_crop=bool(row[0]), top=row[1], left=row[2], height=row[3], width=row[4],
                    needs_pad=bool(row[5]), padding=list(row[6:10]))

    def _sample(self, flat_inputs):
        G._check_crop_fits(list(self._hyper_values), self._size(flat_inputs), None)
        return super()._sample(flat_inputs)


@drop_in
class RandomRotation(DropIn, T.RandomRotation):
    _sampler = G.ROTATION

    def _hyper(self):
        lo, hi = G.setup_angle(list(self.degrees), "degrees")  # finite (torchvision lets NaN through)
        if lo > hi:
            raise ValueError(f"degrees should be of kind (min, max), got {(lo, hi)}")
        return [lo, hi]

    def _size(self, flat_inputs):
        return 1, 1

    def _params(self, row, flat_inputs):
        return dict(angle=row[0])


@drop_in
class RandomAffine(DropIn, T.RandomAffine):
    _sampler = G.AFFINE

    def _hyper(self):
        return G.affine_hyper(
            tuple(self.degrees),
            None if self.translate is None else tuple(self.translate),
            None if self.scale is None else tuple(self.scale),
            None if self.shear is None else tuple(self.shear),
        )

    def _params(self, row, flat_inputs):
        return dict(angle=row[0], translate=(int(row[1]), int(row[2])), scale=row[3], shear=(row[4], row[5]))


@drop_in
class RandomPerspective(DropIn, T.RandomPerspective):
    _sampler, _gated = G.PERSPECTIVE, True

    def _hyper(self):
        return G.perspective_hyper(self.distortion_scale, self.p)

    def _params(self, row, flat_inputs):
        return dict(coefficients=list(row[1:9]))


@drop_in
class RandomZoomOut(DropIn, T.RandomZoomOut):
    _sampler, _gated = G.ZOOM_OUT, True

    def _hyper(self):
        return G.zoom_out_hyper(tuple(self.side_range), self.p)

    def _params(self, row, flat_inputs):
        return dict(padding=list(row[1:5]))


@drop_in
class ScaleJitter(DropIn, T.ScaleJitter):
    _sampler = G.SCALE_JITTER

    def _hyper(self):
        return G.scale_jitter_hyper(tuple(self.target_size), tuple(self.scale_range))

    def _params(self, row, flat_inputs):
        return dict(size=(row[0], row[1]))


@drop_in
class RandomShortestSize(DropIn, T.RandomShortestSize):
    _sampler = G.SHORTEST_SIZE

    def _hyper(self):
        return G.shortest_size_hyper(tuple(self.min_size), self.max_size)

    def _params(self, row, flat_inputs):
        return dict(size=(row[0], row[1]))


@drop_in
class RandomResize(DropIn, T.RandomResize):
    _sampler = G.RESIZE

    def _hyper(self):
        return list(G.resize_bounds(self.min_size, self.max_size))

    def _size(self, flat_inputs):
        return 1, 1

    def _params(self, row, flat_inputs):
        return dict(size=[row[0]])


# --- tensor-path samplers (a field per sample, or boxes as input) ------------------------------------


@drop_in
class ElasticTransform(DropIn, T.ElasticTransform):
    def _hyper(self):
        return G.elastic_hyper(tuple(self.alpha), tuple(self.sigma))

    def _sample(self, flat_inputs: list[Any]):
        height, width = self._size(flat_inputs)
        c = self._call()
        field = S.elastic(c.key, indices=[c.index], image_size=(height, width), alpha=tuple(self.alpha),
                          sigma=tuple(self.sigma))
        return True, dict(displacement=field["displacement"])


@drop_in
class RandomIoUCrop(DropIn, T.RandomIoUCrop):
    def _hyper(self):
        return G.iou_crop_hyper(self.min_scale, self.max_scale, self.min_aspect_ratio, self.max_aspect_ratio,
                                tuple(self.options), self.trials)

    def _sample(self, flat_inputs: list[Any]):
        height, width = self._size(flat_inputs)
        boxes = get_bounding_boxes(flat_inputs)
        c = self._call()
        p = S.iou_crop(c.key, indices=[c.index], image_size=(height, width), boxes=[boxes],
                       min_scale=self.min_scale, max_scale=self.max_scale, min_aspect_ratio=self.min_aspect_ratio,
                       max_aspect_ratio=self.max_aspect_ratio, sampler_options=tuple(self.options),
                       trials=self.trials)
        if not bool(p["apply"][0]):
            return True, {}  # left as is, like torchvision's leave-as-is option (transform() passes through)
        within = p["is_within_crop_area"][0].to(boxes.device)
        return True, dict(top=int(p["top"][0]), left=int(p["left"][0]), height=int(p["height"][0]),
                          width=int(p["width"][0]), is_within_crop_area=within)

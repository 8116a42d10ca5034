"""Drop-in photometric, blur, noise, JPEG, erasing and mixing transforms."""

from __future__ import annotations

import contextvars
import math
from typing import Any

import torch
from torchvision.transforms import v2 as T

from ..sample import _augment as A
from ..sample import _color as C
from ..sample import _ids as ids
from ..sample import _misc as M
from ._base import DropIn, drop_in, query_chw

__all__ = [
    "ColorJitter", "RandomPhotometricDistort", "RandomChannelPermutation", "RandomGrayscale", "RandomInvert",
    "RandomPosterize", "RandomSolarize", "RandomAdjustSharpness", "RandomAutocontrast", "RandomEqualize",
    "GaussianBlur", "GaussianNoise", "JPEG", "RandomErasing", "MixUp", "CutMix",
]


def _factor(x: float):
    return None if math.isnan(x) else x


@drop_in
class ColorJitter(DropIn, T.ColorJitter):
    _sampler = ids.COLOR_JITTER

    def _hyper(self):
        return C.color_jitter_hyper(self.brightness, self.contrast, self.saturation, self.hue)

    def _size(self, flat_inputs):
        return 1, 1

    def _params(self, row, flat_inputs):
        return dict(fn_idx=[int(i) for i in row[0:4]], brightness_factor=_factor(row[4]),
                    contrast_factor=_factor(row[5]), saturation_factor=_factor(row[6]), hue_factor=_factor(row[7]))


@drop_in
class RandomPhotometricDistort(DropIn, T.RandomPhotometricDistort):
    _sampler = ids.PHOTOMETRIC_DISTORT

    def _hyper(self):
        return self._hyper_for(3)

    def _hyper_for(self, channels: int):
        return tuple(C.photometric_distort_hyper(tuple(self.brightness), tuple(self.contrast),
                                                 tuple(self.saturation), tuple(self.hue), self.p, channels))

    def _sample(self, flat_inputs):
        channels = query_chw(flat_inputs)[0]
        c = self._call()
        from .. import _C

        row = _C.sample_one(self._sampler, self._hyper_for(channels), 1, 1, c.k0, c.k1, c.index, c.block_base)
        params = {key: _factor(row[k]) for k, key in enumerate(C._FACTORS)}
        params["contrast_before"] = bool(row[4])
        params["channel_permutation"] = torch.tensor([int(x) for x in row[6:]]) if row[5] else None
        return True, params


@drop_in
class RandomChannelPermutation(DropIn, T.RandomChannelPermutation):
    _sampler = ids.PERMUTATION

    def _sample(self, flat_inputs):
        channels = query_chw(flat_inputs)[0]
        c = self._call()
        from .. import _C

        row = _C.sample_one(self._sampler, (float(C.channels_arg(channels)),), 1, 1, c.k0, c.k1, c.index,
                            c.block_base)
        return True, dict(permutation=torch.tensor(row, dtype=torch.int64))


class _Gate(DropIn):
    """p-gated colour transforms: the gate is the only draw."""

    _sampler, _gated = ids.GATE, True

    def _hyper(self):
        return [self.p]

    def _size(self, flat_inputs):
        return 1, 1


@drop_in
class RandomGrayscale(_Gate, T.RandomGrayscale):
    def _params(self, row, flat_inputs):
        return dict(num_input_channels=query_chw(flat_inputs)[0])


@drop_in
class RandomInvert(_Gate, T.RandomInvert):
    pass


@drop_in
class RandomPosterize(_Gate, T.RandomPosterize):
    pass


@drop_in
class RandomSolarize(_Gate, T.RandomSolarize):
    pass


@drop_in
class RandomAdjustSharpness(_Gate, T.RandomAdjustSharpness):
    pass


@drop_in
class RandomAutocontrast(_Gate, T.RandomAutocontrast):
    pass


@drop_in
class RandomEqualize(_Gate, T.RandomEqualize):
    pass


@drop_in
class GaussianBlur(DropIn, T.GaussianBlur):
    _sampler = ids.UNIFORM

    def _hyper(self):
        return list(self.sigma)

    def _size(self, flat_inputs):
        return 1, 1

    def _params(self, row, flat_inputs):
        return dict(sigma=[row[0], row[0]])


@drop_in
class JPEG(DropIn, T.JPEG):
    _sampler = ids.INTEGER

    def _hyper(self):
        return A.jpeg_hyper(tuple(self.quality))

    def _size(self, flat_inputs):
        return 1, 1

    def _params(self, row, flat_inputs):
        return dict(quality=row[0])

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        if isinstance(inpt, torch.Tensor) and inpt.device.type == "meta":
            return inpt  # T.trace's shape-only run: JPEG keeps the shape, and encode_jpeg has no meta kernel
        return super().transform(inpt, params)


@drop_in
class GaussianNoise(DropIn, T.GaussianNoise):
    """Noise generated on the input's device from the call's stream: the k-th transformed input of
    a call draws from the call key folded with k (torchvision draws each from the global RNG)."""

    def _sample(self, flat_inputs):
        return True, dict(call=self._call(), counter=[0])

    def _replayable(self, params: dict) -> dict:
        return {**params, "counter": [0]}  # each replay counts its inputs from 0, as forward does

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        from torchvision import tv_tensors
        from torchvision.transforms.v2._utils import is_pure_tensor

        if not (isinstance(inpt, (tv_tensors.Image, tv_tensors.Video)) or is_pure_tensor(inpt)):
            return super().transform(inpt, params)  # PIL raises as torchvision's; other types pass through
        if self.sigma < 0:
            raise ValueError(f"sigma shouldn't be negative. Got {self.sigma}")
        call, k = params["call"], params["counter"][0]
        params["counter"][0] += 1
        key = call.key.fold_in(k) if k else call.key
        image = inpt.as_subclass(torch.Tensor)
        idx = torch.tensor([call.index - (1 << 64) if call.index >= 1 << 63 else call.index], dtype=torch.int64,
                           device=image.device)
        if image.is_floating_point():
            noise = M.normal_field(key, 1, idx, tuple(image.shape), image.device, self.mean, self.sigma, image.dtype)[0]
            out = image + noise
            if self.clip:
                out = torch.clamp(out, 0, 1)
        elif image.dtype == torch.uint8:
            noise = M.normal_field(key, 1, idx, tuple(image.shape), image.device, self.mean * 255, self.sigma * 255,
                                   torch.int16)[0]
            out = image + noise
            if self.clip:
                out = torch.clamp(out, 0, 255)
            out = out.to(torch.uint8)
        else:
            raise ValueError(f"Input tensor is expected to be in uint8 or float dtype, got dtype={image.dtype}")
        return out.as_subclass(type(inpt)) if type(inpt) is not torch.Tensor else out


@drop_in
class RandomErasing(DropIn, T.RandomErasing):
    _sampler, _gated = ids.ERASING, True

    def _hyper(self):
        return A.erasing_hyper(self.p, tuple(self.scale), tuple(self.ratio))

    def _sample(self, flat_inputs):
        channels, height, width = query_chw(flat_inputs)
        if self.value is not None and len(self.value) not in (1, channels):
            raise ValueError(
                f"If value is a sequence, it should have either a single value or {channels} (number of inpt channels)"
            )
        c = self._call()
        from .. import _C

        row = _C.sample_one(self._sampler, self._hyper_values, height, width, c.k0, c.k1, c.index, c.block_base)
        apply, found, i, j, h, w = row
        if not found:
            return bool(apply), dict(i=0, j=0, h=height, w=width, v=None)
        if self.value is None:  # 'random': the sample's standard-normal field, cut at the box
            field = A.erasing(c.key, indices=[c.index], image_size=(height, width), num_channels=channels,
                              p=self.p, scale=tuple(self.scale), ratio=tuple(self.ratio), value="random")["v"][0]
            v = field[:, i:i + h, j:j + w]
        else:
            v = getattr(self, "_fill_tensor", None)
            if v is None:  # made once: transform() only reads it
                v = self._fill_tensor = torch.tensor(self.value, dtype=torch.float32).view(-1, 1, 1)
        return bool(apply), dict(i=i, j=j, h=h, w=w, v=v)


# (transform, params) while a MixUp / CutMix replays given parameters through torchvision's forward.
_REPLAY: contextvars.ContextVar[tuple[Any, dict] | None] = contextvars.ContextVar("torchrng_mix_replay",
                                                                                 default=None)


class _Mix(DropIn):
    """MixUp / CutMix keep torchvision's forward (label checks, one-hot, mixing); only make_params
    draws from the call's stream."""

    def _forward_in_call(self, inputs: tuple, call) -> Any:
        return self._tv_forward(*inputs)

    def make_params(self, flat_inputs):
        replay = _REPLAY.get()
        if replay is not None and replay[0] is self:  # apply_params: the given parameters, no draw
            return dict(replay[1])
        apply, params = self._sample(flat_inputs)
        self._record(apply, params)
        return params

    def apply_params(self, *inputs: Any, params: dict) -> Any:
        """torchvision's forward (label checks, one-hot, mixing) with the given lam or box: the
        labels and batch size come from these inputs, as in forward."""
        given = {k: v for k, v in params.items() if k not in ("labels", "batch_size")}
        token = _REPLAY.set((self, given))
        try:
            return self._tv_forward(*inputs)
        finally:
            _REPLAY.reset(token)


@drop_in
class MixUp(_Mix, T.MixUp):
    _sampler = ids.MIXUP

    def _tv_forward(self, *inputs):
        return T.MixUp.forward(self, *inputs)

    def _hyper(self):
        return [A._alpha_arg(self.alpha)]

    def _size(self, flat_inputs):
        return 1, 1

    def _params(self, row, flat_inputs):
        return dict(lam=row[0])


@drop_in
class CutMix(_Mix, T.CutMix):
    _sampler = ids.CUTMIX

    def _tv_forward(self, *inputs):
        return T.CutMix.forward(self, *inputs)

    def _hyper(self):
        return [A._alpha_arg(self.alpha)]

    def _params(self, row, flat_inputs):
        return dict(box=tuple(int(x) for x in row[0:4]), lam_adjusted=row[4])

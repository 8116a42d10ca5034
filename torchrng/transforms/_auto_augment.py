"""Drop-in AutoAugment, RandAugment, TrivialAugmentWide and AugMix.

torchvision draws their decisions inside forward, interleaved with the ops; these draw all of a
call's decisions at once from its stream (torchrng.sample's auto-augment rows, with signed
magnitudes computed natively) and then apply the ops with torchvision's own helpers.
"""

from __future__ import annotations

from typing import Any

import PIL.Image
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2 as T
from torchvision.transforms.v2 import functional as F
from torchvision.transforms.v2.functional._utils import _FillType  # noqa: F401
from torchvision.transforms.v2._utils import get_size

from .. import _C
from .._calls import resolve_call
from ..sample import _auto_augment as AA
from ..sample import _ids as ids
from ._base import _ACTIVE, DropIn, drop_in

__all__ = ["AutoAugment", "RandAugment", "TrivialAugmentWide", "AugMix"]


class _AutoAugmentDropIn(DropIn):
    def _forward_in_call(self, inputs: tuple, call) -> Any:
        flat_inputs_with_spec, image = self._flatten_and_extract_image_or_video(inputs)
        height, width = get_size(image)
        row = self._decisions(height, width)
        self._record(True, {**self._report(row), "_call": call})
        return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec, self._augment(image, row))

    def _decisions(self, height: int, width: int) -> tuple:
        c = self._call()
        return _C.sample_one(self._sampler, self._hyper_values, height, width, c.k0, c.k1, c.index, c.block_base)

    def _apply_op(self, image, op_id: int, magnitude: float):
        return self._apply_image_or_video_transform(image, AA.AUGMENT_OPS[op_id], magnitude,
                                                    interpolation=self.interpolation, fill=self._fill)

    def sample_params(self, *inputs: Any, generator=None) -> dict:
        call = resolve_call(generator, self.generator)
        token = _ACTIVE.set((self, call))
        try:
            _, image = self._flatten_and_extract_image_or_video(inputs)
            return {**self._report(self._decisions(*get_size(image))), "_call": call}
        finally:
            _ACTIVE.reset(token)

    def apply_params(self, *inputs: Any, params: dict) -> Any:
        token = _ACTIVE.set((self, params["_call"]))  # AugMix's per-row weights come from the call
        try:
            flat_inputs_with_spec, image = self._flatten_and_extract_image_or_video(inputs)
            return self._unflatten_and_insert_image_or_video(flat_inputs_with_spec,
                                                             self._augment(image, params["_row"]))
        finally:
            _ACTIVE.reset(token)


@drop_in
class AutoAugment(_AutoAugmentDropIn, T.AutoAugment):
    _sampler = ids.AUTO_AUGMENT

    def _hyper(self):
        return AA.auto_augment_hyper(self.policy)

    # The sampler's row: applied[2], policy, op[2], magnitude_bin[2], sign[2], magnitude[2].
    def _report(self, row):
        ops = [(bool(row[k]), AA.AUGMENT_OPS[int(row[3 + k])], row[9 + k]) for k in range(2)]
        return {"policy": int(row[2]), "ops": [(name, magnitude) for applied, name, magnitude in ops if applied],
                "_row": row}

    def _augment(self, image, row):
        for k in range(2):
            if row[k]:
                image = self._apply_op(image, int(row[3 + k]), row[9 + k])
        return image


@drop_in
class RandAugment(_AutoAugmentDropIn, T.RandAugment):
    _sampler = ids.RAND_AUGMENT

    def _hyper(self):
        return AA.rand_augment_hyper(self.num_ops, self.magnitude, self.num_magnitude_bins)

    def _report(self, row):
        k = self.num_ops
        return {"ops": [(AA.AUGMENT_OPS[int(row[j])], row[3 * k + j]) for j in range(k)], "_row": row}

    def _augment(self, image, row):
        k = self.num_ops
        for j in range(k):
            image = self._apply_op(image, int(row[j]), row[3 * k + j])
        return image


@drop_in
class TrivialAugmentWide(_AutoAugmentDropIn, T.TrivialAugmentWide):
    _sampler = ids.TRIVIAL_AUGMENT_WIDE

    def _hyper(self):
        return [float(AA._bins_arg(self.num_magnitude_bins))]

    def _report(self, row):
        return {"ops": [(AA.AUGMENT_OPS[int(row[0])], row[3])], "_row": row}

    def _augment(self, image, row):
        return self._apply_op(image, int(row[0]), row[3])


@drop_in
class AugMix(_AutoAugmentDropIn, T.AugMix):
    """AugMix with one op chain per call, as torchvision. For a batched input, row 0's mixing
    weights are the call's own; row b > 0 takes its weights from the stream (call key folded with
    b, same sample index) — torchvision also draws one weight set per row."""

    _sampler = ids.AUGMIX

    def _hyper(self):
        return AA.augmix_hyper(self.severity, self.mixture_width, self.chain_depth, self.alpha, self.all_ops)

    def _layout(self):
        w = self.mixture_width
        d = self.chain_depth if self.chain_depth > 0 else 3
        return w, d

    def _report(self, row):
        w, d = self._layout()
        base = 2 + 2 * w
        chains = []
        for i in range(w):
            depth = int(row[2 + w + i])
            chains.append([(AA.AUGMENT_OPS[int(row[base + i * d + t])], row[base + 3 * w * d + i * d + t])
                           for t in range(depth)])
        return {"beta_weights": list(row[0:2]), "chain_weights": list(row[2:2 + w]), "chains": chains, "_row": row}

    def _row_weights(self, rows: int, device) -> tuple[torch.Tensor, torch.Tensor]:
        """(m (rows, 2), combined weights (rows, W)) for a batch of `rows` rows."""
        w, _ = self._layout()
        c = self._call()
        all_rows = [self._decisions(1, 1) if b == 0 else _C.sample_one(
            self._sampler, self._hyper_values, 1, 1, *c.child(b)[:2], c.index, c.block_base) for b in range(rows)]
        m = torch.tensor([r[0:2] for r in all_rows], dtype=torch.float32, device=device)
        combined = torch.tensor([r[2:2 + w] for r in all_rows], dtype=torch.float32, device=device)
        return m, combined

    def _augment(self, orig, row):
        w, d = self._layout()
        image = orig if isinstance(orig, torch.Tensor) else F.pil_to_tensor(orig)
        orig_dims = list(image.shape)
        expected_ndim = 5 if isinstance(orig, tv_tensors.Video) else 4
        batch = image.reshape([1] * max(expected_ndim - image.ndim, 0) + orig_dims)
        batch_dims = [batch.size(0)] + [1] * (batch.ndim - 1)
        m, combined = self._row_weights(batch_dims[0], batch.device)
        mix = m[:, 0].reshape(batch_dims) * batch
        base = 2 + 2 * w
        for i in range(w):
            aug = batch
            for t in range(int(row[2 + w + i])):
                aug = self._apply_op(aug, int(row[base + i * d + t]), row[base + 3 * w * d + i * d + t])
            mix.add_(combined[:, i].reshape(batch_dims) * aug)
        mix = mix.reshape(orig_dims).to(dtype=image.dtype)
        if isinstance(orig, (tv_tensors.Image, tv_tensors.Video)):
            mix = tv_tensors.wrap(mix, like=orig)
        elif isinstance(orig, PIL.Image.Image):
            mix = F.to_pil_image(mix)
        return mix

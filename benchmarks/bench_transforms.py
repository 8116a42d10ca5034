"""Suite `transforms`: the drop-in transforms against torchvision's own, one image at a time.

CPU, one thread (the issue's conditions), side by side in one run:

* `make_params`: the parameter draw of RandomResizedCrop, RandomAffine, ColorJitter,
  RandomPerspective and RandomErasing for one 3x224x224 uint8 image: torchvision's `make_params`
  (global RNG) against the drop-in's, with a `torchrng.Generator` (one sample index per call) and
  with no generator at all (a key drawn from the global RNG per call).
* `forward`: a full forward on a 3x224x224 uint8 image (p = 1 for the p-gated ones), and the
  standard training pipeline RandomResizedCrop(224) -> RandomHorizontalFlip -> ColorJitter.

The ratio columns are torchvision time / torchrng time: > 1 means the drop-in is faster.
"""

from __future__ import annotations

import torch
import torchvision.transforms.v2 as TV
from torchvision import tv_tensors

import torchrng
import torchrng.transforms as T

from .common import Case, Context

NAME = "transforms"
TITLE = "Drop-in transforms vs torchvision, one image"
DESCRIPTION = __doc__.split("\n\n", 1)[1].rsplit("\n\nThe ratio", 1)[0]

_CONFIGS = {
    "RandomResizedCrop": dict(size=224, antialias=True),
    "RandomAffine": dict(degrees=30, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=10),
    "ColorJitter": dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
    "RandomPerspective": dict(p=1.0),
    "RandomErasing": dict(p=1.0),
}


def _image():
    return tv_tensors.Image(torch.randint(0, 256, (3, 224, 224), dtype=torch.uint8))


def _pipeline(module):
    return module.Compose([module.RandomResizedCrop(224, antialias=True), module.RandomHorizontalFlip(),
                           module.ColorJitter(0.4, 0.4, 0.4, 0.1)])


def cases(ctx: Context) -> list[Case]:
    if ctx.device != "cpu":
        return []
    out: list[Case] = []
    names = list(_CONFIGS)[:2] if ctx.quick else list(_CONFIGS)
    for name in names:
        kw = _CONFIGS[name]

        def tv_params(name=name, kw=kw):
            t, flat = getattr(TV, name)(**kw), [_image()]
            return lambda: t.make_params(flat)

        def ours_params(name=name, kw=kw):
            t, flat = getattr(T, name)(**kw, generator=torchrng.Generator(0)), [_image()]
            return lambda: t.make_params(flat)

        def ours_params_global(name=name, kw=kw):
            t, flat = getattr(T, name)(**kw), [_image()]
            return lambda: t.make_params(flat)

        case = f"make_params {name}"
        out += [Case(case, "torchvision", 1, tv_params, baseline=True, threads=[1]),
                Case(case, "torchrng (Generator)", 1, ours_params, threads=[1]),
                Case(case, "torchrng (no generator)", 1, ours_params_global, threads=[1])]

        def tv_forward(name=name, kw=kw):
            t, img = getattr(TV, name)(**kw), _image()
            return lambda: t(img)

        def ours_forward(name=name, kw=kw):
            t, img = getattr(T, name)(**kw, generator=torchrng.Generator(0)), _image()
            return lambda: t(img)

        case = f"forward {name}"
        out += [Case(case, "torchvision", 1, tv_forward, baseline=True, threads=[1]),
                Case(case, "torchrng (Generator)", 1, ours_forward, threads=[1])]

    def tv_pipe():
        t, img = _pipeline(TV), _image()
        return lambda: t(img)

    def ours_pipe():
        t, img, g = _pipeline(T), _image(), torchrng.Generator(0)
        return lambda: t(img, generator=g)

    out += [Case("forward RRC+flip+ColorJitter", "torchvision", 1, tv_pipe, baseline=True, threads=[1]),
            Case("forward RRC+flip+ColorJitter", "torchrng (Generator)", 1, ours_pipe, threads=[1])]
    return out

"""Suite `batch`: per-sample batch augmentation of B uint8 images, torchrng.batch against a
per-sample loop of torchvision v2 on the same device and against Kornia's AugmentationSequential.

B = 256 images of 3 x 400 x 500 uint8 to 3 x 224 x 224 float32 (quick mode: B = 8 images of
3 x 160 x 200 to 3 x 112 x 112), on CPU (1 thread and all threads) and on CUDA where present:

* `recipe`  RandomResizedCrop -> RandomHorizontalFlip -> ColorJitter(0.4, 0.4, 0.4, 0.1) ->
  ToDtype(float32, scale) -> Normalize(ImageNet mean, std)
* `recipe, no jitter`  the same without ColorJitter

Implementations, each producing the whole float batch from the uint8 batch, new parameters on
every call:

* `torchvision loop` (baseline)  torchvision.transforms.v2.Compose applied to each image in a
  Python loop, then torch.stack
* `torchrng fused`  torchrng.batch.Compose (runs as one FusedResizedCrop kernel)
* `torchrng batch`  the same transforms, fuse=False (one batched step per transform)
* `kornia`  kornia.augmentation.AugmentationSequential of RandomResizedCrop, RandomHorizontalFlip,
  ColorJitter and Normalize on the batch converted to float (the conversion is timed)

N is the batch size, so ns/elem is nanoseconds per image (images per second = 1e9 / ns/elem).
On CUDA the case `fused bandwidth` times the fused recipe alone with N = bytes read (the crops'
pixels) plus bytes written: its ns/elem is ns per byte, so GB/s = 1 / ns/elem.

The ratio columns are torchvision-loop time / impl time: > 1 means the impl is faster.
"""

from __future__ import annotations

import torch

import torchrng

from .common import Case, Context

NAME = "batch"
TITLE = "Per-sample batch augmentation: torchrng.batch vs a torchvision loop and Kornia"
DESCRIPTION = __doc__.split("\n\n", 1)[1].rsplit("\n\nThe ratio", 1)[0]

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
JITTER = dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
BASELINE = "torchvision loop"


def shapes(quick: bool) -> tuple[int, tuple[int, int, int], int]:
    """(batch, (C, H, W) input, output side)."""
    return (8, (3, 160, 200), 112) if quick else (256, (3, 400, 500), 224)


def _images(batch: int, chw, device: str) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (batch, *chw), dtype=torch.uint8, generator=g).to(device)


def torchvision_pipeline(side: int, jitter: bool):
    import torchvision.transforms.v2 as T

    steps = [T.RandomResizedCrop(side, antialias=True), T.RandomHorizontalFlip()]
    if jitter:
        steps.append(T.ColorJitter(**JITTER))
    steps += [T.ToDtype(torch.float32, scale=True), T.Normalize(MEAN, STD)]
    return T.Compose(steps)


def torchrng_pipeline(side: int, jitter: bool, fuse: bool):
    import torchrng.batch as B

    steps = [B.RandomResizedCrop(side), B.RandomHorizontalFlip()]
    if jitter:
        steps.append(B.ColorJitter(**JITTER))
    steps += [B.ToDtype(torch.float32, scale=True), B.Normalize(MEAN, STD)]
    return B.Compose(steps, fuse=fuse)


def kornia_pipeline(side: int, jitter: bool, device: str):
    import kornia.augmentation as KA

    steps = [KA.RandomResizedCrop((side, side), align_corners=False), KA.RandomHorizontalFlip()]
    if jitter:
        steps.append(KA.ColorJitter(**JITTER, p=1.0))
    steps.append(KA.Normalize(mean=torch.tensor(MEAN), std=torch.tensor(STD)))
    return KA.AugmentationSequential(*steps).to(device)


def _setup_torchvision(batch, chw, side, jitter, device):
    def setup():
        images = _images(batch, chw, device)
        pipeline = torchvision_pipeline(side, jitter)
        return lambda: torch.stack([pipeline(img) for img in images])

    return setup


def _setup_torchrng(batch, chw, side, jitter, device, fuse):
    def setup():
        images = _images(batch, chw, device)
        pipeline = torchrng_pipeline(side, jitter, fuse)
        gen = torchrng.Generator(1)
        return lambda: pipeline(images, generator=gen)

    return setup


def _setup_kornia(batch, chw, side, jitter, device):
    def setup():
        images = _images(batch, chw, device)
        pipeline = kornia_pipeline(side, jitter, device)
        return lambda: pipeline(images.float().div_(255))

    return setup


def _bandwidth_case(batch, chw, side, device) -> Case:
    """The fused recipe (with jitter) with N = bytes moved; fixed parameters so N is exact."""
    images = None
    key = torchrng.key(1)
    pipeline = torchrng_pipeline(side, True, True)
    # the bytes of the call that will be timed: the same key every call, so the same crops
    # (Compose's first child draws from key.fold_in(0), samples 0..B-1)
    crops = torchrng.sample.resized_crop(key.fold_in(0), n=batch, image_size=tuple(chw[1:]))
    nbytes = int((crops["height"] * crops["width"]).sum()) * chw[0] + batch * chw[0] * side * side * 4

    def setup():
        nonlocal images
        images = _images(batch, chw, device)
        return lambda: pipeline(images, generator=key)

    return Case("fused bandwidth", "torchrng fused", nbytes, setup,
                params={"batch": batch, "input": list(chw), "output": [3, side, side], "bytes": nbytes,
                        "note": "contrast jitter reads the crops twice; bytes counts them once"})


def cases(ctx: Context) -> list[Case]:
    batch, chw, side = shapes(ctx.quick)
    dev = ctx.device
    params = {"batch": batch, "input": list(chw), "output": [3, side, side], "dtype": "uint8 -> float32"}
    out: list[Case] = []
    try:
        import kornia  # noqa: F401

        have_kornia = True
    except ImportError:
        have_kornia = False
    for case, jitter in (("recipe", True), ("recipe, no jitter", False)):
        out.append(Case(case, BASELINE, batch, _setup_torchvision(batch, chw, side, jitter, dev), baseline=True,
                        params=dict(params)))
        out.append(Case(case, "torchrng fused", batch, _setup_torchrng(batch, chw, side, jitter, dev, True),
                        params=dict(params)))
        out.append(Case(case, "torchrng batch", batch, _setup_torchrng(batch, chw, side, jitter, dev, False),
                        params=dict(params)))
        if have_kornia:
            out.append(Case(case, "kornia", batch, _setup_kornia(batch, chw, side, jitter, dev), params=dict(params)))
    if dev == "cuda":
        out.append(_bandwidth_case(batch, chw, side, dev))
    return out


def images_per_second(result) -> float:
    """Images per second of a `recipe` result (N = batch size)."""
    return result.n / result.seconds


def gigabytes_per_second(result) -> float:
    """GB/s of a `fused bandwidth` result (N = bytes)."""
    return result.n / result.seconds / 1e9

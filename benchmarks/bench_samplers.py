"""Suite `samplers`: the batched parameter samplers `torchrng.sample.<name>(key, n=N, ...)` against a
Python loop of torchvision's own per-sample draws and against Kornia 0.9's batched parameter generators.

For every transform, N parameter sets (one per sample) are drawn three ways:

* `torchrng`     one call `torchrng.sample.<name>(key, n=N, image_size=..., **hyperparameters)`;
* `torchvision`  (the baseline) N calls of the transform's own `make_params(flat_inputs)` in a Python
  loop, with the `torch.rand(1) < p` gate draw that torchvision's `forward` makes before it for
  p-gated transforms (make_params then runs only when the gate fires, as in forward). Transforms
  that draw inside `forward` (AutoAugment, RandAugment, TrivialAugmentWide, AugMix, the
  containers, GaussianNoise) have no make_params: the baseline replays exactly the RNG calls that
  forward makes (their image ops and non-random magnitude tables excluded), using torchvision's
  own `_get_random_item` where forward does. Each row's `call` says what is timed;
* `kornia`       `aug.forward_parameters(torch.Size([N, 3, H, W]))` of the equivalent
  `kornia.augmentation` transform (its `random_generator` generator plus Kornia's per-sample p
  gate), for the transforms Kornia has.

The torchvision loop is measured at N <= 4096 only (iou_crop: N <= 512, its make_params taking
~1-3 ms a sample); above that its cost is *extrapolated* linearly from its measured per-sample
cost at the largest N it ran at, and the extrapolation appears only in the table marked
"extrapolated", never among the measurements. Images are 224x224 (3 channels), except for the
per-pixel fields: gaussian_noise (32x32, N <= 4096) and elastic (64x64, N <= 128: torchvision and
torchrng both take milliseconds per field). Columns "X / torchrng" are X's time / torchrng's time
(> 1: torchrng faster); "torchvision / kornia" is the baseline's time over Kornia's.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from .common import Case, Context

NAME = "samplers"
TITLE = "Parameter samplers: torchrng vs a torchvision make_params loop vs Kornia generators"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

SIZES = [1, 64, 4096, 10**6]
NOISE_SIZES = [1, 64, 4096]  # per-pixel fields: N up to 4096
ELASTIC_SIZES = [1, 64, 128]  # ~2-5 ms per 64x64 field for torchrng and torchvision alike: a 4096 batch would
                              # take a minute per measurement
IOU_SIZES = [1, 64, 512, 10**6]  # torchvision's RandomIoUCrop.make_params takes ~1-3 ms per sample
QUICK_SIZES = [1, 64]
QUICK_CASES = ("resized_crop", "affine", "color_jitter", "horizontal_flip")
TV_MAX_N = 4096  # the torchvision loop is measured up to here, extrapolated beyond
KORNIA_MAX_N = 10**6
CPU_MIN_RUN_TIME = 0.1  # ~750 CPU measurements: 0.1 s of timing each keeps the full run to a few minutes

HW = (224, 224)
FIELD_HW = (64, 64)  # elastic
NOISE_HW = (32, 32)  # gaussian_noise: N x 3 x 32 x 32 normals

TORCHRNG, TORCHVISION, KORNIA = "torchrng", "torchvision", "kornia"

# What the Markdown shows above the full tables (rendered by common.suite_markdown).
SUMMARY_N = 4096
TARGET_CASES = ("resized_crop", "affine", "perspective", "color_jitter", "erasing", "rand_augment")
REPORT = {
    "summary": {
        "n": SUMMARY_N, "threads": 1, "impl": TORCHRNG, "against": [TORCHVISION, KORNIA],
        "targets": {TORCHVISION: 1000.0, KORNIA: 10.0}, "target_cases": list(TARGET_CASES),
        "title": (f"Summary: N = {SUMMARY_N}, CPU, 1 thread (the issue's targets, reported not asserted: "
                  f">= 1000x the torchvision loop and >= 10x Kornia for {', '.join(TARGET_CASES)})"),
    },
    "extrapolate": {"impl": TORCHVISION, "against": [TORCHRNG, KORNIA]},
    "ratio_pairs": [[KORNIA, TORCHRNG]],
    "calls": True,
}


# --------------------------------------------------------------------------------------------
# The transforms
# --------------------------------------------------------------------------------------------


@dataclass
class Spec:
    name: str  # torchrng.sample.<name>; also the case name
    group: str
    kwargs: dict[str, Any] = field(default_factory=dict)  # torchrng hyperparameters
    tv: Callable[[tuple[int, int]], tuple[Callable[[], Any], str]] | None = None  # hw -> (one draw, description)
    kornia: KorniaAug | str | None = None  # the equivalent Kornia transform, or why there is none
    kornia_note: str = ""
    needs_size: bool = True  # pass image_size= to torchrng
    hw: tuple[int, int] = HW
    sizes: list[int] = field(default_factory=lambda: list(SIZES))
    tv_max_n: int = TV_MAX_N  # the torchvision loop runs up to this N
    extra: Callable[[int, str], dict[str, Any]] | None = None  # per-(N, device) torchrng inputs (iou_crop's boxes)
    note: str = ""


def _image(hw):
    from torchvision import tv_tensors

    return tv_tensors.Image(torch.empty(3, *hw, dtype=torch.uint8))


def _make_params(make, *, gate: bool = False, extra_inputs: Callable[[tuple[int, int]], list] | None = None,
                 text: str):
    """torchvision baseline: `make()` builds the transform; one draw is its make_params(flat_inputs),
    behind forward's `torch.rand(1) < p` gate when `gate`."""

    def build(hw):
        t = make()
        inputs = [_image(hw)] + (extra_inputs(hw) if extra_inputs else [])
        mp = t.make_params
        if gate:
            p = t.p
            rand = torch.rand

            def one():
                return mp(inputs) if rand(1) < p else None
        else:
            def one():
                return mp(inputs)
        desc = f"{text}.make_params([Image 3x{hw[0]}x{hw[1]}{', boxes' if extra_inputs else ''}])"
        if gate:
            desc = f"torch.rand(1) < p gate, then {desc} (as forward)"
        return one, desc

    return build


def _T():
    from torchvision.transforms import v2 as T

    return T


def _KA():
    from kornia.augmentation import auto as KA

    return KA


@dataclass(frozen=True)
class KorniaAug:
    """An equivalent Kornia transform, written as the constructor call it is built from."""

    module: str  # "kornia.augmentation" or "kornia.augmentation.auto"
    call: str  # e.g. "RandomResizedCrop((224, 224), p=1.0)"

    def build(self):
        import importlib

        namespace = importlib.import_module(self.module)
        return eval(self.call, {"__builtins__": {}}, vars(namespace))  # a constant string of this file

    def __str__(self) -> str:
        return f"{self.module}.{self.call}"


def Kx(call: str) -> KorniaAug:
    return KorniaAug("kornia.augmentation", call)


def KAx(call: str) -> KorniaAug:
    return KorniaAug("kornia.augmentation.auto", call)


def _iou_boxes_tv(hw):
    from torchvision import tv_tensors

    return [tv_tensors.BoundingBoxes(IOU_BOXES, format="XYXY", canvas_size=hw)]


IOU_BOXES = [[10.0, 20.0, 100.0, 150.0], [50.0, 60.0, 200.0, 210.0]]


def _iou_extra(n, device):
    boxes = torch.tensor(IOU_BOXES, dtype=torch.float64).expand(n, -1, -1).contiguous()
    counts = torch.full((n,), len(IOU_BOXES), dtype=torch.int64)
    if device != "cpu":
        boxes, counts = boxes.to(device), counts.to(device)
    return {"boxes": boxes, "box_counts": counts}


def _has_magnitude(space, bins, hw):
    return {k: fn(bins, *hw) is not None for k, (fn, _) in space.items()}


def _tv_auto_augment(hw):
    """AutoAugment (ImageNet policy): the RNG calls of forward."""
    t = _T().AutoAugment(_T().AutoAugmentPolicy.IMAGENET)
    policies, space = t._policies, t._AUGMENTATION_SPACE
    has_mag = _has_magnitude(space, 10, hw)
    randint, rand = torch.randint, torch.rand

    def one():
        policy = policies[int(randint(len(policies), ()))]
        out = []
        for tid, prob, midx in policy:
            if not rand(()) <= prob:
                continue
            neg = has_mag[tid] and space[tid][1] and bool(rand(()) <= 0.5)
            out.append((tid, midx, neg))
        return out

    return one, ("AutoAugment(IMAGENET) forward's RNG calls: torch.randint(25, ()) for the sub-policy, then per op "
                 "torch.rand(()) <= prob and, for a signed op with a magnitude, torch.rand(()) <= 0.5")


def _tv_rand_augment(hw, num_ops=2, bins=31):
    """RandAugment(num_ops=2): the RNG calls of forward."""
    t = _T().RandAugment(num_ops=num_ops, magnitude=9, num_magnitude_bins=bins)
    space, pick = t._AUGMENTATION_SPACE, t._get_random_item
    has_mag = _has_magnitude(space, bins, hw)
    rand = torch.rand

    def one():
        out = []
        for _ in range(num_ops):
            tid, (_, signed) = pick(space)
            out.append((tid, has_mag[tid] and signed and bool(rand(()) <= 0.5)))
        return out

    return one, (f"RandAugment(num_ops={num_ops}) forward's RNG calls: per op torchvision's _get_random_item "
                 f"(torch.randint(14, ())) and, for a signed op with a magnitude, torch.rand(()) <= 0.5")


def _tv_trivial_augment(hw, bins=31):
    t = _T().TrivialAugmentWide(num_magnitude_bins=bins)
    space, pick = t._AUGMENTATION_SPACE, t._get_random_item
    has_mag = _has_magnitude(space, bins, hw)
    randint, rand = torch.randint, torch.rand

    def one():
        tid, (_, signed) = pick(space)
        if not has_mag[tid]:
            return tid, -1, False
        b = int(randint(bins, ()))
        return tid, b, signed and bool(rand(()) <= 0.5)

    return one, ("TrivialAugmentWide forward's RNG calls: _get_random_item (torch.randint(14, ())), then for an op "
                 "with a magnitude torch.randint(31, ()) and, if signed, torch.rand(()) <= 0.5")


def _tv_augmix(hw, severity=3, width=3, chain_depth=-1, alpha=1.0):
    t = _T().AugMix(severity=severity, mixture_width=width, chain_depth=chain_depth, alpha=alpha)
    space, pick = t._AUGMENTATION_SPACE, t._get_random_item
    has_mag = _has_magnitude(space, t._PARAMETER_MAX, hw)
    randint, rand, dirichlet, tensor = torch.randint, torch.rand, t._sample_dirichlet, torch.tensor

    def one():
        m = dirichlet(tensor([alpha, alpha]).expand(1, -1))
        weights = dirichlet(tensor([alpha] * width).expand(1, -1)) * m[:, 1].reshape([1, -1])
        ops = []
        for _ in range(width):
            depth = chain_depth if chain_depth > 0 else int(randint(low=1, high=4, size=(1,)).item())
            for _ in range(depth):
                tid, (_, signed) = pick(space)
                if has_mag[tid]:
                    ops.append((tid, int(randint(severity, ())), signed and bool(rand(()) <= 0.5)))
                else:
                    ops.append((tid, -1, False))
        return m, weights, ops

    return one, ("AugMix() forward's RNG calls for one image: two torch._sample_dirichlet draws, then per chain "
                 "torch.randint(1, 4) for its depth and per op _get_random_item, torch.randint(3, ()) and the "
                 "sign's torch.rand(())")


def _tv_gaussian_noise(hw):
    randn = torch.randn

    def one():
        return randn(3, *hw)

    return one, f"torch.randn(3, {hw[0]}, {hw[1]}) (the noise GaussianNoise's kernel draws; it has no make_params)"


def _tv_random_apply(hw):
    rand = torch.rand

    def one():
        return bool(rand(1) >= 0.5)

    return one, "RandomApply forward's draw: torch.rand(1) >= p"


def _tv_random_choice(hw):
    t = _T().RandomChoice([_T().Identity(), _T().Identity(), _T().Identity()])
    multinomial, tensor, p = torch.multinomial, torch.tensor, t.p

    def one():
        return int(multinomial(tensor(p), 1))

    return one, "RandomChoice(3 transforms) forward's draw: int(torch.multinomial(torch.tensor(p), 1))"


def _tv_random_order(hw):
    randperm = torch.randperm

    def one():
        return randperm(3)

    return one, "RandomOrder(3 transforms) forward's draw: torch.randperm(3)"


def _specs() -> list[Spec]:
    T = _T
    mp = _make_params
    no_kornia = "Kornia has no equivalent transform"
    affine_kw = dict(degrees=30, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=10)
    cj_kw = dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)
    return [
        # --- geometry ---------------------------------------------------------------------------
        Spec("horizontal_flip", "geometry", {}, mp(lambda: T().RandomHorizontalFlip(0.5), gate=True,
                                                    text="RandomHorizontalFlip(0.5)"),
             Kx("RandomHorizontalFlip(p=0.5)"), needs_size=False),
        Spec("vertical_flip", "geometry", {}, mp(lambda: T().RandomVerticalFlip(0.5), gate=True,
                                                  text="RandomVerticalFlip(0.5)"),
             Kx("RandomVerticalFlip(p=0.5)"), needs_size=False),
        Spec("resized_crop", "geometry", {}, mp(lambda: T().RandomResizedCrop(224), text="RandomResizedCrop(224)"),
             Kx("RandomResizedCrop((224, 224), scale=(0.08, 1.0), ratio=(3 / 4, 4 / 3), p=1.0)"),
             kornia_note="ResizedCropGenerator"),
        Spec("crop", "geometry", {"size": 192}, mp(lambda: T().RandomCrop(192), text="RandomCrop(192)"),
             Kx("RandomCrop((192, 192), p=1.0)"), kornia_note="CropGenerator"),
        Spec("rotation", "geometry", {"degrees": 30}, mp(lambda: T().RandomRotation(30), text="RandomRotation(30)"),
             Kx("RandomRotation(30.0, p=1.0)"), kornia_note="PlainUniformGenerator", needs_size=False),
        Spec("affine", "geometry", affine_kw,
             mp(lambda: T().RandomAffine(**affine_kw),
                text="RandomAffine(degrees=30, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=10)"),
             Kx("RandomAffine(30.0, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=10.0, p=1.0)"),
             kornia_note="AffineGenerator"),
        Spec("perspective", "geometry", {"distortion_scale": 0.5, "p": 0.5},
             mp(lambda: T().RandomPerspective(0.5, p=0.5), gate=True, text="RandomPerspective(0.5, p=0.5)"),
             Kx("RandomPerspective(0.5, p=0.5)"), kornia_note="PerspectiveGenerator"),
        Spec("zoom_out", "geometry", {"side_range": (1.0, 4.0), "p": 0.5},
             mp(lambda: T().RandomZoomOut(side_range=(1.0, 4.0), p=0.5), gate=True,
                text="RandomZoomOut(side_range=(1, 4), p=0.5)"), no_kornia),
        Spec("iou_crop", "geometry", {},
             mp(lambda: T().RandomIoUCrop(), extra_inputs=_iou_boxes_tv, text="RandomIoUCrop()"), no_kornia,
             extra=_iou_extra, sizes=list(IOU_SIZES), tv_max_n=512, note="2 boxes per sample (torchrng: padded (N, 2, 4) XYXY boxes + counts, built "
                                    "outside the timing)"),
        Spec("scale_jitter", "geometry", {"target_size": (224, 224)},
             mp(lambda: T().ScaleJitter((224, 224)), text="ScaleJitter((224, 224))"), no_kornia),
        Spec("shortest_size", "geometry", {"min_size": [160, 192, 224], "max_size": 320},
             mp(lambda: T().RandomShortestSize([160, 192, 224], max_size=320),
                text="RandomShortestSize([160, 192, 224], max_size=320)"), no_kornia),
        Spec("resize", "geometry", {"min_size": 160, "max_size": 320},
             mp(lambda: T().RandomResize(160, 320), text="RandomResize(160, 320)"), no_kornia, needs_size=False),
        Spec("elastic", "geometry", {"alpha": 50.0, "sigma": 5.0},
             mp(lambda: T().ElasticTransform(alpha=50.0, sigma=5.0), text="ElasticTransform(alpha=50, sigma=5)"),
             Kx("RandomElasticTransform(kernel_size=(41, 41), sigma=(5.0, 5.0), alpha=(1.0, 1.0), p=1.0)"),
             kornia_note="draws only the raw (N, 2, H, W) uniform noise; its blur runs in apply_transform, "
                         "whereas torchrng and torchvision return the blurred, scaled field",
             hw=FIELD_HW, sizes=list(ELASTIC_SIZES)),
        # --- photometric ------------------------------------------------------------------------
        Spec("color_jitter", "photometric", cj_kw,
             mp(lambda: T().ColorJitter(**cj_kw), text="ColorJitter(0.4, 0.4, 0.4, 0.1)"),
             Kx("ColorJiggle(0.4, 0.4, 0.4, 0.1, p=1.0)"), kornia_note="ColorJiggleGenerator",
             needs_size=False),
        Spec("photometric_distort", "photometric", {},
             mp(lambda: T().RandomPhotometricDistort(), text="RandomPhotometricDistort()"), no_kornia,
             needs_size=False),
        Spec("channel_permutation", "photometric", {},
             mp(lambda: T().RandomChannelPermutation(), text="RandomChannelPermutation()"),
             Kx("RandomChannelShuffle(p=1.0)"), kornia_note="ChannelShuffleGenerator", needs_size=False),
        Spec("gaussian_blur", "photometric", {"kernel_size": 23, "sigma": (0.1, 2.0)},
             mp(lambda: T().GaussianBlur(23, sigma=(0.1, 2.0)), text="GaussianBlur(23, sigma=(0.1, 2.0))"),
             Kx("RandomGaussianBlur((23, 23), (0.1, 2.0), p=1.0)"), kornia_note="RandomGaussianBlurGenerator",
             needs_size=False),
        Spec("gaussian_noise", "photometric", {"sigma": 0.1},
             _tv_gaussian_noise,
             Kx("RandomGaussianNoise(mean=0.0, std=0.1, p=1.0)"), kornia_note="GaussianNoiseGenerator",
             hw=NOISE_HW, sizes=list(NOISE_SIZES)),
        Spec("grayscale", "photometric", {"p": 0.1},
             mp(lambda: T().RandomGrayscale(0.1), gate=True, text="RandomGrayscale(0.1)"),
             Kx("RandomGrayscale(p=0.1)"), kornia_note="the p gate only", needs_size=False),
        Spec("invert", "photometric", {"p": 0.5},
             mp(lambda: T().RandomInvert(0.5), gate=True, text="RandomInvert(0.5)"),
             Kx("RandomInvert(p=0.5)"), kornia_note="the p gate only", needs_size=False),
        Spec("posterize", "photometric", {"bits": 4, "p": 0.5},
             mp(lambda: T().RandomPosterize(4, p=0.5), gate=True, text="RandomPosterize(4, p=0.5)"),
             "Kornia's RandomPosterize also draws the bits per sample: not equivalent", needs_size=False),
        Spec("solarize", "photometric", {"threshold": 128, "p": 0.5},
             mp(lambda: T().RandomSolarize(128, p=0.5), gate=True, text="RandomSolarize(128, p=0.5)"),
             "Kornia's RandomSolarize also draws threshold and addition per sample: not equivalent",
             needs_size=False),
        Spec("adjust_sharpness", "photometric", {"sharpness_factor": 2.0, "p": 0.5},
             mp(lambda: T().RandomAdjustSharpness(2.0, p=0.5), gate=True, text="RandomAdjustSharpness(2, p=0.5)"),
             "Kornia's RandomSharpness also draws the factor per sample: not equivalent", needs_size=False),
        Spec("autocontrast", "photometric", {"p": 0.5},
             mp(lambda: T().RandomAutocontrast(0.5), gate=True, text="RandomAutocontrast(0.5)"),
             Kx("RandomAutoContrast(p=0.5)"), kornia_note="the p gate only", needs_size=False),
        Spec("equalize", "photometric", {"p": 0.5},
             mp(lambda: T().RandomEqualize(0.5), gate=True, text="RandomEqualize(0.5)"),
             Kx("RandomEqualize(p=0.5)"), kornia_note="the p gate only", needs_size=False),
        # --- erasing, JPEG, mixing --------------------------------------------------------------
        Spec("erasing", "augment", {"p": 0.5},
             mp(lambda: T().RandomErasing(p=0.5), gate=True, text="RandomErasing(p=0.5)"),
             Kx("RandomErasing(scale=(0.02, 0.33), ratio=(0.3, 3.3), p=0.5)"),
             kornia_note="RectangleEraseGenerator"),
        Spec("jpeg", "augment", {"quality": (50, 100)},
             mp(lambda: T().JPEG((50, 100)), text="JPEG((50, 100))"),
             Kx("RandomJPEG(jpeg_quality=(50.0, 100.0), p=1.0)"), kornia_note="JPEGGenerator",
             needs_size=False),
        Spec("mixup", "augment", {"alpha": 1.0, "per_sample": True},
             mp(lambda: T().MixUp(alpha=1.0, num_classes=1000), text="MixUp(alpha=1.0)"),
             Kx("RandomMixUpV2(lambda_val=(0.0, 1.0), p=1.0)"),
             kornia_note="MixupGenerator, lambda ~ U(0, 1) = Beta(1, 1)", needs_size=False,
             note="N independent lambdas (torchrng per_sample=True; torchvision draws one per batch, so N draws "
                  "are N make_params calls)"),
        Spec("cutmix", "augment", {"alpha": 1.0, "per_sample": True},
             mp(lambda: T().CutMix(alpha=1.0, num_classes=1000), text="CutMix(alpha=1.0)"),
             Kx("RandomCutMixV2(num_mix=1, beta=1.0, p=1.0, use_correct_lambda=True)"),
             kornia_note="CutmixGenerator",
             note="N independent boxes (torchrng per_sample=True; torchvision draws one per batch)"),
        # --- auto-augment -----------------------------------------------------------------------
        Spec("auto_augment", "auto-augment", {}, _tv_auto_augment, KAx('AutoAugment("imagenet")'),
             kornia_note="one sub-policy per call for the whole batch"),
        Spec("rand_augment", "auto-augment", {"num_ops": 2, "magnitude": 9}, _tv_rand_augment,
             KAx("RandAugment(n=2, m=9)"),
             kornia_note="one op sequence per call for the whole batch"),
        Spec("trivial_augment_wide", "auto-augment", {}, _tv_trivial_augment, KAx("TrivialAugment()"),
             kornia_note="one op per call for the whole batch",
             needs_size=False),
        Spec("augmix", "auto-augment", {}, _tv_augmix, no_kornia),
        # --- containers -------------------------------------------------------------------------
        Spec("random_apply", "containers", {"p": 0.5}, _tv_random_apply,
             "no Kornia equivalent benchmarked", needs_size=False),
        Spec("random_choice", "containers", {"num_transforms": 3}, _tv_random_choice,
             "no Kornia equivalent benchmarked", needs_size=False),
        Spec("random_order", "containers", {"num_transforms": 3}, _tv_random_order,
             "no Kornia equivalent benchmarked", needs_size=False),
    ]


# --------------------------------------------------------------------------------------------
# Building the cases
# --------------------------------------------------------------------------------------------


def _fmt_kwargs(kwargs: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kwargs.items())


def _torchrng_fn(spec: Spec, n: int, device: str):
    """Returns (setup, call text) for torchrng.sample.<name>(key, n=n, ...)."""
    import torchrng

    fn = getattr(torchrng.sample, spec.name)
    kwargs = dict(spec.kwargs)
    if spec.needs_size:
        kwargs["image_size"] = spec.hw
    if device != "cpu":
        kwargs["device"] = device
    shown = dict(kwargs)
    if spec.extra is not None:
        shown.update({k: "<prebuilt>" for k in ("boxes", "box_counts")})

    def setup():
        key = torchrng.key(0)
        kw = dict(kwargs)
        if spec.extra is not None:
            kw.update(spec.extra(n, device))
        return lambda: fn(key, n=n, **kw)

    return setup, f"torchrng.sample.{spec.name}(key, n=N, {_fmt_kwargs(shown)})".replace(", )", ")")


def _torchvision_fn(spec: Spec, n: int):
    one, desc = spec.tv(spec.hw)

    def setup():
        draw, _ = spec.tv(spec.hw)
        rng = range(n)
        return lambda: [draw() for _ in rng]

    return setup, f"Python loop of N x [{desc}]"


def _kornia_aug(spec: Spec, device: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        aug = spec.kornia.build()
    if device != "cpu":
        aug = aug.to(device)
        if hasattr(aug, "set_rng_device_and_dtype"):
            aug.set_rng_device_and_dtype(torch.device(device), torch.float32)
    return aug


def _kornia_fn(spec: Spec, n: int, device: str):
    shape = torch.Size([n, 3, *spec.hw])

    def setup():
        aug = _kornia_aug(spec, device)
        return lambda: aug.forward_parameters(shape)

    note = f" ({spec.kornia_note})" if spec.kornia_note else ""
    return setup, f"{spec.kornia}.forward_parameters(torch.Size([N, 3, {spec.hw[0]}, {spec.hw[1]}])){note}"


def _probe(label: str, make_setup, notes: list[str]) -> bool:
    """Runs one small draw; on failure records why and returns False."""
    try:
        fn = make_setup()
        fn()
        return True
    except Exception as e:  # noqa: BLE001 (anything a half-built extension or a missing feature raises)
        notes.append(f"{label}: skipped, a probe call failed: {type(e).__name__}: {str(e).splitlines()[0][:200]}")
        return False


def kornia_available(notes: list[str]) -> bool:
    """Whether Kornia imports; if not, says so in the suite's notes."""
    try:
        import kornia  # noqa: F401

        return True
    except Exception as e:  # noqa: BLE001
        notes.append(f"kornia not importable ({type(e).__name__}: {e}): no Kornia rows")
        return False


def cases(ctx: Context) -> list[Case]:
    import torchrng.sample as sample

    dev = ctx.device
    notes = ctx.notes
    specs = _specs()
    known = {s.name for s in specs}
    for name in getattr(sample, "__all__", []):
        obj = getattr(sample, name, None)
        if callable(obj) and not name.isupper() and name not in known:
            notes.append(f"torchrng.sample.{name}: present but has no entry in benchmarks/bench_samplers.py "
                         "(not benchmarked)")
    if ctx.quick:
        specs = [s for s in specs if s.name in QUICK_CASES]

    have_kornia = kornia_available(notes)

    out: list[Case] = []
    for spec in specs:
        if not hasattr(sample, spec.name):
            notes.append(f"{spec.name}: skipped, torchrng.sample.{spec.name} does not exist in this build")
            continue
        sizes = QUICK_SIZES if ctx.quick else spec.sizes
        rng_setup0, _ = _torchrng_fn(spec, 2, dev)
        if not _probe(f"{spec.name} / torchrng", rng_setup0, notes):
            continue
        use_tv = spec.tv is not None and _probe(f"{spec.name} / torchvision", lambda: _torchvision_fn(spec, 2)[0](),
                                                notes)
        use_kornia = False
        if isinstance(spec.kornia, KorniaAug) and have_kornia:
            use_kornia = _probe(f"{spec.name} / kornia [{dev}]", lambda: _kornia_fn(spec, 2, dev)[0](), notes)
        base = {"group": spec.group, "image_size": f"{spec.hw[0]}x{spec.hw[1]}"}
        if spec.note:
            base["note"] = spec.note
        for n in sizes:
            if use_tv and n <= spec.tv_max_n:
                setup, call = _torchvision_fn(spec, n)
                params = dict(base, call=call)
                if dev != "cpu":
                    params["device"] = "cpu (torchvision draws its parameters on the CPU)"
                out.append(Case(spec.name, TORCHVISION, n, setup, baseline=True, params=params))
            setup, call = _torchrng_fn(spec, n, dev)
            params = dict(base, call=call)
            if use_tv and n > spec.tv_max_n:
                params[TORCHVISION] = (f"not measured at this N: extrapolated linearly from its per-sample cost "
                                       f"at N = {max(x for x in sizes if x <= spec.tv_max_n)} (see the "
                                       "extrapolated table)")
            out.append(Case(spec.name, TORCHRNG, n, setup, params=params))
            if use_kornia and n <= KORNIA_MAX_N:
                setup, call = _kornia_fn(spec, n, dev)
                out.append(Case(spec.name, KORNIA, n, setup, params=dict(base, call=call)))
        if isinstance(spec.kornia, str):
            notes.append(f"{spec.name}: no Kornia row ({spec.kornia})")
    return out

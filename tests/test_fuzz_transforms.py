"""Property-based fuzzing of every drop-in transform in torchrng.transforms.DROP_INS.

Each class is built with random constructor arguments (mostly valid for torchvision, some not) and
called on random images: 1 or 3 channels (a video for some), uint8 or float32 (with NaN and
infinities in some), sizes from 1x1 and 1x65535 up, plain tensors or tv_tensors, with a generator
of every kind passed to the constructor or to forward. Every case either returns a valid output
(the input's type and dtype, deterministic for an equal generator, equal to applying the
parameters sample_params reports, finite for finite float input) or raises a clear
ValueError / TypeError / RuntimeError naming the argument.
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torchvision import tv_tensors

import torchrng
import torchrng.transforms as T

from test_fuzz_support import count_case, fuzz, generator_specs, hang_guard, make_generator, outcome, same  # noqa: F401

pytestmark = pytest.mark.usefixtures("hang_guard")


def mostly(valid, invalid, k: int = 4):
    return st.one_of(*([valid] * k), invalid)


probs = mostly(st.floats(0, 1), st.sampled_from([-0.5, 1.5, float("nan")]))
odd = st.sampled_from([float("nan"), float("inf"), -1.0, None, "x"])


def ranges(values, bad=odd):
    ordered = st.tuples(values, values).map(lambda t: (min(t), max(t)))
    return mostly(ordered, st.one_of(st.tuples(bad, values), st.tuples(values, values).map(lambda t: (max(t) + 1, min(t)))))


sizes = mostly(st.one_of(st.integers(1, 24), st.tuples(st.integers(1, 24), st.integers(1, 24))),
               st.sampled_from([0, -3, (1, 2, 3)]))
interp = st.sampled_from(["nearest", "bilinear"])
fills = mostly(st.one_of(st.just(0), st.floats(0, 1), st.integers(0, 255)), st.just([1, 2]))

KWARGS = {
    "RandomHorizontalFlip": st.fixed_dictionaries({}, optional={"p": probs}),
    "RandomVerticalFlip": st.fixed_dictionaries({}, optional={"p": probs}),
    "RandomResizedCrop": st.fixed_dictionaries({"size": sizes}, optional={
        "scale": ranges(st.floats(0.01, 2)), "ratio": ranges(st.floats(0.05, 20)), "interpolation": interp,
        "antialias": st.booleans()}),
    "RandomCrop": st.fixed_dictionaries({"size": sizes}, optional={
        "padding": st.one_of(st.none(), st.integers(0, 6), st.tuples(st.integers(0, 6), st.integers(0, 6))),
        "pad_if_needed": st.booleans(), "fill": fills,
        "padding_mode": st.sampled_from(["constant", "edge", "reflect", "symmetric"])}),
    "RandomRotation": st.fixed_dictionaries({"degrees": mostly(st.one_of(st.floats(0, 360), ranges(st.floats(-360, 360))),
                                                               odd)},
                                            optional={"expand": st.booleans(), "interpolation": interp, "fill": fills}),
    "RandomAffine": st.fixed_dictionaries({"degrees": st.one_of(st.floats(0, 90), ranges(st.floats(-90, 90)))}, optional={
        "translate": st.one_of(st.none(), st.tuples(st.floats(0, 1), st.floats(0, 1)), st.just((2.0, 0.0))),
        "scale": st.one_of(st.none(), ranges(st.floats(0.1, 3))),
        "shear": st.one_of(st.none(), st.floats(0, 45), ranges(st.floats(-45, 45))), "fill": fills}),
    "RandomPerspective": st.fixed_dictionaries({}, optional={"distortion_scale": mostly(st.floats(0, 1), odd),
                                                             "p": probs, "fill": fills}),
    "ElasticTransform": st.fixed_dictionaries({}, optional={"alpha": mostly(st.floats(0, 100), odd),
                                                            "sigma": mostly(st.floats(0.1, 10), st.sampled_from([0.0, 1e300]))}),
    "RandomZoomOut": st.fixed_dictionaries({}, optional={"side_range": ranges(st.floats(1, 3)), "p": probs,
                                                         "fill": fills}),
    "RandomIoUCrop": st.fixed_dictionaries({}, optional={
        "min_scale": st.floats(0.1, 1), "max_scale": st.floats(0.5, 1), "min_aspect_ratio": st.floats(0.2, 1),
        "max_aspect_ratio": st.floats(1, 3), "trials": mostly(st.integers(1, 40), st.just(0))}),
    "ScaleJitter": st.fixed_dictionaries({"target_size": mostly(st.tuples(st.integers(1, 32), st.integers(1, 32)),
                                                                st.just((0, 3)))},
                                         optional={"scale_range": ranges(st.floats(0.1, 2))}),
    "RandomShortestSize": st.fixed_dictionaries({"min_size": mostly(st.one_of(st.integers(1, 32),
                                                                              st.lists(st.integers(1, 32), min_size=1,
                                                                                       max_size=4)),
                                                                    st.just(0))},
                                                optional={"max_size": st.one_of(st.none(), st.integers(16, 48))}),
    "RandomResize": st.fixed_dictionaries({"min_size": st.integers(1, 24), "max_size": st.integers(1, 40)}),
    "ColorJitter": st.fixed_dictionaries({}, optional={
        "brightness": st.one_of(st.none(), st.floats(0, 1)), "contrast": st.one_of(st.none(), st.floats(0, 1)),
        "saturation": st.one_of(st.none(), st.floats(0, 1)),
        "hue": st.one_of(st.none(), st.floats(0, 0.5), st.just(0.7))}),
    "RandomPhotometricDistort": st.fixed_dictionaries({}, optional={
        "brightness": ranges(st.floats(0.5, 1.5)), "contrast": ranges(st.floats(0.5, 1.5)),
        "saturation": ranges(st.floats(0.5, 1.5)), "hue": ranges(st.floats(-0.5, 0.5)), "p": probs}),
    "RandomChannelPermutation": st.just({}),
    "RandomGrayscale": st.fixed_dictionaries({}, optional={"p": probs}),
    "RandomInvert": st.fixed_dictionaries({}, optional={"p": probs}),
    "RandomPosterize": st.fixed_dictionaries({"bits": mostly(st.integers(1, 8), st.just(9))}, optional={"p": probs}),
    "RandomSolarize": st.fixed_dictionaries({"threshold": st.floats(0, 1)}, optional={"p": probs}),
    "RandomAdjustSharpness": st.fixed_dictionaries({"sharpness_factor": mostly(st.floats(0, 4), st.just(-1.0))},
                                                   optional={"p": probs}),
    "RandomAutocontrast": st.fixed_dictionaries({}, optional={"p": probs}),
    "RandomEqualize": st.fixed_dictionaries({}, optional={"p": probs}),
    "GaussianBlur": st.fixed_dictionaries({"kernel_size": mostly(st.sampled_from([1, 3, 5, (3, 5)]), st.just(2))},
                                          optional={"sigma": mostly(st.one_of(st.floats(0.1, 3), ranges(st.floats(0.1, 3))),
                                                                    st.just(-1.0))}),
    "GaussianNoise": st.fixed_dictionaries({}, optional={"mean": st.floats(-0.5, 0.5),
                                                         "sigma": mostly(st.floats(0, 0.5), st.just(-1.0)),
                                                         "clip": st.booleans()}),
    "JPEG": st.fixed_dictionaries({"quality": mostly(st.one_of(st.integers(1, 100), ranges(st.integers(1, 100), st.just(0))),
                                                     st.just(101))}),
    "RandomErasing": st.fixed_dictionaries({}, optional={
        "p": probs, "scale": ranges(st.floats(0.01, 0.9)), "ratio": ranges(st.floats(0.1, 10)),
        "value": st.one_of(st.floats(0, 1), st.just("random"), st.just([0.5]))}),
    "MixUp": st.fixed_dictionaries({"num_classes": st.integers(2, 10)}, optional={"alpha": mostly(st.floats(0.05, 5), odd)}),
    "CutMix": st.fixed_dictionaries({"num_classes": st.integers(2, 10)}, optional={"alpha": mostly(st.floats(0.05, 5), odd)}),
    "AutoAugment": st.fixed_dictionaries({}, optional={"policy": st.sampled_from(list(T.AutoAugmentPolicy))}),
    "RandAugment": st.fixed_dictionaries({}, optional={"num_ops": st.integers(0, 4), "magnitude": st.integers(0, 30),
                                                       "num_magnitude_bins": mostly(st.integers(31, 40), st.just(1))}),
    "TrivialAugmentWide": st.fixed_dictionaries({}, optional={"num_magnitude_bins": mostly(st.integers(2, 40),
                                                                                          st.just(1))}),
    "AugMix": st.fixed_dictionaries({}, optional={"severity": mostly(st.integers(1, 10), st.just(0)),
                                                  "mixture_width": st.integers(1, 4), "chain_depth": st.integers(-1, 3),
                                                  "alpha": mostly(st.floats(0.05, 5), st.just(5e-324)),
                                                  "all_ops": st.booleans()}),
}

CONTAINERS = ("Compose", "RandomApply", "RandomChoice", "RandomOrder")
SIMPLE_CHILDREN = ("RandomHorizontalFlip", "RandomResizedCrop", "ColorJitter", "RandomRotation", "RandomErasing",
                   "GaussianNoise", "RandomGrayscale")


def test_every_drop_in_is_fuzzed():
    assert sorted(set(KWARGS) | set(CONTAINERS)) == sorted(T.DROP_INS)


# --- inputs ---------------------------------------------------------------------------------------


@st.composite
def images(draw, max_pixels=65535):
    c = draw(st.sampled_from([1, 3]))
    hw = draw(st.one_of(st.sampled_from([(1, 1), (1, 65535), (65535, 1), (2, 2)]),
                        st.tuples(st.integers(1, 40), st.integers(1, 40))))
    if hw[0] * hw[1] > max_pixels:
        hw = (1, max_pixels) if hw[0] == 1 else (max_pixels, 1) if hw[1] == 1 else (32, 32)
    dtype = draw(st.sampled_from([torch.uint8, torch.float32]))
    seed = draw(st.integers(0, 2**31))
    g = torch.Generator().manual_seed(seed)
    if dtype == torch.uint8:
        x = torch.randint(0, 256, (c, *hw), dtype=torch.uint8, generator=g)
    else:
        x = torch.rand((c, *hw), generator=g)
        if draw(st.integers(0, 5)) == 0:  # NaN and infinities
            flat = x.view(-1)
            for v in (float("nan"), float("inf"), -float("inf")):
                flat[int(torch.randint(0, flat.numel(), (), generator=g))] = v
    wrap = draw(st.sampled_from(["tensor", "image", "image"]))
    return tv_tensors.Image(x) if wrap == "image" else x


def _finite(x):
    return not x.is_floating_point() or bool(x.isfinite().all())


def _names(kwargs):
    names = ["generator", "size", "input", "dtype", "uint8", "image", "channels", "shape"]
    for k in kwargs:
        names += [k, k.replace("_", " "), k.split("_")[0]]
    return names + ["degrees", "translat", "scale", "ratio", "shear", "p`", "sigma", "alpha", "quality", "kernel",
                    "magnitude", "bins", "severity", "distortion", "side range", "side_range", "threshold", "bits",
                    "sharpness", "value", "padding", "crop size", "brightness", "contrast", "saturation", "hue",
                    "fill", "min_size", "max_size", "target_size", "trials", "num_classes", "labels", "boxes"]


def _build(name, kwargs, generator):
    cls = getattr(T, name)
    return cls(**kwargs, generator=generator)


def _inputs_for(name, image, draw):
    """The forward inputs: an image, or (batch, labels) for the mixes, or (image, boxes, labels)."""
    if name in ("MixUp", "CutMix"):
        b = draw(st.integers(1, 4))
        batch = torch.stack([image] * b) if not isinstance(image, tv_tensors.Image) else \
            tv_tensors.Image(torch.stack([image.as_subclass(torch.Tensor)] * b))
        return (batch.float() if batch.dtype == torch.uint8 else batch,
                torch.tensor(draw(st.lists(st.integers(0, 1), min_size=b, max_size=b)), device=image.device))
    if name == "RandomIoUCrop":
        h, w = image.shape[-2:]
        m = draw(st.integers(0, 3))
        boxes = []
        for _ in range(m):
            x1, y1 = draw(st.floats(0, w - 1)) if w > 1 else 0.0, draw(st.floats(0, h - 1)) if h > 1 else 0.0
            boxes.append([x1, y1, min(w, x1 + draw(st.floats(0.5, w))), min(h, y1 + draw(st.floats(0.5, h)))])
        bb = tv_tensors.BoundingBoxes(torch.tensor(boxes, dtype=torch.float32, device=image.device).reshape(-1, 4),
                                      format="XYXY", canvas_size=(h, w))
        return (tv_tensors.Image(image), {"boxes": bb, "labels": torch.arange(m, device=image.device)})
    return (image,)


# --- the fuzz tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda)])
@pytest.mark.parametrize("name", sorted(KWARGS))
@fuzz(25)
@given(data=st.data(), spec=generator_specs, where=st.sampled_from(["forward", "constructor"]))
def test_drop_in(name, device, data, spec, where):
    kwargs = data.draw(KWARGS[name], label="kwargs")
    # Transforms whose output (or work) grows with the image, or with its aspect ratio (a 1x65535
    # image resized to a shorter side of 40, or rotated with expand=True, is gigabytes): smaller.
    max_pixels = {"RandomRotation": 1600, "RandomShortestSize": 1024, "RandomResize": 1024}.get(name, 65535)
    if name in ("ElasticTransform", "AugMix", "AutoAugment", "RandAugment", "JPEG", "RandomIoUCrop", "MixUp",
                "CutMix"):
        max_pixels = 4096
    image = data.draw(images(max_pixels=max_pixels), label="image")
    if device != "cpu":
        image = image.to(device)
    inputs = _inputs_for(name, image, data.draw)
    names = _names(kwargs)

    def run():
        if where == "constructor":
            t = _build(name, kwargs, make_generator(spec) if spec[0] != "none" else None)
            if spec[0] == "none":
                make_generator(spec)  # seeds the global RNG
            return t, t(*inputs)
        t = _build(name, kwargs, None)
        return t, t(*inputs, generator=make_generator(spec))

    tv_cls = next(b for b in getattr(T, name).__mro__[1:] if b.__module__.startswith("torchvision."))
    try:
        tv_transform = tv_cls(**kwargs)
    except Exception as e:  # torchvision's constructor rejects it: the drop-in must raise the same
        with pytest.raises(type(e)) as ours:
            run()
        assert str(ours.value) == str(e) or any(n.lower() in str(ours.value).lower() for n in names)
        count_case(f"test_drop_in[{name}]", "rejected")
        return
    try:
        kind, result = outcome(run, names, test=f"test_drop_in[{name}]")
    except Exception as unnamed:
        # An error that names no argument (or another error type, like torchvision's IndexError for
        # reflect padding wider than the image) is accepted only where torchvision's own transform
        # raises the same error type on the same input: its kernels' checks, which the drop-in reuses.
        error = unnamed.__cause__ if isinstance(unnamed, AssertionError) and unnamed.__cause__ else unnamed
        with pytest.raises(type(error)):
            tv_transform(*inputs)
        count_case(f"test_drop_in[{name}]", "rejected")
        return
    if kind == "rejected":
        return
    t, out = result
    _, again = run()
    assert same(out, again), f"{name}: the same call with an equal generator gave different outputs"
    first = out[0] if isinstance(out, tuple) else out
    source = inputs[0]
    assert type(first) is type(source) or name == "RandomIoUCrop"
    assert first.dtype == source.dtype
    if name == "RandomResizedCrop":
        size = kwargs["size"]
        assert tuple(first.shape[-2:]) == ((size, size) if isinstance(size, int) else tuple(size))
    if _finite(source) and name not in ("GaussianNoise",) and first.dtype.is_floating_point:
        assert _finite(first), f"{name}: finite input, non-finite output"
    # The parameters sample_params reports, applied with apply_params, give forward's output.
    if name not in ("MixUp", "CutMix", "RandomIoUCrop", "GaussianNoise"):
        g = make_generator(spec)
        if spec[0] == "none":
            g = None
        t2 = _build(name, kwargs, None)
        if spec[0] == "none":
            make_generator(spec)
        params = t2.sample_params(*inputs, generator=g)
        replay = t2.apply_params(*inputs, params=params)
        if spec[0] == "none":
            make_generator(spec)
        direct = t2(*inputs, generator=None if spec[0] == "none" else make_generator(spec))
        assert same(replay, direct), f"{name}: apply_params(sample_params) differs from forward"


@st.composite
def children(draw):
    k = draw(st.integers(1, 4))
    return [getattr(T, draw(st.sampled_from(SIMPLE_CHILDREN))) for _ in range(k)]


def _child(cls):
    if cls is T.RandomResizedCrop:
        return cls(8)
    if cls is T.RandomRotation:
        return cls(30)
    if cls is T.ColorJitter:
        return cls(0.3, 0.3, 0.3, 0.1)
    return cls()


@pytest.mark.parametrize("name", CONTAINERS)
@fuzz(30)
@given(data=st.data(), spec=generator_specs, kids=children())
def test_container(name, data, spec, kids):
    transforms = [_child(c) for c in kids]
    kwargs = {}
    if name == "RandomApply":
        kwargs["p"] = data.draw(probs, label="p")
    if name == "RandomChoice":
        kwargs["p"] = data.draw(st.one_of(st.none(), st.lists(st.floats(0, 5), min_size=len(kids), max_size=len(kids)),
                                          st.just([1.0] * (len(kids) + 1))), label="p")
    if data.draw(st.booleans(), label="named streams"):
        kwargs["streams"] = [f"s{j}" for j in range(len(kids))]
    image = data.draw(images(max_pixels=4096), label="image")

    def run():
        t = getattr(T, name)(transforms, **kwargs)
        return t(image, generator=make_generator(spec))

    kind, out = outcome(run, ["p", "transforms", "streams", "generator", "size", "weights"],
                        test=f"test_container[{name}]")
    if kind == "rejected":
        return
    again = run()
    assert same(out, again), f"{name}: the same call with an equal generator gave different outputs"
    assert type(out) is type(image) and out.dtype == image.dtype


@pytest.mark.parametrize("name", sorted(KWARGS))
def test_drop_in_bad_generator(name):
    """A generator of the wrong type is a TypeError naming `generator`, at construction and in
    forward."""
    with pytest.raises(TypeError, match="generator"):
        getattr(T, name)(**_minimal(name), generator=12345)
    t = getattr(T, name)(**_minimal(name))
    image = torch.zeros(3, 8, 8, dtype=torch.uint8)
    inputs = (image.float()[None], torch.tensor([0])) if name in ("MixUp", "CutMix") else (image,)
    if name == "RandomIoUCrop":
        return  # needs boxes; the generator check is the same code path
    with pytest.raises(TypeError, match="generator"):
        t(*inputs, generator="seed")


def _minimal(name):
    return {"RandomResizedCrop": {"size": 4}, "RandomCrop": {"size": 4}, "RandomRotation": {"degrees": 10},
            "RandomAffine": {"degrees": 10}, "ScaleJitter": {"target_size": (8, 8)},
            "RandomShortestSize": {"min_size": 8}, "RandomResize": {"min_size": 4, "max_size": 8},
            "RandomPosterize": {"bits": 4}, "RandomSolarize": {"threshold": 0.5},
            "RandomAdjustSharpness": {"sharpness_factor": 2.0}, "GaussianBlur": {"kernel_size": 3},
            "JPEG": {"quality": 50}, "MixUp": {"num_classes": 2}, "CutMix": {"num_classes": 2}}.get(name, {})

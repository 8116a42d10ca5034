"""Requests too large to allocate: a batch or shape that needs more memory than there is, or more
bytes than int64 sizes allow, fails with torch's exception type and a message that names the
arguments that asked for it (not the allocator's byte count alone), and leaves a
torchrng.Generator where it was."""

from __future__ import annotations

import re

import pytest
import torch

import torchrng
from torchrng import _validate as v
from torchrng import random as R
from torchrng import sample as S

HW = (32, 48)
# 2**40 samples need terabytes (the allocator refuses); 2**61 samples of a few values need more
# than 2**63 bytes (torch's size calculation overflows).
HUGE = [2**40, 2**61]

# Every sampler of torchrng.sample whose output is sized by n (iou_crop takes its batch from the
# boxes the caller already holds).
SAMPLERS = {
    "horizontal_flip": {},
    "vertical_flip": {},
    "resized_crop": {"image_size": HW},
    "crop": {"image_size": HW, "size": 16},
    "rotation": {"degrees": 30},
    "affine": {"image_size": HW, "degrees": 30, "translate": (0.1, 0.2)},
    "perspective": {"image_size": HW},
    "elastic": {"image_size": HW},
    "zoom_out": {"image_size": HW},
    "scale_jitter": {"image_size": HW, "target_size": (64, 48)},
    "shortest_size": {"image_size": HW, "min_size": [20, 30]},
    "resize": {"min_size": 10, "max_size": 90},
    "adjust_sharpness": {"sharpness_factor": 2.0},
    "autocontrast": {},
    "channel_permutation": {"num_channels": 3},
    "color_jitter": {"brightness": 0.4, "hue": 0.1},
    "equalize": {},
    "gaussian_blur": {"kernel_size": 3, "sigma": (0.1, 2.0)},
    "gaussian_noise": {"image_size": HW},
    "grayscale": {},
    "invert": {},
    "photometric_distort": {"num_channels": 3},
    "posterize": {"bits": 4},
    "solarize": {"threshold": 0.5},
    "cutmix": {"image_size": HW},
    "cutmix_per_batch": {"image_size": HW, "per_sample": False},
    "erasing": {"image_size": HW},
    "erasing_random": {"image_size": HW, "value": "random"},
    "jpeg": {"quality": (20, 90)},
    "mixup": {},
    "mixup_per_batch": {"per_sample": False},
    "augmix": {"image_size": HW},
    "auto_augment": {"image_size": HW},
    "rand_augment": {"image_size": HW},
    "trivial_augment_wide": {"image_size": HW},
    "random_apply": {"p": 0.5},
    "random_choice": {"p": [0.2, 0.8]},
    "random_order": {"num_transforms": 3},
}


def _sampler(case: str):
    name = case.removesuffix("_per_batch").removesuffix("_random")
    return getattr(S, name), SAMPLERS[case]


def test_every_sampler_is_listed():
    public = {name for name in S.__all__ if name[0].islower()} - {"iou_crop"}
    assert public == {case.removesuffix("_per_batch").removesuffix("_random") for case in SAMPLERS}


@pytest.mark.parametrize("n", HUGE)
@pytest.mark.parametrize("case", sorted(SAMPLERS))
def test_sampler_batch_too_large_names_n(case, n):
    fn, kwargs = _sampler(case)
    assert fn(torchrng.key(1), n=3, **kwargs)  # the hyperparameters are valid: only n is too large
    g = torchrng.Generator(5, index=7)
    with pytest.raises(RuntimeError, match=rf"n={n} .*more than can be allocated") as info:
        fn(g, n=n, **kwargs)
    assert type(info.value) is RuntimeError  # torch's own type on CPU
    assert g.index == 7, "a call that could not allocate moved the generator"
    # the next call gets the indices the failed one would have had
    again = fn(g, n=3, **kwargs)
    fresh = fn(torchrng.Generator(5, index=7), n=3, **kwargs)
    for key in fresh:  # NaN marks an unconfigured factor (color_jitter)
        torch.testing.assert_close(again[key], fresh[key], rtol=0, atol=0, equal_nan=True, msg=key)


FILLS = {
    "uniform": lambda shape, g: R.uniform(shape, generator=g),
    "normal": lambda shape, g: R.normal(shape, generator=g, dtype=torch.float64),
    "randint": lambda shape, g: R.randint(0, 10, shape, generator=g),
    "bernoulli": lambda shape, g: R.bernoulli(0.5, shape, generator=g),
    "gamma": lambda shape, g: R.gamma(2.0, shape, generator=g),
    "beta": lambda shape, g: R.beta(2.0, 3.0, shape, generator=g),
}


@pytest.mark.parametrize("shape", [(2**40,), (2**61, 2)])
@pytest.mark.parametrize("name", sorted(FILLS))
def test_fill_too_large_names_shape(name, shape):
    g = torchrng.Generator(3)
    with pytest.raises(RuntimeError, match=re.escape(f"shape={shape!r}") + ".*more than can be allocated"):
        FILLS[name](shape, g)
    assert g.index == 0


def test_randperm_and_dirichlet_too_large_name_their_arguments():
    with pytest.raises(RuntimeError, match=r"n=5 and batch=\(1099511627776,\).*more than can be allocated"):
        R.randperm(5, (2**40,), generator=torchrng.key(0))
    with pytest.raises(RuntimeError, match=r"shape=\(1099511627776,\) with 3 concentrations \(alpha\).*more than"):
        R.dirichlet([1.0, 2.0, 3.0], (2**40,), generator=torchrng.key(0))


def test_the_message_keeps_torchs_and_sizes_the_request():
    with pytest.raises(RuntimeError) as info:
        S.affine(torchrng.key(0), n=2**40, image_size=HW, degrees=10)
    message = str(info.value)
    assert "n=1099511627776 samples of 6 parameter values each: 48.0 TiB of torch.float64" in message
    assert "can't allocate memory" in message  # torch's own words follow ours
    assert isinstance(info.value.__cause__, RuntimeError)


def test_other_errors_pass_through():
    error = RuntimeError("sample_rows: out must be float64")
    assert v.raise_if_too_large(error, "n=3 samples", (3, 6), torch.float64) is None


@pytest.mark.parametrize("message", ["CUDA out of memory. Tried to allocate 8.00 TiB",
                                     "DefaultCPUAllocator: can't allocate memory: you tried to allocate 8 bytes",
                                     "Storage size calculation overflowed with sizes=[2, 3]"])
def test_allocation_failures_keep_their_type(message):
    for kind in (RuntimeError, torch.OutOfMemoryError):
        with pytest.raises(kind, match=r"^n=2 samples: 48 bytes of torch.float64 \(shape \(2, 3\)\)") as info:
            v.raise_if_too_large(kind(message), "n=2 samples", (2, 3), torch.float64)
        assert type(info.value) is kind and message in str(info.value)


@pytest.mark.needs_cuda
def test_cuda_batch_too_large_is_an_out_of_memory_error_naming_n():
    with pytest.raises(torch.OutOfMemoryError, match=r"n=1099511627776 .*more than can be allocated"):
        S.affine(torchrng.key(0), n=2**40, image_size=HW, degrees=10, device="cuda")


def _images():
    return torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("make, named", [
    (lambda B: B.RandomResizedCrop((10**6, 10**6)), r"^RandomResizedCrop\(size=\(1000000, 1000000\).* on 2 images: "),
    (lambda B: B.RandomCrop(10**6, pad_if_needed=True), r"^RandomCrop\(size=\(1000000, 1000000\).* on 2 images: "),
    (lambda B: B.FusedResizedCrop((10**6, 10**6)), r"(?s)^FusedResizedCrop\(.*size=\(1000000, 1000000\)"),
    (lambda B: B.Compose([B.RandomHorizontalFlip(), B.RandomCrop(5, padding=10**6)], fuse=False),
     r"^transforms\[1\] RandomCrop\(size=\(5, 5\), padding=\[1000000, 1000000, 1000000, 1000000\]"),
])
def test_batch_transform_output_too_large_names_the_transform(make, named):
    B = pytest.importorskip("torchrng.batch")
    with pytest.raises(RuntimeError, match=named) as info:
        make(B)(_images(), generator=torchrng.key(0))
    assert "more than can be allocated" in str(info.value)


@pytest.mark.parametrize("make, named", [
    (lambda T: T.RandomResizedCrop((10**6, 10**6)), r"^RandomResizedCrop\(size=\(1000000, 1000000\)"),
    (lambda T: T.RandomZoomOut(side_range=(10**5, 10**5 + 1), p=1.0), r"^RandomZoomOut\(.*side_range=\(100000, "),
    (lambda T: T.Compose([T.RandomHorizontalFlip(), T.RandomCrop(5, padding=10**6)]),
     r"^RandomCrop\(size=\(5, 5\), padding=\[1000000, 1000000, 1000000, 1000000\]"),
])
def test_drop_in_output_too_large_names_the_transform(make, named):
    from torchrng import transforms as T

    with pytest.raises(RuntimeError, match=named) as info:
        make(T)(_images()[0], generator=torchrng.key(0))
    assert "more than can be allocated" in str(info.value)

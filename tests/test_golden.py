"""Golden values: what fixed keys produce, pinned so that no change to a stream slips in.
Changing any of these is a breaking change: bump torchrng.STREAM_VERSION and say so."""

import hashlib

import pytest
import torch

import torchrng
from torchrng import sample as S

K = torchrng.key(2026)


def digest(*tensors) -> str:
    h = hashlib.sha256()
    for t in tensors:
        h.update(str(t.dtype).encode())
        t = t.contiguous().cpu()
        h.update((t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes())
    return h.hexdigest()[:16]


def test_stream_version():
    assert torchrng.STREAM_VERSION == 3
    assert torch.ops.torchrng._stream_version() == 3


def test_first_uniform_values_exactly():
    # element i = top 24 bits of word i % 4 of Philox(counter [0, 0, i // 4, 0], key) times 2**-24
    assert torchrng.uniform(6, generator=torchrng.Key(1, 2)).tolist() == GOLDEN_UNIFORM


RAW = {
    "uniform_f32": lambda: torchrng.uniform(257, -2.0, 3.0, generator=K),
    "uniform_f64": lambda: torchrng.uniform(257, generator=K, dtype=torch.float64),
    "uniform_f16": lambda: torchrng.uniform(257, generator=K, dtype=torch.float16),
    "uniform_bf16": lambda: torchrng.uniform(257, generator=K, dtype=torch.bfloat16),
    "normal_f32": lambda: torchrng.normal(257, 1.0, 2.0, generator=K),
    "normal_f64": lambda: torchrng.normal(257, generator=K, dtype=torch.float64),
    "randint": lambda: torchrng.randint(-(2**40), 2**40, 257, generator=K),
    "bernoulli": lambda: torchrng.bernoulli(0.3, 257, generator=K),
    "randperm": lambda: torchrng.randperm(17, 9, generator=K),
    "gamma": lambda: torchrng.gamma(0.4, 65, generator=K, dtype=torch.float64),
    "beta": lambda: torchrng.beta(0.5, 2.0, 65, generator=K, dtype=torch.float64),
    "dirichlet": lambda: torchrng.dirichlet([0.2, 1.0, 3.0], 33, generator=K, dtype=torch.float64),
    "philox": lambda: torchrng.philox4x32_10(torch.arange(64).view(16, 4), torch.tensor([7, 9])),
}

GEOMETRY = {
    "horizontal_flip": lambda: S.horizontal_flip(K, n=64),
    "resized_crop": lambda: S.resized_crop(K, n=64, image_size=(480, 640)),
    "crop": lambda: S.crop(K, n=64, image_size=(48, 64), size=32, padding=4, pad_if_needed=True),
    "rotation": lambda: S.rotation(K, n=64, degrees=30),
    "affine": lambda: S.affine(K, n=64, image_size=(48, 64), degrees=30, translate=(0.1, 0.2), scale=(0.8, 1.2),
                               shear=(-5, 5, -3, 3)),
    "perspective": lambda: S.perspective(K, n=64, image_size=(48, 64)),
    "zoom_out": lambda: S.zoom_out(K, n=64, image_size=(48, 64)),
    "iou_crop": lambda: S.iou_crop(K, n=64, image_size=(100, 120),
                                   boxes=[torch.tensor([[10.0, 10, 60, 80], [50, 20, 110, 90]])] * 64),
    "scale_jitter": lambda: S.scale_jitter(K, n=64, image_size=(48, 64), target_size=(100, 100)),
    "shortest_size": lambda: S.shortest_size(K, n=64, image_size=(48, 64), min_size=[20, 30, 40], max_size=60),
    "resize": lambda: S.resize(K, n=64, min_size=10, max_size=100),
    "elastic": lambda: S.elastic(K, n=2, image_size=(12, 10)),
}

# The photometric, erasing, auto-augment, mixing and container samplers: sizes chosen so that the
# rarer paths run too (a permutation of 23 channels takes two blocks; RandAugment with 5 ops reads
# two sign blocks and draws the image-size-dependent translations).
OTHERS = {
    "color_jitter": lambda: S.color_jitter(K, n=64, brightness=0.4, contrast=(0.5, 1.5), saturation=0.4, hue=0.1),
    "photometric_distort": lambda: S.photometric_distort(K, n=64, p=0.6),
    "channel_permutation": lambda: S.channel_permutation(K, n=64, num_channels=23),
    "grayscale": lambda: S.grayscale(K, n=64, p=0.3),
    "posterize": lambda: S.posterize(K, n=64, bits=3),
    "gaussian_blur": lambda: S.gaussian_blur(K, n=64, kernel_size=5, sigma=(0.1, 3.0)),
    "gaussian_noise": lambda: S.gaussian_noise(K, n=3, image_size=(5, 7), sigma=0.2),
    "jpeg": lambda: S.jpeg(K, n=64, quality=(5, 95)),
    "erasing": lambda: S.erasing(K, n=64, image_size=(48, 64), scale=(0.02, 0.6), value=(1.0, 2.0, 3.0)),
    "erasing_random": lambda: S.erasing(K, n=4, image_size=(6, 5), value="random"),
    "mixup": lambda: S.mixup(K, n=64, alpha=0.4, per_sample=True),
    "cutmix": lambda: S.cutmix(K, n=64, image_size=(48, 64), alpha=1.0, per_sample=True),
    "auto_augment": lambda: S.auto_augment(K, n=64, image_size=(48, 64), policy="imagenet"),
    "auto_augment_svhn": lambda: S.auto_augment(K, n=64, image_size=(48, 64), policy="svhn"),
    "rand_augment": lambda: S.rand_augment(K, n=64, image_size=(48, 64), num_ops=5, magnitude=13),
    "trivial_augment_wide": lambda: S.trivial_augment_wide(K, n=64),
    "augmix": lambda: S.augmix(K, n=16, image_size=(48, 64), severity=4),
    "random_apply": lambda: S.random_apply(K, n=64, p=0.3),
    "random_choice": lambda: S.random_choice(K, n=64, p=[0.2, 0.5, 0.3]),
    "random_order": lambda: S.random_order(K, n=64, transforms=[None] * 6),
}


@pytest.mark.parametrize("name", sorted(RAW))
def test_raw_ops_golden(name):
    out = RAW[name]()
    assert digest(out) == GOLDEN_RAW[name], f"{name}: {digest(out)}"


@pytest.mark.parametrize("family,name", [("geometry", n) for n in sorted(GEOMETRY)] +
                         [("others", n) for n in sorted(OTHERS)])
def test_samplers_golden(family, name):
    calls, golden = (GEOMETRY, GOLDEN_GEOMETRY) if family == "geometry" else (OTHERS, GOLDEN_OTHERS)
    out = calls[name]()
    got = digest(*(out[k] for k in sorted(out)))
    assert got == golden[name], f"{name}: {got}"


GOLDEN_UNIFORM = [0.021863818168640137, 0.5969619750976562, 0.15258115530014038, 0.9168553948402405, 0.940483808517456, 0.5420711040496826]
GOLDEN_RAW = {
    "bernoulli": "ff6f1e678b1f80af",
    "beta": "39bf96f6bdf0d846",
    "dirichlet": "dfd9c7d3fac8b801",
    "gamma": "b48d1ee1d418bd8e",
    "normal_f32": "5bef55066769c1fa",
    "normal_f64": "01f45254f5b5c5b5",
    "philox": "24b12cdafab4c996",
    "randint": "4c4863bbf9643652",
    "randperm": "17d36266841cfc27",
    "uniform_bf16": "7ec2911e5d376ada",
    "uniform_f16": "93e12d58a64a5733",
    "uniform_f32": "7a033d97e91ab3db",
    "uniform_f64": "0d6c8579d96da269",
}
GOLDEN_GEOMETRY = {
    "affine": "7d135f67ec573aef",
    "crop": "006e2987bcd3b538",
    "elastic": "be27bc8da5fa4af6",
    "horizontal_flip": "fa603bc6e25b6d6c",
    "iou_crop": "641bea1ecd7f0271",
    "perspective": "bf5f122c79a6dae4",
    "resize": "9397e3c5e8dfb1ac",
    "resized_crop": "9cf26b7f6faef114",
    "rotation": "294987a3d8197da4",
    "scale_jitter": "40f020d446f108f3",
    "shortest_size": "837a335ac9143381",
    "zoom_out": "9d34ef62ba0d2740",
}
GOLDEN_OTHERS = {
    "augmix": "8948145eca62daab",
    "auto_augment": "0b9815ff9f245e27",
    "auto_augment_svhn": "24e85e2dcb84702f",
    "channel_permutation": "1bde8b93e498194b",
    "color_jitter": "c853e87a61edf69f",
    "cutmix": "375ef2250e4c773c",
    "erasing": "e69af7b3786a8e17",
    "erasing_random": "d666d8bd43d6899b",
    "gaussian_blur": "76fe3ba74a220d7c",
    "gaussian_noise": "0176a735f4847c47",
    "grayscale": "f29e12a37611a9e3",
    "jpeg": "fc4e24bc3c5914a5",
    "mixup": "d9ed0c37a388aa10",
    "photometric_distort": "d7d722febcada786",
    "posterize": "fa603bc6e25b6d6c",
    "rand_augment": "688846de175b2f09",
    "random_apply": "fba5ca2b3bb884db",
    "random_choice": "78c1e2a5448069a1",
    "random_order": "d66fdf6e1c7e45a2",
    "trivial_augment_wide": "ef9ccfdcd075090e",
}

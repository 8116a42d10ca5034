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
    assert torchrng.STREAM_VERSION == 1
    assert torch.ops.torchrng._stream_version() == 1


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


@pytest.mark.parametrize("name", sorted(RAW))
def test_raw_ops_golden(name):
    out = RAW[name]()
    assert digest(out) == GOLDEN_RAW[name], f"{name}: {digest(out)}"


@pytest.mark.parametrize("name", sorted(GEOMETRY))
def test_geometry_samplers_golden(name):
    out = GEOMETRY[name]()
    got = digest(*(out[k] for k in sorted(out)))
    assert got == GOLDEN_GEOMETRY[name], f"{name}: {got}"


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
    "affine": "686e67c7ac3223bf",
    "crop": "006e2987bcd3b538",
    "elastic": "be27bc8da5fa4af6",
    "horizontal_flip": "fa603bc6e25b6d6c",
    "iou_crop": "641bea1ecd7f0271",
    "perspective": "bf5f122c79a6dae4",
    "resize": "9397e3c5e8dfb1ac",
    "resized_crop": "9cf26b7f6faef114",
    "rotation": "d2f7751829dd3ea5",
    "scale_jitter": "40f020d446f108f3",
    "shortest_size": "837a335ac9143381",
    "zoom_out": "9d34ef62ba0d2740",
}

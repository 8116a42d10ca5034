"""Philox4x32-10 known-answer vectors, through the native op and the Python key derivations."""

import pytest
import torch

import torchrng
from torchrng._philox import philox4x32, philox4x32_reference

from conftest import cpu_and_cuda
from kat import philox4x32_vectors

VECTORS = philox4x32_vectors()


def test_all_vectors_are_read():
    rounds = [r for r, *_ in VECTORS]
    assert rounds.count(10) == 55 and rounds.count(7) == 55


@pytest.mark.parametrize("rounds,counter,key,expected", VECTORS)
def test_python_philox_matches_random123(rounds, counter, key, expected):
    assert philox4x32(counter, key, rounds) == expected
    assert philox4x32_reference(counter, key, rounds) == expected


@pytest.mark.parametrize("device", cpu_and_cuda())
def test_native_philox_matches_random123(device):
    ten = [(c, k, e) for r, c, k, e in VECTORS if r == 10]
    counter = torch.tensor([c for c, _, _ in ten], dtype=torch.int64, device=device)
    key = torch.tensor([k for _, k, _ in ten], dtype=torch.int64, device=device)
    got = torchrng.philox4x32_10(counter, key)
    assert got.device.type == device
    assert got.cpu().tolist() == [list(e) for _, _, e in ten]


def test_native_philox_broadcasts_key():
    counter = torch.arange(40, dtype=torch.int64).reshape(10, 4)
    key = torch.tensor([7, 9], dtype=torch.int64)
    got = torchrng.philox4x32_10(counter, key)
    assert got.shape == (10, 4)
    for i in range(10):
        assert tuple(got[i].tolist()) == philox4x32(tuple(counter[i].tolist()), (7, 9))


def test_native_philox_empty():
    got = torchrng.philox4x32_10(torch.empty(0, 4, dtype=torch.int64), torch.empty(0, 2, dtype=torch.int64))
    assert got.shape == (0, 4)


@pytest.mark.parametrize(
    "counter,key,match",
    [
        (torch.zeros(3, dtype=torch.int64), torch.zeros(2, dtype=torch.int64), "counter must have shape"),
        (torch.zeros(1, 4, dtype=torch.int64), torch.zeros(1, 3, dtype=torch.int64), "key must have shape"),
        (torch.zeros(1, 4, dtype=torch.int32), torch.zeros(1, 2, dtype=torch.int64), "must be int64"),
        (torch.full((1, 4), -1, dtype=torch.int64), torch.zeros(1, 2, dtype=torch.int64), r"\[0, 2\*\*32\)"),
        (torch.zeros(1, 4, dtype=torch.int64), torch.full((1, 2), 1 << 32, dtype=torch.int64), r"\[0, 2\*\*32\)"),
    ],
)
def test_native_philox_rejects_bad_input(counter, key, match):
    with pytest.raises((RuntimeError, ValueError), match=match):
        torchrng.philox4x32_10(counter, key)


def test_native_philox_rejects_non_tensors():
    with pytest.raises(TypeError, match="must be tensors"):
        torchrng.philox4x32_10([0, 0, 0, 0], [0, 0])

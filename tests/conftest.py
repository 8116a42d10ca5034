"""Shared fixtures: the device grid, and an RNG-leak guard around every test."""

import random

import numpy as np
import pytest
import torch

import torchrng


def cuda_ready() -> bool:
    return torchrng.has_cuda() and torch.cuda.is_available()


def cpu_and_cuda():
    return ("cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda))


def pytest_collection_modifyitems(config, items):
    if cuda_ready():
        return
    reason = "needs a GPU and torchrng's CUDA kernels" if torchrng.has_cuda() else "torchrng built without CUDA"
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "needs_cuda" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def prevent_leaking_rng():
    """Tests must not change the global RNG states the rest of the suite sees."""
    torch_state = torch.get_rng_state()
    py_state = random.getstate()
    np_state = np.random.get_state()
    cuda_states = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    yield
    torch.set_rng_state(torch_state)
    random.setstate(py_state)
    np.random.set_state(np_state)
    if cuda_states is not None:
        torch.cuda.set_rng_state_all(cuda_states)

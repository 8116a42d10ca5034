"""Loads the compiled module and checks that it matches the installed torch."""

from __future__ import annotations

import torch

_LOAD_ERROR: BaseException | None = None

try:
    from . import _C  # noqa: F401  (runs the operator registrations)
except ImportError as e:  # missing, or built against another torch (undefined symbols)
    _LOAD_ERROR = e


def _raise_load_error():
    raise ImportError(
        "torchrng's compiled module torchrng._C could not be loaded "
        f"({_LOAD_ERROR}). Build it with `pip install --no-build-isolation -e .` in an environment "
        f"with the torch you run (torch {torch.__version__} here); `make test` does all of it."
    ) from _LOAD_ERROR


def check_build():
    if _LOAD_ERROR is not None:
        _raise_load_error()
    built = torch.ops.torchrng._build_info()
    if built != _runtime_info():
        raise ImportError(
            f"torchrng._C was built for {built} but runs with {_runtime_info()}: rebuild it with "
            "`pip install --no-build-isolation -e .`"
        )


def _runtime_info() -> str:
    return f"torch {torch.__version__.split('+')[0]}"


def has_cuda() -> bool:
    """Whether the CUDA kernels were built (independent of whether a GPU is present)."""
    return _LOAD_ERROR is None and torch.ops.torchrng._cuda_version() >= 0

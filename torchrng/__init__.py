"""torchrng: reproducible, device-native random parameters for torchvision v2 transforms.

Every value is a pure function of (key, sample index, hyperparameters, input size), computed by
native CPU and CUDA kernels from counter-based Philox4x32-10 streams, bit-identical on both.
"""

from ._build import check_build as _check_build, has_cuda

_check_build()

from . import ops  # noqa: E402  (fake kernels; needs the compiled operators)
from . import sample  # noqa: E402
from ._calls import ambient_key  # noqa: E402
from ._generator import Generator  # noqa: E402
from ._keys import Key, key  # noqa: E402
from .random import (  # noqa: E402
    bernoulli,
    beta,
    dirichlet,
    gamma,
    normal,
    philox4x32_10,
    randint,
    randperm,
    uniform,
)

STREAM_VERSION: int = 3
"""Version of the stream layout; golden-value tests pin what each (key, index) produces."""

__version__ = "0.1.0"

__all__ = [
    "STREAM_VERSION",
    "ambient_key",
    "Generator",
    "Key",
    "bernoulli",
    "beta",
    "dirichlet",
    "gamma",
    "has_cuda",
    "key",
    "normal",
    "philox4x32_10",
    "randint",
    "randperm",
    "uniform",
]

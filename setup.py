"""Builds torchrng and its compiled module torchrng._C with torch.utils.cpp_extension.

Environment switches:
  TORCHRNG_CUDA=auto|0|1   build the CUDA kernels: auto (default) when a CUDA toolkit and a CUDA
                           build of torch are present, 0 never, 1 always (fails without a toolkit).
  TORCH_CUDA_ARCH_LIST     CUDA architectures, e.g. "8.0;9.0+PTX". Default: the visible GPUs, or
                           "9.0" when none is visible (a GPU-less build box).
  TORCHRNG_DEBUG=1         -O0 -g instead of -O3.
  TORCHRNG_SANITIZE=1      AddressSanitizer + UndefinedBehaviorSanitizer (and float-cast-overflow), -O1 -g,
                           CPU kernels only. Refused in a git checkout (the in-place torchrng/_C*.so is
                           shared): `make sanitize-python` builds in a copy of the tree, build/sanitize-python.
                           TORCHRNG_SANITIZE_FORCE=1 overrides the refusal.
  MAX_JOBS                 parallel compile jobs (ninja).
"""

import glob
import os

# torch looks for nvcc on PATH first; a wrapper script in /usr/local/bin would make it pick
# /usr/local as the toolkit root, which has no libcudart. Prefer the real toolkit when it is there.
if "CUDA_HOME" not in os.environ and "CUDA_PATH" not in os.environ and os.path.exists("/usr/local/cuda/bin/nvcc"):
    os.environ["CUDA_HOME"] = "/usr/local/cuda"

import torch  # noqa: E402
from setuptools import find_packages, setup  # noqa: E402
from torch.utils.cpp_extension import CUDA_HOME, BuildExtension, CppExtension, CUDAExtension  # noqa: E402

ROOT = os.path.dirname(os.path.abspath(__file__))


def _cuda_requested() -> bool:
    mode = os.environ.get("TORCHRNG_CUDA", "auto").strip().lower()
    available = torch.version.cuda is not None and CUDA_HOME is not None
    if mode in ("0", "off", "false", "no"):
        return False
    if mode in ("1", "on", "true", "yes"):
        if not available:
            raise RuntimeError(
                "TORCHRNG_CUDA=1 but no CUDA build is possible: "
                f"torch.version.cuda={torch.version.cuda!r}, CUDA_HOME={CUDA_HOME!r}"
            )
        return True
    if mode != "auto":
        raise ValueError(f"TORCHRNG_CUDA must be auto, 0 or 1, got {mode!r}")
    return available


def _cuda_version_number() -> int:
    if torch.version.cuda is None:
        return -1
    major, minor = (int(x) for x in torch.version.cuda.split(".")[:2])
    return major * 1000 + minor * 10


def _sources(pattern: str) -> list[str]:
    return sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, pattern)))


SANITIZE_FLAGS = ["-fsanitize=address,undefined,float-cast-overflow", "-fno-omit-frame-pointer",
                  "-fno-sanitize-recover=all"]


def _sanitize_requested() -> bool:
    if os.environ.get("TORCHRNG_SANITIZE", "0") != "1":
        return False
    if os.path.exists(os.path.join(ROOT, ".git")) and os.environ.get("TORCHRNG_SANITIZE_FORCE", "0") != "1":
        raise RuntimeError(
            "TORCHRNG_SANITIZE=1 would replace the shared in-place torchrng/_C*.so of this checkout with a "
            "sanitized build; run `make sanitize-python` (it builds in a copy, build/sanitize-python) or set "
            "TORCHRNG_SANITIZE_FORCE=1"
        )
    return True


def make_extension():
    sanitize = _sanitize_requested()
    with_cuda = _cuda_requested() and not sanitize
    debug = os.environ.get("TORCHRNG_DEBUG", "0") == "1"
    opt = ["-O0", "-g"] if debug else ["-O3"]
    if sanitize:
        opt = ["-O1", "-g"] + SANITIZE_FLAGS
    # Bit-identical CPU and CUDA results need the same IEEE operations on both sides: no fused
    # multiply-add contraction anywhere (see csrc/core/config.h).
    # at::parallel_for runs serially unless the extension itself is built with OpenMP.
    # C++20 on every torch: older ones (2.11, the GPU machine's) default extensions to C++17.
    cxx = opt + ["-std=c++20", "-fopenmp", "-ffp-contract=off", "-fno-fast-math", f"-DTORCHRNG_CUDA_VERSION={_cuda_version_number() if with_cuda else -1}",
           f"-DTORCHRNG_TORCH_VERSION={torch.__version__.split('+')[0]}"]
    sources = _sources("csrc/*.cpp") + _sources("csrc/cpu/*.cpp")
    kwargs = dict(extra_compile_args={"cxx": cxx}, extra_link_args=["-fopenmp"] + (SANITIZE_FLAGS if sanitize else []),
                  include_dirs=[os.path.join(ROOT, "csrc")])
    if with_cuda:
        if not os.environ.get("TORCH_CUDA_ARCH_LIST") and not torch.cuda.is_available():
            os.environ["TORCH_CUDA_ARCH_LIST"] = "9.0"
        nvcc = opt + ["-std=c++20", "--fmad=false", "--expt-relaxed-constexpr", "-DTORCHRNG_WITH_CUDA"]
        nvcc += os.environ.get("NVCC_FLAGS", "").split()
        kwargs["extra_compile_args"]["nvcc"] = nvcc
        kwargs["extra_compile_args"]["cxx"] = cxx + ["-DTORCHRNG_WITH_CUDA"]
        sources += _sources("csrc/cuda/*.cu")
        ext = CUDAExtension("torchrng._C", sources, **kwargs)
    else:
        ext = CppExtension("torchrng._C", sources, **kwargs)
    print(
        f"torchrng build: cuda={with_cuda} arch={os.environ.get('TORCH_CUDA_ARCH_LIST', '-')} "
        f"debug={debug} sanitize={sanitize} torch={torch.__version__} sources={len(sources)}"
    )
    return ext


setup(
    packages=find_packages(include=["torchrng", "torchrng.*"]),
    ext_modules=[make_extension()],
    cmdclass={"build_ext": BuildExtension},
)

#!/usr/bin/env bash
# One GPU session, prepared in advance because device time is scarce (15 minutes, start-up
# included): build the extension with the CUDA kernels, run every CUDA test, then the GPU
# benchmark suites. Everything lands under $OUT (the device tool brings it back); commit
# $OUT/results/cuda as benchmarks/results/cuda and quote it in the README.
#
#   bash benchmarks/gpu_session.sh            # on the GPU machine, from the repository root
#
# The GPU machine has no network: the build uses whatever torch, setuptools and ninja it has
# (--no-build-isolation --no-deps), and test files whose imports are missing there (hypothesis,
# scipy) are reported as collection errors without stopping the others. Each step is capped so a
# hang cannot eat the budget, and each step runs even if an earlier one failed.
set -u
OUT=${OUT:-gpu_out}
mkdir -p "$OUT"
export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0} MAX_JOBS=${MAX_JOBS:-16} TORCHRNG_CUDA=1

step() {  # step NAME SECONDS COMMAND...: log to $OUT/NAME.log, record the exit status
  local name=$1 limit=$2
  shift 2
  local start=$SECONDS
  timeout "$limit" "$@" > "$OUT/$name.log" 2>&1
  local rc=$?
  echo "$name rc=$rc $((SECONDS - start))s" | tee -a "$OUT/steps.txt"
  tail -3 "$OUT/$name.log"
}

step env 60 bash -c 'nvidia-smi; python -c "import sys, torch, torchvision; print(sys.version); print(torch.__version__, torchvision.__version__, torch.version.cuda, torch.cuda.get_device_name())"; pip list 2>/dev/null | grep -i -E "setuptools|ninja|pybind|pytest|hypothesis|scipy|kornia|numpy"'
# Test and benchmark dependencies the offline machine lacks, from wheels made here beforehand
# (`make gpu-wheels`, then carry .gpu_wheels with the device call).
if [ -d .gpu_wheels ]; then
  step wheels 120 pip install --no-index --no-deps --find-links .gpu_wheels .gpu_wheels/*.whl
fi
step build 300 pip install --no-build-isolation --no-deps -e .
step import 60 python -c "import torchrng; assert torchrng.has_cuda(), 'CUDA kernels missing'; print('cuda kernels ok')"
# Every CUDA case (CPU == CUDA bit for bit, no host sync, graph capture, torch.Generator use).
step cuda_tests 240 python -m pytest -q -p no:cacheprovider -m needs_cuda --continue-on-collection-errors \
  -o addopts="" --junitxml="$OUT/cuda_tests.xml" tests
# The GPU benchmark suites (CUDA events, warm-up, median of repeats).
PLOTS=$(python -c "import matplotlib" > /dev/null 2>&1 || echo --no-plots)
step bench 240 python -m benchmarks.run --device cuda --out "$OUT/results" --no-progress $PLOTS
echo "done; steps:"; cat "$OUT/steps.txt"

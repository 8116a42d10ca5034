# One-command entry points. Everything runs inside .venv, created on first use.
#
#   make test    set up, build, then every test (pytest and the C++ tests via ctest)
#   make demo    set up, build, then the main job on CPU
#   make bench   set up, build, then the benchmark suite (installs its extra dependencies)

PYTHON_SYSTEM ?= python3
VENV          := .venv
PY            := $(VENV)/bin/python
PIP           := $(PY) -m pip
TORCH_PINS    := torch==2.14.1 torchvision==0.29.1
TEST_DEPS     := pytest scipy hypothesis numpy ninja pybind11 'setuptools>=77' wheel
BENCH_DEPS    := kornia==0.9.* matplotlib tqdm
CMAKE_BUILD   := build-cmake
JOBS          ?= 2

.PHONY: setup build test pytest cpp-test demo bench bench-quick sanitize clean

$(VENV)/.deps-stamp: Makefile
	test -x $(PY) || $(PYTHON_SYSTEM) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet $(TORCH_PINS) $(TEST_DEPS)
	touch $@

setup: $(VENV)/.deps-stamp

build: setup
	MAX_JOBS=$(JOBS) $(PIP) install --quiet --no-build-isolation --no-deps -e .
	$(PY) -c "import torchrng; print('torchrng', torchrng.__version__, 'cuda kernels:', torchrng.has_cuda())"

pytest: build
	$(PY) -m pytest -q -m "" tests

cpp-test: setup
	cmake -S . -B $(CMAKE_BUILD) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_PREFIX_PATH="$$($(PY) -c 'import torch; print(torch.utils.cmake_prefix_path)')" \
	  -DPython_EXECUTABLE=$(abspath $(PY)) > $(CMAKE_BUILD).log 2>&1 || (cat $(CMAKE_BUILD).log; exit 1)
	cmake --build $(CMAKE_BUILD) -j $(JOBS)
	ctest --test-dir $(CMAKE_BUILD) --output-on-failure

test: pytest cpp-test

demo: build
	$(PY) -m torchrng.demo --out demo_output

bench: build
	$(PIP) install --quiet $(BENCH_DEPS)
	$(PY) -m benchmarks.run

bench-quick: build
	$(PIP) install --quiet $(BENCH_DEPS)
	$(PY) -m benchmarks.run --quick

# The C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize: setup
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTORCHRNG_SANITIZE=ON -DWITH_TORCH=OFF > build-asan.log 2>&1 || (cat build-asan.log; exit 1)
	cmake --build build-asan -j $(JOBS)
	ctest --test-dir build-asan --output-on-failure

# Wheels for the offline GPU machine (Python 3.12): the test and benchmark dependencies it lacks,
# about 45 MB, carried with the device call and installed by benchmarks/gpu_session.sh.
GPU_PYTHON ?= 3.12
.PHONY: gpu-wheels
gpu-wheels: setup
	rm -rf .gpu_wheels
	$(PIP) download --quiet --no-deps --only-binary=:all: --python-version $(GPU_PYTHON) \
	  --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_27_x86_64 \
	  --platform manylinux_2_28_x86_64 -d .gpu_wheels 'kornia==0.9.*' kornia_rs hypothesis sortedcontainers \
	  attrs scipy pytest iniconfig pluggy packaging pygments 'setuptools>=77' ninja pybind11

clean:
	rm -rf build $(CMAKE_BUILD) build-asan *.egg-info torchrng/_C*.so

# The Python tests against an extension built with AddressSanitizer and UndefinedBehaviorSanitizer
# (plus float-cast-overflow; CPU kernels). The build happens in a copy of the tree,
# $(SANITIZE_DIR) (under the ignored build/), so the shared in-place torchrng/_C*.so is never
# replaced; the tests run from that copy with the sanitizer runtimes preloaded into Python (which is
# not itself instrumented). Any report aborts the run. SANITIZE_TESTS picks the tests.
SANITIZE_DIR   ?= build/sanitize-python
SANITIZE_TESTS ?= tests/test_fuzz_batch.py tests/test_fuzz_random.py tests/test_fuzz_ops.py tests/test_fuzz_sample.py \
                  tests/test_fuzz_transforms.py tests/test_reliability_overflow.py \
                  tests/test_reliability_concurrency.py tests/test_reliability_regressions.py \
                  tests/test_faults.py tests/test_batch.py tests/test_random.py \
                  tests/test_philox.py tests/test_keys.py tests/test_generator.py tests/test_golden.py \
                  tests/test_sample_geometry.py tests/test_sample_color.py tests/test_sample_augment.py \
                  tests/test_sample_auto_augment.py tests/test_transforms.py
BUILD_LOCK     := $(shell command -v flock >/dev/null 2>&1 && echo flock /tmp/torchrng_build.lock)
SANITIZE_ENV   := ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=0:symbolize=1 \
                  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1 \
                  LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)"

.PHONY: sanitize-python
sanitize-python: setup
	rm -rf $(SANITIZE_DIR) && mkdir -p $(SANITIZE_DIR)
	cp -r setup.py pyproject.toml csrc torchrng tests benchmarks $(SANITIZE_DIR)/
	rm -f $(SANITIZE_DIR)/torchrng/_C*.so
	find $(SANITIZE_DIR) -name __pycache__ -prune -exec rm -rf {} +
	cd $(SANITIZE_DIR) && $(BUILD_LOCK) env TORCHRNG_SANITIZE=1 TORCHRNG_CUDA=0 MAX_JOBS=$(JOBS) \
	  $(abspath $(PY)) setup.py -q build_ext --inplace > build.log 2>&1 || (tail -50 build.log; exit 1)
	cd $(SANITIZE_DIR) && $(SANITIZE_ENV) $(abspath $(PY)) -c \
	  "import torchrng, os; assert os.path.dirname(torchrng.__file__) == os.path.abspath('torchrng'), torchrng.__file__; print('sanitized torchrng from', torchrng.__file__)"
	cd $(SANITIZE_DIR) && $(SANITIZE_ENV) $(abspath $(PY)) -m pytest -q -p no:cacheprovider --capture=sys $(SANITIZE_TESTS)

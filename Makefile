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
TEST_DEPS     := pytest scipy hypothesis numpy ninja pybind11 setuptools wheel
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
	$(PY) -m pytest -q tests

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

clean:
	rm -rf build $(CMAKE_BUILD) build-asan *.egg-info torchrng/_C*.so

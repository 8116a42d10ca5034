"""Shared machinery of the reliability tests (test_fuzz_*.py, test_reliability_*.py, test_faults*.py).

No tests here. It provides

* the hypothesis settings of the fuzz tests: a fast, derandomised default (`FUZZ`), and
  `TORCHRNG_FUZZ_PROFILE=thorough` for a long randomised run (1000 examples per test; `ci` sits in
  between). `--hypothesis-profile` cannot select them: pytest loads that option before test modules
  are imported, so profiles would have to live in conftest.py;
* `outcome(fn, names)`: runs one fuzz case and sorts it into "valid" (returned; the caller then
  checks the value) or "rejected" (a ValueError / TypeError / RuntimeError whose message names the
  argument). Any other exception, or an error that names nothing recognisable, fails the test;
* case counting: every case is recorded per test; `TORCHRNG_FUZZ_COUNTS=path` (or `=1` for
  tests/reliability_counts.json) writes the totals at the end of the run;
* `hang_guard`: a faulthandler watchdog that dumps every thread's stack and ends the process if a
  test runs past its limit (a hang inside native code cannot be interrupted any other way).
"""

from __future__ import annotations

import atexit
import collections
import faulthandler
import json
import os
import re
import sys

import pytest
import torch
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import torchrng

# --- hypothesis settings ---------------------------------------------------------------------------

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
           HealthCheck.function_scoped_fixture]
settings.register_profile("torchrng-default", max_examples=60, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_HEALTH, print_blob=True)
settings.register_profile("torchrng-ci", max_examples=200, deadline=None, derandomize=True, database=None,
                          suppress_health_check=_HEALTH, print_blob=True)
settings.register_profile("torchrng-thorough", max_examples=1000, deadline=None, derandomize=False, database=None,
                          suppress_health_check=_HEALTH, print_blob=True)

PROFILE = os.environ.get("TORCHRNG_FUZZ_PROFILE", "default").strip().lower() or "default"
if PROFILE not in ("default", "ci", "thorough"):
    raise ValueError(f"TORCHRNG_FUZZ_PROFILE must be default, ci or thorough, got {PROFILE!r}")
FUZZ = settings.get_profile(f"torchrng-{PROFILE}")
SCALE = {"default": 3, "ci": 8, "thorough": 40}[PROFILE]


def fuzz(examples: int | None = None):
    """The fuzz settings, optionally with a per-test example count (scaled by the profile)."""
    if examples is None:
        return settings(FUZZ)
    return settings(FUZZ, max_examples=examples * SCALE)


# --- outcomes and counting -------------------------------------------------------------------------

COUNTS: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)

def _names_argument(message: str, name: str) -> bool:
    """Whether `message` mentions `name` (case-insensitive): as a word for names of one or two
    characters (`n`, `p`, `a`), else as a substring."""
    if len(name.strip()) <= 2:
        return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name.strip())}(?![A-Za-z0-9_])", message, re.IGNORECASE) is not None
    return name.lower() in message.lower()


def record(test: str, kind: str) -> None:
    COUNTS[test][kind] += 1


def outcome(fn, names, *, test: str | None = None):
    """Runs fn(). Returns ("valid", result) or ("rejected", exception). A rejection must be a
    ValueError, TypeError or RuntimeError (torch's errors are RuntimeErrors, IndexErrors and
    NotImplementedErrors; only the first is accepted) whose message names one of `names` (case
    insensitive), a request too large to allocate included (tests/test_reliability_huge_requests.py)."""
    test = test or _caller()
    try:
        result = fn()
    except (ValueError, TypeError, RuntimeError) as e:
        message = str(e)
        named = any(_names_argument(message, n) for n in names)
        if not named:
            raise AssertionError(f"{type(e).__name__} does not name any of {list(names)}: {message!r}") from e
        record(test, "rejected")
        return "rejected", e
    record(test, "valid")
    return "valid", result


def _caller() -> str:
    frame = sys._getframe(2)
    while frame is not None and not frame.f_code.co_name.startswith("test_"):
        frame = frame.f_back
    return frame.f_code.co_name if frame is not None else "unknown"


def count_case(test: str | None = None, kind: str = "valid") -> None:
    """Records a case that is checked without `outcome` (a property that must always hold)."""
    record(test or _caller(), kind)


def _dump_counts() -> None:
    target = os.environ.get("TORCHRNG_FUZZ_COUNTS")
    if not COUNTS:
        return
    total = sum(sum(c.values()) for c in COUNTS.values())
    rejected = sum(c["rejected"] for c in COUNTS.values())
    summary = {
        "profile": PROFILE,
        "total_cases": total,
        "valid": total - rejected,
        "rejected_with_clear_error": rejected,
        "tests": {k: dict(sorted(v.items())) for k, v in sorted(COUNTS.items())},
    }
    print(f"\ntorchrng fuzz: {total} cases ({total - rejected} valid outputs checked, {rejected} clear rejections) "
          f"in {len(COUNTS)} tests, profile {PROFILE!r}", file=sys.__stderr__)
    if not target:
        return
    if target == "1":
        target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reliability_counts.json")
    previous = {}
    if os.path.exists(target):  # several pytest processes (or -k runs) accumulate per test
        try:
            with open(target) as f:
                previous = json.load(f).get("tests", {})
        except (OSError, ValueError):
            previous = {}
    previous.update(summary["tests"])
    total = sum(sum(c.values()) for c in previous.values())
    rejected = sum(c.get("rejected", 0) for c in previous.values())
    summary.update(tests=dict(sorted(previous.items())), total_cases=total, valid=total - rejected,
                   rejected_with_clear_error=rejected)
    with open(target, "w") as f:
        json.dump(summary, f, indent=1, sort_keys=False)
        f.write("\n")


atexit.register(_dump_counts)


# --- the hang watchdog --------------------------------------------------------------------------------

HANG_LIMIT_S = float(os.environ.get("TORCHRNG_HANG_LIMIT_S", "600"))


@pytest.fixture
def hang_guard():
    """Ends the whole process with every thread's traceback if the test runs past HANG_LIMIT_S
    (600 s by default; x2 for the ci profile, x10 for thorough): a hang becomes a loud failure
    instead of a stuck CI job."""
    faulthandler.dump_traceback_later(HANG_LIMIT_S * {"default": 1, "ci": 2, "thorough": 10}[PROFILE], exit=True,
                                      file=sys.__stderr__)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


# --- strategies ------------------------------------------------------------------------------------

U64 = (1 << 64) - 1
EDGE_SEEDS = (0, 1, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, U64 - 1, U64)
EDGE_INDICES = (0, 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, U64 - 8, U64 - 1, U64)

seeds = st.one_of(st.sampled_from(EDGE_SEEDS), st.integers(0, U64))
indices = st.one_of(st.sampled_from(EDGE_INDICES), st.integers(0, U64))

# A generator is built from a spec so that a case can make the same generator twice (determinism).
generator_specs = st.one_of(
    st.tuples(st.just("key"), seeds, st.just(0)),
    st.tuples(st.just("generator"), seeds, indices),
    st.tuples(st.just("torch"), st.integers(0, 2**63 - 1), st.just(0)),
    st.tuples(st.just("none"), st.integers(0, 2**63 - 1), st.just(0)),
)


def make_generator(spec):
    """A fresh generator for a spec. For "none" the global torch RNG is seeded (the autouse fixture
    of conftest.py restores it after the test) and None is returned."""
    kind, seed, index = spec
    if kind == "key":
        return torchrng.key(seed)
    if kind == "generator":
        return torchrng.Generator(seed, index=index)
    if kind == "torch":
        return torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    return None


def same(a, b) -> bool:
    """Deep, bitwise equality of nested outputs (tensors compared with NaNs equal)."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return False
        return (a.shape == b.shape and a.dtype == b.dtype and a.device == b.device
                and bool(torch.equal(a, b) or (a.is_floating_point() and torch.equal(a.nan_to_num(), b.nan_to_num())
                                               and torch.equal(a.isnan(), b.isnan()))))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:
        return True
    return a == b


def devices():
    return ("cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda))

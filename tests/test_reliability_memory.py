"""Memory: many sampler, drop-in and raw calls leave the process's resident set flat.

The full check (a million calls per phase) is `python -m benchmarks.memory_check`, whose output is
committed in benchmarks/results/cpu/memory.json and quoted in docs/reliability.md. This is the
scaled-down version: 50,000 calls per phase (about a minute on two cores), marked slow.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from test_fuzz_support import hang_guard  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]

# A leak of one small Python object per call is about 50 bytes per call; allocator noise over
# 50,000 calls stays within a couple of MiB.
MAX_GROWTH_MB = 8.0
MAX_SLOPE_BYTES_PER_CALL = 16.0


def _memory_check():
    spec = importlib.util.spec_from_file_location("memory_check", ROOT / "benchmarks" / "memory_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.usefixtures("hang_guard")
@pytest.mark.parametrize("phase", ["samplers", "drop_ins", "raw"])
def test_rss_stays_flat(phase):
    result = _memory_check().measure(phase, calls=50_000, warmup=10_000)
    assert result["rss_growth_mb"] < MAX_GROWTH_MB, result
    assert result["slope_bytes_per_call_second_half"] < MAX_SLOPE_BYTES_PER_CALL, result


def test_committed_million_call_figures():
    """The committed million-call run exists and was flat (regenerate it with
    `python -m benchmarks.memory_check` after changes to the call paths)."""
    import json

    path = ROOT / "benchmarks" / "results" / "cpu" / "memory.json"
    payload = json.loads(path.read_text())
    assert payload["suite"] == "memory" and payload["calls_per_phase"] >= 1_000_000
    assert {r["phase"] for r in payload["phases"]} == {"samplers", "drop_ins", "raw"}
    for r in payload["phases"]:
        assert r["rss_growth_mb"] < MAX_GROWTH_MB and r["slope_bytes_per_call_second_half"] < MAX_SLOPE_BYTES_PER_CALL, r

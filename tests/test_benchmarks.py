"""The benchmark suite runs end to end in quick mode and writes well-formed files (no timing checks)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("matplotlib", reason="bench extras not installed (make bench installs them)")
pytest.importorskip("tqdm", reason="bench extras not installed (make bench installs them)")

RESULT_KEYS = {"suite", "case", "impl", "device", "threads", "n", "seconds", "ns_per_element", "baseline", "params"}
MACHINE_KEYS = {"cpu_model", "cpu_count", "torch", "torchvision", "torchrng", "torchrng_has_cuda",
                "torchrng_cpu_isa", "gpu", "date"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--device", "cpu", "--suites", "fill",
         "--no-progress", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )
    assert proc.returncode == 0, f"benchmarks.run failed:\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    return out / "cpu"


def test_json_is_complete(quick_run):
    payload = json.loads((quick_run / "fill.json").read_text())
    assert payload["suite"] == "fill" and payload["device"] == "cpu"
    assert payload["config"]["quick"] is True
    assert MACHINE_KEYS <= payload["machine"].keys()
    results = payload["results"]
    assert results
    for r in results:
        assert RESULT_KEYS <= r.keys()
        assert r["device"] == "cpu" and r["suite"] == "fill"
        assert r["seconds"] > 0 and r["ns_per_element"] > 0
    impls = {r["impl"] for r in results}
    assert {"torch", "torchrng"} <= impls
    assert {r["n"] for r in results} == {10**3, 10**4, 10**5}
    assert {r["threads"] for r in results} >= {1}
    assert {r["case"] for r in results} >= {"uniform", "normal", "randint [0, 100)", "uniform_ (preallocated)"}
    # every torchrng measurement is compared with its torch twin
    comparisons = payload["comparisons"]
    assert len(comparisons) == sum(1 for r in results if r["impl"] == "torchrng")
    for c in comparisons:
        assert c["baseline"] == "torch" and c["impl"] == "torchrng" and c["ratio"] > 0


def test_markdown_has_a_table(quick_run):
    for name in ("fill.md", "README.md"):
        text = (quick_run / name).read_text()
        lines = text.splitlines()
        header = next(i for i, line in enumerate(lines) if line.startswith("| case"))
        assert "torch / torchrng" in lines[header]
        assert set(lines[header + 1]) <= set("|:- ")  # the separator row
        assert lines[header + 2].startswith("| uniform |")
        assert "cpu_model" in text


def test_scaling_plot_is_a_png(quick_run):
    png = quick_run / "fill_scaling.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 1000

"""The benchmark suite runs end to end in quick mode and writes well-formed files (no timing checks)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The harness itself needs neither matplotlib (plots) nor tqdm (progress bar) nor Kornia (one
# column), the extras `make bench` installs: without them the plots are skipped, and so are the
# checks on them.
HAS_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None
HAS_KORNIA = importlib.util.find_spec("kornia") is not None
needs_plots = pytest.mark.skipif(not HAS_MATPLOTLIB, reason="matplotlib not installed (make bench installs it)")

RESULT_KEYS = {"suite", "case", "impl", "device", "threads", "n", "seconds", "ns_per_element", "baseline", "params"}
MACHINE_KEYS = {"cpu_model", "cpu_count", "torch", "torchvision", "torchrng", "torchrng_has_cuda",
                "torchrng_cpu_isa", "gpu", "date"}


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--device", "cpu", "--suites", "fill,samplers,floor",
         "--no-progress", "--out", str(out)] + ([] if HAS_MATPLOTLIB else ["--no-plots"]),
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


@needs_plots
def test_scaling_plot_is_a_png(quick_run):
    png = quick_run / "fill_scaling.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 1000


# --- the `samplers` suite ------------------------------------------------------------------------

SAMPLER_IMPLS = {"torchrng", "torchvision", "kornia"}


def test_samplers_json(quick_run):
    payload = json.loads((quick_run / "samplers.json").read_text())
    assert payload["suite"] == "samplers" and payload["device"] == "cpu"
    assert payload["config"]["quick"] is True
    results = payload["results"]
    assert results
    for r in results:
        assert RESULT_KEYS <= r.keys()
        assert r["suite"] == "samplers" and r["seconds"] > 0
        assert r["impl"] in SAMPLER_IMPLS
        assert r["params"].get("call")  # every row says what it times
    # quick mode: N = 1 and 64, a few transforms, each drawn by torchrng and the torchvision loop
    assert {r["n"] for r in results} == {1, 64}
    cases = {r["case"] for r in results}
    assert {"resized_crop", "affine"} <= cases
    for case in cases:
        impls = {r["impl"] for r in results if r["case"] == case}
        assert {"torchrng", "torchvision"} <= impls, case
    if HAS_KORNIA:
        assert {r["impl"] for r in results if r["case"] == "resized_crop"} == SAMPLER_IMPLS
    # torchvision is the baseline: every other row of a (case, threads, n) group gets a ratio
    assert all(r["baseline"] == (r["impl"] == "torchvision") for r in results)
    comparisons = payload["comparisons"]
    assert len(comparisons) == sum(1 for r in results if r["impl"] != "torchvision")
    assert all(c["baseline"] == "torchvision" and c["ratio"] > 0 for c in comparisons)
    # the summary (vs torchvision and vs Kornia, side by side) falls back to N = 64 in quick mode
    summary = payload["summary"]
    assert {row["case"] for row in summary} == cases
    for row in summary:
        assert row["n"] == 64 and row["threads"] == 1 and row["impl"] == "torchrng"
        assert row["against"]["torchvision"]["ratio"] > 0
    # no N above the torchvision loop's limit in quick mode: nothing is extrapolated
    assert payload["extrapolated"] == []
    assert payload["config"]["loadavg"]["usable_cores"] >= 1


def test_samplers_markdown(quick_run):
    text = (quick_run / "samplers.md").read_text()
    lines = text.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("| transform"))
    assert "torchvision / torchrng" in lines[summary] and "kornia / torchrng" in lines[summary]
    full = next(i for i, line in enumerate(lines) if line.startswith("| case | threads"))
    assert summary < full  # the summary comes first
    assert "torchvision / torchrng" in lines[full]
    # the summary always has a Kornia column (a dash without it); the full table only when measured
    assert ("kornia / torchrng" in lines[full]) == HAS_KORNIA
    assert "| case | impl | call |" in text
    assert "Load average" in text
    readme = (quick_run / "README.md").read_text()
    assert "| transform" in readme and "| case | impl | call |" in readme  # the device README has the suite too
    if HAS_MATPLOTLIB:
        png = quick_run / "samplers_scaling.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    else:
        assert not (quick_run / "samplers_scaling.png").exists()  # --no-plots writes none


def test_samplers_extrapolation_is_marked():
    """The N > 4096 torchvision figure is an extrapolation, never a result row; the tables say so."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from benchmarks.common import Result, extrapolated_markdown, extrapolated_rows, summary_rows

    def row(impl, n, seconds, baseline=False):
        return Result("samplers", "resized_crop", impl, "cpu", 1, n, seconds, seconds * 1e9 / n, baseline=baseline)

    results = [row("torchvision", 4096, 4096 * 20e-6, True), row("torchrng", 4096, 1e-4), row("kornia", 4096, 1e-3),
               row("torchrng", 10**6, 0.02), row("kornia", 10**6, 0.3)]
    spec = {"impl": "torchvision", "from_n": 4096, "against": ["torchrng", "kornia"]}
    (ext,) = extrapolated_rows(results, spec)
    assert ext["extrapolated"] is True and ext["n"] == 10**6
    assert abs(ext["estimated_seconds"] - 20.0) < 1e-9
    assert abs(ext["against"]["torchrng"]["ratio"] - 1000.0) < 1e-6
    assert abs(ext["against"]["kornia"]["ratio"] - 20.0 / 0.3) < 1e-6
    text = extrapolated_markdown([ext], spec, "###")
    assert "EXTRAPOLATED" in text and "(extrapolated)" in text.splitlines()[-1]
    (s,) = summary_rows(results, {"n": 4096, "threads": 1, "impl": "torchrng", "against": ["torchvision", "kornia"],
                                  "targets": {"torchvision": 1000, "kornia": 10}, "target_cases": ["resized_crop"]})
    assert abs(s["against"]["torchvision"]["ratio"] - 819.2) < 1e-6 and s["against"]["torchvision"]["met"] is False
    assert abs(s["against"]["kornia"]["ratio"] - 10.0) < 1e-9 and s["against"]["kornia"]["met"] is True


# --- the `floor` suite ---------------------------------------------------------------------------


def test_floor_suite(quick_run):
    """Each target transform gets its Philox floor (the baseline), torchrng and torchvision rows at
    one N, and the summary sets every measured impl against the floor."""
    payload = json.loads((quick_run / "floor.json").read_text())
    assert payload["suite"] == "floor" and payload["config"]["quick"] is True
    results = payload["results"]
    targets = {"resized_crop", "affine", "perspective", "color_jitter", "erasing", "rand_augment"}
    assert {r["case"] for r in results} == targets
    assert {r["n"] for r in results} == {64}
    for case in targets:
        impls = {r["impl"] for r in results if r["case"] == case and r["threads"] == 1}
        assert {"philox floor", "torchrng", "torchvision"} <= impls, case
    assert all(r["baseline"] == (r["impl"] == "philox floor") and r["seconds"] > 0 for r in results)
    floor_calls = [r["params"]["call"] for r in results if r["impl"] == "philox floor"]
    assert all("fill_uniform" in c for c in floor_calls)
    summary = payload["summary"]
    assert {row["case"] for row in summary} == targets
    for row in summary:
        assert row["impl"] == "philox floor" and row["against"]["torchrng"]["ratio"] > 0
        assert row["against"]["torchvision"]["target"] == 1000.0
    text = (quick_run / "floor.md").read_text()
    assert "torchrng / philox floor" in text and "not torchrng's" in text

"""Shared pieces of the benchmark suite: timing, result records, machine info, writers and plots.

A suite module (see `benchmarks/run.py` for the registry) only describes *what* to time as a list
of `Case`s; the runner times them with `time_cpu` / `time_cuda` and writes everything through the
writers below, so every suite gets the same JSON layout, Markdown tables and scaling plots.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch.utils.benchmark import Timer

SCHEMA_VERSION = 1

# --------------------------------------------------------------------------------------------
# What a suite describes, and what the runner records
# --------------------------------------------------------------------------------------------


@dataclass
class Context:
    """What the runner tells a suite's `cases()`: the device, quick mode, and thread settings.
    A suite may append lines to `notes` (a case skipped, and why); they are recorded in the JSON
    (config.notes) and listed under the suite's tables."""

    device: str  # "cpu" or "cuda"
    quick: bool
    threads: tuple[int | None, ...]  # CPU thread counts the runner will use; (None,) on CUDA
    notes: list[str] = field(default_factory=list)


@dataclass
class Case:
    """One thing to time. Rows with the same (case, n) and thread count are compared side by side;
    the one with baseline=True is the denominator-side of every ratio in that group
    (ratio = baseline time / impl time, so > 1 means impl is faster than the baseline).

    `setup` is called right before timing (with torch threads already set) and returns the
    zero-argument callable to time; nothing large should be allocated before that, so a suite can
    list 1e8-element cases without holding their buffers all at once.
    """

    case: str
    impl: str
    n: int
    setup: Callable[[], Callable[[], Any]]
    baseline: bool = False
    elements: int | None = None  # what "per element" divides by; defaults to n
    params: dict[str, Any] = field(default_factory=dict)
    threads: Sequence[int | None] | None = None  # restrict to these thread counts (None: all the runner's)


@dataclass
class Result:
    suite: str
    case: str
    impl: str
    device: str
    threads: int | None  # CPU threads (torch.set_num_threads); None on CUDA
    n: int
    seconds: float  # median seconds per call
    ns_per_element: float
    baseline: bool = False
    iqr_seconds: float | None = None
    repeats: int = 0  # how many measurements the median is over
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Result":
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass
class Timing:
    median: float  # seconds per call
    iqr: float
    repeats: int


def _summarize(times: Sequence[float]) -> Timing:
    times = sorted(times)
    if len(times) >= 4:
        q = statistics.quantiles(times, n=4)
        iqr = q[2] - q[0]
    else:
        iqr = times[-1] - times[0] if len(times) > 1 else 0.0
    return Timing(statistics.median(times), iqr, len(times))


def time_cpu(fn: Callable[[], Any], min_run_time: float = 0.2, *, threads: int | None = None,
             min_repeats: int = 3, first_call_seconds: float | None = None) -> Timing:
    """Median seconds per call of `fn` on the CPU, by torch.utils.benchmark.Timer.blocked_autorange.

    `threads` is the torch thread count to time under (Timer sets it itself and would otherwise
    default to 1); None means the current torch.get_num_threads(). When a single call is longer
    than min_run_time, blocked_autorange yields fewer than `min_repeats` measurements; extra single
    calls are then added so that the median is still over at least `min_repeats` of them.
    `first_call_seconds`: how long an untimed warm-up call took, if the caller made one; when that
    is at least min_run_time, the calls are timed one by one straight away (blocked_autorange would
    only spend one more call finding that its block size is 1).
    """
    threads = torch.get_num_threads() if threads is None else threads
    timer = Timer(stmt="fn()", globals={"fn": fn}, num_threads=threads)
    if first_call_seconds is not None and first_call_seconds >= min_run_time:
        times: list[float] = []
    else:
        times = list(timer.blocked_autorange(min_run_time=min_run_time).times)
    while len(times) < min_repeats:
        times.extend(timer.timeit(1).times)
    return _summarize(times)


def time_cuda(fn: Callable[[], Any], warmup: int = 5, repeats: int = 20, *,
              min_sample_seconds: float = 1e-3, max_inner: int = 1000) -> Timing:
    """Median seconds per call of `fn` on the current CUDA device, by CUDA events.

    Runs `warmup` calls, then `repeats` samples, each a pair of events around `inner` back-to-back
    calls, `inner` chosen from the warm-up so that a sample lasts about `min_sample_seconds` (tiny
    kernels would otherwise be timed at the events' resolution and launch jitter).
    """
    if not torch.cuda.is_available():
        raise RuntimeError("time_cuda: no CUDA device")
    for _ in range(max(warmup, 1)):
        fn()
    torch.cuda.synchronize()

    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    fn()
    end.record()
    end.synchronize()
    one = max(start.elapsed_time(end) / 1e3, 1e-7)
    inner = int(min(max_inner, max(1, math.ceil(min_sample_seconds / one))))

    times = []
    for _ in range(max(repeats, 1)):
        start.record()
        for _ in range(inner):
            fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1e3 / inner)
    return _summarize(times)


# --------------------------------------------------------------------------------------------
# Machine info
# --------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def torchrng_cpu_isa() -> str:
    """The CPU ISA torchrng's Philox blocks use, as far as can be told from Python."""
    import torchrng  # noqa: F401  (registers the ops)

    for name in ("_cpu_isa", "_philox_isa"):  # if a later build exposes it, trust it
        try:
            return str(getattr(torch.ops.torchrng, name)())
        except Exception:
            pass
    env = os.environ.get("TORCHRNG_CPU_ISA")
    if env:
        return f"{env} (TORCHRNG_CPU_ISA)"
    flags = _cpu_flags()
    guess = "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "scalar"
    return f"auto (best supported; CPU flags suggest {guess})"


def _version(module: str) -> str | None:
    try:
        mod = __import__(module)
        return str(getattr(mod, "__version__", "unknown"))
    except Exception:
        return None


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, timeout=5,
                             cwd=Path(__file__).resolve().parent)
        return out.stdout.strip() or None
    except Exception:
        return None


def parallel_check(threads: int | None = None, n: int = 10**7) -> dict[str, Any]:
    """How much faster a plainly parallel torch op (exp over n float32) runs on `threads` threads than
    on one: a reading of what "all threads" can deliver here (shared or throttled vCPUs often give
    far less than the thread count), to interpret the thread-scaling rows."""
    threads = usable_cores() if threads is None else threads
    x = torch.rand(n)
    out = torch.empty_like(x)
    times: dict[int, float] = {}
    for _ in range(3):  # alternate and keep each setting's best: idle vCPUs can take a while to wake
        for t in sorted({1, threads}):
            m = time_cpu(lambda: torch.exp(x, out=out), 0.05, threads=t).median
            times[t] = min(times.get(t, m), m)
    return {"op": f"torch.exp({n:.0e} float32, out=)", "threads": threads,
            "seconds_1_thread": times[1], "seconds_all_threads": times[threads],
            "speedup": times[1] / times[threads]}


def machine_info(device: str | None = None) -> dict[str, Any]:
    import torchrng

    info: dict[str, Any] = {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cores": usable_cores(),
        "torch_threads_default": torch.get_num_threads(),
        "loadavg_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "torch": torch.__version__,
        "torchvision": _version("torchvision"),
        "kornia": _version("kornia"),
        "torchrng": getattr(torchrng, "__version__", "unknown"),
        "torchrng_stream_version": getattr(torchrng, "STREAM_VERSION", None),
        "torchrng_has_cuda": bool(torchrng.has_cuda()),
        "torchrng_cpu_isa": torchrng_cpu_isa(),
        "cuda_available": torch.cuda.is_available(),
        "torch_cuda": torch.version.cuda,
        "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        "git_commit": _git_commit(),
    }
    if device is not None:
        info["device"] = device
    if device == "cpu":
        try:
            info["parallel_check"] = parallel_check()
        except Exception as e:  # informative only
            info["parallel_check"] = {"error": f"{type(e).__name__}: {e}"}
    return info


# --------------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------------


def _group_key(r: Result) -> tuple:
    return (r.case, r.threads if r.threads is not None else -1, r.n)


def comparisons(results: Iterable[Result]) -> list[dict[str, Any]]:
    """For every (case, threads, n) group: ratio = baseline seconds / impl seconds per other impl."""
    groups: dict[tuple, list[Result]] = {}
    for r in results:
        groups.setdefault(_group_key(r), []).append(r)
    out = []
    for rows in groups.values():
        base = next((r for r in rows if r.baseline), None)
        if base is None:
            continue
        for r in rows:
            if r is base:
                continue
            out.append({
                "case": r.case, "threads": r.threads, "n": r.n, "baseline": base.impl, "impl": r.impl,
                "baseline_seconds": base.seconds, "impl_seconds": r.seconds,
                "ratio": base.seconds / r.seconds if r.seconds > 0 else None,
            })
    return out


# --------------------------------------------------------------------------------------------
# Report sections a suite can ask for (module attribute REPORT, recorded as config["report"])
#
#   "summary":     {"n", "threads", "impl", "against": [impl, ...], "targets": {impl: ratio},
#                   "target_cases": [case, ...], "title"}: one row per case at that (n, threads):
#                   impl's time and, per other impl, its time and other / impl.
#   "extrapolate": {"impl", "against": [impl, ...]}: where `impl` was not measured at an N that the
#                   others were (above its largest measured N), its time extrapolated linearly from
#                   its per-element cost at that largest N, and the ratios against it, flagged
#                   "extrapolated" (never a measurement, never in the results).
#   "ratio_pairs": [[numerator impl, denominator impl], ...]: extra ratio columns in the full table.
#   "calls":       true: a table of what each (case, impl) times, from the rows' params["call"].
# --------------------------------------------------------------------------------------------


def _by_key(results: Iterable[Result]) -> dict[tuple, Result]:
    return {(r.case, r.impl, r.threads, r.n): r for r in results}


def summary_rows(results: Sequence[Result], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Per case: `impl` against each of spec["against"] at (spec["n"], spec["threads"]). A case whose
    first `against` impl was not measured at that N (a costly baseline run only up to a smaller N,
    or quick mode) is shown at the largest N <= spec["n"] where both were measured; its row's "n"
    says which."""
    idx = _by_key(results)
    threads, impl = spec.get("threads"), spec["impl"]
    against = list(spec.get("against", []))
    targets = spec.get("targets") or {}
    target_cases = set(spec.get("target_cases") or [])
    rows = []
    for case in dict.fromkeys(r.case for r in results):
        ns = sorted({r.n for r in results if r.case == case and r.impl == impl and r.threads == threads})
        both = [n for n in ns if n <= spec["n"] and (not against or (case, against[0], threads, n) in idx)]
        if not both:
            continue
        n = spec["n"] if spec["n"] in both else both[-1]
        mine = idx[(case, impl, threads, n)]
        row: dict[str, Any] = {"case": case, "n": n, "threads": threads, "impl": impl, "seconds": mine.seconds,
                               "against": {}}
        for other in against:
            theirs = idx.get((case, other, threads, n))
            ratio = theirs.seconds / mine.seconds if theirs is not None and mine.seconds > 0 else None
            entry: dict[str, Any] = {"seconds": theirs.seconds if theirs else None, "ratio": ratio}
            if case in target_cases and other in targets:
                entry["target"] = targets[other]
                entry["met"] = None if ratio is None else bool(ratio >= targets[other])
            row["against"][other] = entry
        rows.append(row)
    return rows


def extrapolated_rows(results: Sequence[Result], spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Where spec["against"] impls were measured at an N above the largest N that spec["impl"] was
    measured at (same case and threads), spec["impl"]'s time there extrapolated linearly from its
    per-element cost at that largest N, and the ratios against it. Every row is flagged
    "extrapolated": none of it is a measurement."""
    impl = spec["impl"]
    top: dict[tuple, Result] = {}
    for r in results:
        if r.impl == impl and ((r.case, r.threads) not in top or r.n > top[(r.case, r.threads)].n):
            top[(r.case, r.threads)] = r
    rows: dict[tuple, dict[str, Any]] = {}
    for r in results:
        src = top.get((r.case, r.threads))
        if r.impl not in spec.get("against", []) or src is None or r.n <= src.n:
            continue
        key = (r.case, r.threads, r.n)
        if key not in rows:
            per = src.seconds / src.n
            rows[key] = {"case": r.case, "threads": r.threads, "n": r.n, "impl": impl, "extrapolated": True,
                         "from_n": src.n, "seconds_per_element_at_from_n": per, "estimated_seconds": per * r.n,
                         "against": {}}
        row = rows[key]
        row["against"][r.impl] = {"seconds": r.seconds,
                                  "ratio": row["estimated_seconds"] / r.seconds if r.seconds > 0 else None}
    return list(rows.values())


def _threads_label(t: int | None) -> str:
    return "—" if t is None else str(t)


def summary_markdown(rows: Sequence[dict[str, Any]], spec: dict[str, Any], h: str) -> str:
    if not rows:
        return ""
    impl = spec["impl"]
    against = list(spec.get("against", []))
    show_n = any(row["n"] != spec["n"] for row in rows)
    head = ["transform"] + (["N"] if show_n else []) + [f"{impl} time"]
    for other in against:
        head += [f"{other} time", f"{other} / {impl}"]
    has_targets = any("target" in e for row in rows for e in row["against"].values())
    if has_targets:
        head.append("targets (reported, not asserted)")
    title = spec.get("title") or "Summary: N = {}, threads = {}".format(fmt_n(spec["n"]), spec.get("threads"))
    lines = [f"{h} {title}\n",
             "| " + " | ".join(head) + " |",
             "|:--|" + "--:|" * (len(head) - 1 - has_targets) + (":--|" if has_targets else "")]
    met_count = [0, 0]
    for row in rows:
        cells = [row["case"]] + ([fmt_n(row["n"]) + ("" if row["n"] == spec["n"] else " *")] if show_n else []) \
            + [fmt_seconds(row["seconds"])]
        verdicts = []
        for other in against:
            e = row["against"].get(other, {})
            cells += [fmt_seconds(e.get("seconds")), fmt_ratio(e.get("ratio"))]
            if "target" in e:
                if e["met"] is None:
                    verdicts.append(f"≥ {e['target']:g}× {other}: not measured")
                else:
                    met_count[0] += e["met"]
                    met_count[1] += 1
                    verdicts.append(f"≥ {e['target']:g}× {other}: {'met' if e['met'] else '**not met**'}")
        if has_targets:
            cells.append("; ".join(verdicts) or "—")
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines) + "\n"
    if show_n:
        text += (f"\n\\* not measured at N = {fmt_n(spec['n'])} (a costly baseline run only up to a smaller N, or "
                 "quick mode): shown at the largest N where both were measured.\n")
    if has_targets:
        text += f"\n{met_count[0]} of {met_count[1]} measured targets met.\n"
    return text


def extrapolated_markdown(rows: Sequence[dict[str, Any]], spec: dict[str, Any], h: str) -> str:
    if not rows:
        return ""
    impl = spec["impl"]
    against = [a for a in spec.get("against", []) if any(a in r["against"] for r in rows)]
    head = ["case", "threads", "N", f"{impl} measured up to N", f"{impl} time (EXTRAPOLATED)"]
    for other in against:
        head += [f"{other} time (measured)", f"{impl} (extrapolated) / {other}"]
    lines = [f"{h} Extrapolated, not measured: {impl} above the largest N it was run at\n",
             f"{impl} was not run at these N. Its time here is an *extrapolation*: its measured per-sample cost "
             f"at the largest N it was run at (column 4) times N (linear). The other times are measurements.\n",
             "| " + " | ".join(head) + " |", "|:--|:--|" + "--:|" * (len(head) - 2)]
    for row in rows:
        cells = [row["case"], _threads_label(row["threads"]), fmt_n(row["n"]), fmt_n(row["from_n"]),
                 f"~{fmt_seconds(row['estimated_seconds'])} (extrapolated)"]
        for other in against:
            e = row["against"].get(other)
            cells += [fmt_seconds(e["seconds"]), f"~{fmt_ratio(e['ratio'])} (extrapolated)"] if e else ["—", "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def calls_markdown(results: Sequence[Result], h: str) -> str:
    seen: dict[tuple[str, str], str] = {}
    for r in results:
        call = r.params.get("call")
        if call and (r.case, r.impl) not in seen:
            note = r.params.get("note")
            seen[(r.case, r.impl)] = str(call) + (f" — {note}" if note and r.baseline else "")
    if not seen:
        return ""
    lines = [f"{h} What each row times\n", "| case | impl | call |", "|:--|:--|:--|"]
    for (case, impl), call in seen.items():
        escaped = call.replace("|", "\\|")
        lines.append(f"| {case} | {impl} | {escaped} |")
    return "\n".join(lines) + "\n"



# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------


def _atomic_write(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_json(results: Sequence[Result], path: str | os.PathLike, *, suite: str | None = None,
               title: str | None = None, description: str | None = None, device: str | None = None,
               machine: dict[str, Any] | None = None, config: dict[str, Any] | None = None,
               elapsed_s: float | None = None) -> dict[str, Any]:
    """Writes one suite's results (plus machine info, config and the ratios) and returns the payload."""
    results = list(results)
    payload = {
        "schema": SCHEMA_VERSION,
        "suite": suite or (results[0].suite if results else None),
        "title": title,
        "description": description,
        "device": device or (results[0].device if results else None),
        "machine": machine if machine is not None else machine_info(device),
        "config": config or {},
        "elapsed_s": elapsed_s,
        "results": [r.to_dict() for r in results],
        "comparisons": comparisons(results),
    }
    report = (config or {}).get("report") or {}
    if report.get("summary"):
        payload["summary"] = summary_rows(results, report["summary"])
    if report.get("extrapolate"):
        payload["extrapolated"] = extrapolated_rows(results, report["extrapolate"])
    _atomic_write(Path(path), (json.dumps(payload, indent=1, sort_keys=False) + "\n").encode())
    return payload


def load_json(path: str | os.PathLike) -> dict[str, Any]:
    with open(path) as f:
        return json.load(f)


def fmt_seconds(s: float | None) -> str:
    if s is None or not math.isfinite(s):
        return "—"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_n(n: int) -> str:
    if n >= 1000 and n == 10 ** round(math.log10(n)):
        return f"1e{round(math.log10(n))}"
    return f"{n:,}"


def fmt_ratio(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}×"


def _impl_order(results: Sequence[Result]) -> tuple[list[str], list[str]]:
    """(all impls, baseline first), (impls that have a baseline to be compared with)."""
    impls: list[str] = []
    for r in sorted(results, key=lambda r: not r.baseline):
        if r.impl not in impls:
            impls.append(r.impl)
    baselines = {r.impl for r in results if r.baseline}
    compared = [i for i in impls if i not in baselines]
    return impls, compared


def markdown_table(results: Sequence[Result], pairs: Sequence[Sequence[str]] = ()) -> str:
    """One Markdown table: a row per (case, threads, n); for each impl its median time per call and
    ns per element; then one ratio column per non-baseline impl (baseline time / impl time), and one
    per (numerator, denominator) in `pairs` (numerator time / denominator time)."""
    results = list(results)
    if not results:
        return "_no results_\n"
    impls, compared = _impl_order(results)
    ratio_by = {(c["case"], c["threads"], c["n"], c["impl"]): (c["ratio"], c["baseline"])
                for c in comparisons(results)}
    base_names = sorted({r.impl for r in results if r.baseline})
    show_threads = any(r.threads is not None for r in results)

    head = ["case"] + (["threads"] if show_threads else []) + ["N"]
    for i in impls:
        head += [f"{i} time", f"{i} ns/elem"]
    base_label = base_names[0] if len(base_names) == 1 else "baseline"
    head += [f"{base_label} / {i}" for i in compared]
    pairs = [(a, b) for a, b in pairs if a in impls and b in impls]
    head += [f"{a} / {b}" for a, b in pairs]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join([":--"] * (1 + show_threads) + ["--:"] * (len(head) - 1 - show_threads)) + "|"]

    rows: dict[tuple, dict[str, Result]] = {}
    for r in results:
        rows.setdefault((r.case, r.threads, r.n), {})[r.impl] = r
    cases = list(dict.fromkeys(r.case for r in results))
    for key in sorted(rows, key=lambda k: (cases.index(k[0]), k[1] if k[1] is not None else -1, k[2])):
        case, threads, n = key
        cells = [case] + ([str(threads) if threads is not None else "—"] if show_threads else []) + [fmt_n(n)]
        for i in impls:
            r = rows[key].get(i)
            cells += [fmt_seconds(r.seconds), f"{r.ns_per_element:.3g}"] if r else ["—", "—"]
        for i in compared:
            ratio = ratio_by.get((case, threads, n, i))
            cells.append(fmt_ratio(ratio[0]) if ratio else "—")
        for a, b in pairs:
            ra, rb = rows[key].get(a), rows[key].get(b)
            cells.append(fmt_ratio(ra.seconds / rb.seconds) if ra and rb and rb.seconds > 0 else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def machine_markdown(machine: dict[str, Any]) -> str:
    keys = ["date", "cpu_model", "cpu_count", "usable_cores", "torch_threads_default", "loadavg_1min", "torchrng_cpu_isa",
            "gpu", "torch", "torch_cuda", "torchvision", "kornia", "torchrng", "torchrng_has_cuda",
            "cuda_available", "python", "platform", "git_commit"]
    lines = ["| | |", "|:--|:--|"]
    for k in keys + [k for k in machine if k not in keys]:
        if k not in machine:
            continue
        value = machine[k]
        if k == "parallel_check" and isinstance(value, dict) and "speedup" in value:
            value = (f"{value['op']}: {value['threads']} threads are {value['speedup']:.2f}× as fast as 1 "
                     "(what 'all threads' could deliver when measured; < threads means shared or busy cores)")
        lines.append(f"| {k} | {value if value is not None else '—'} |")
    return "\n".join(lines) + "\n"


def suite_markdown(payload: dict[str, Any], *, heading_level: int = 2, with_machine: bool = True) -> str:
    """A suite's Markdown section from its JSON payload (what write_markdown_table writes): title, the
    report's summary and extrapolation tables when the suite asks for them (config["report"]), the
    description, the full table, what each row times, notes, and the machine."""
    results = [Result.from_dict(d) for d in payload["results"]]
    config = payload.get("config") or {}
    report = config.get("report") or {}
    h = "#" * heading_level
    title = payload.get("title") or payload.get("suite")
    parts = [f"{h} {title} ({payload.get('device')})\n"]
    if report.get("summary"):
        rows = payload.get("summary")
        if rows is None:
            rows = summary_rows(results, report["summary"])
        text = summary_markdown(rows, report["summary"], h + "#")
        if text:
            parts.append(text)
    if payload.get("description"):
        parts.append(payload["description"].strip() + "\n")
    load = config.get("loadavg")
    if load:
        parts.append(f"Load average (1 min) when this suite started / ended: {load.get('start')} / {load.get('end')} "
                     f"on {load.get('usable_cores')} usable cores (other work on the machine makes timings noisy).\n")
    if report.get("extrapolate"):
        rows = payload.get("extrapolated")
        if rows is None:
            rows = extrapolated_rows(results, report["extrapolate"])
        text = extrapolated_markdown(rows, report["extrapolate"], h + "#")
        if text:
            parts.append(text)
    base = sorted({r.impl for r in results if r.baseline})
    if report:
        parts.append(f"{h}# All measurements\n")
    parts.append(
        "Median time per call and ns per element; ratio columns are baseline time / impl time "
        f"(baseline: {', '.join(base) or 'none'}; > 1 means the impl is faster). "
        "All rows measured side by side in one run"
        + (" (quick mode: fewer sizes, short timings)" if config.get("quick") else "") + ".\n"
    )
    parts.append(markdown_table(results, pairs=report.get("ratio_pairs") or ()))
    if report.get("calls"):
        text = calls_markdown(results, h + "#")
        if text:
            parts.append(text)
    notes = config.get("notes") or []
    errors = config.get("errors") or []
    if notes or errors:
        lines = [f"{h}# Notes\n"] + [f"* {n}" for n in notes]
        lines += [f"* error: {e.get('case')} / {e.get('impl')} / n={e.get('n')} / threads={e.get('threads')}: "
                  f"{e.get('error')}" for e in errors]
        parts.append("\n".join(lines) + "\n")
    if with_machine and payload.get("machine"):
        parts.append(f"{h}# Machine\n")
        parts.append(machine_markdown(payload["machine"]))
    return "\n".join(parts)


def write_markdown_table(payload_or_results, path: str | os.PathLike, **json_fields) -> str:
    """Writes a suite's Markdown (title, table with absolute times and ratios, machine info).
    Accepts the payload write_json returned, or a list of Results (plus write_json's keywords)."""
    if isinstance(payload_or_results, dict):
        payload = payload_or_results
    else:
        results = list(payload_or_results)
        payload = {"suite": json_fields.get("suite") or (results[0].suite if results else None),
                   "title": json_fields.get("title"), "description": json_fields.get("description"),
                   "device": json_fields.get("device") or (results[0].device if results else None),
                   "machine": json_fields.get("machine"), "config": json_fields.get("config") or {},
                   "results": [r.to_dict() for r in results]}
    text = suite_markdown(payload)
    _atomic_write(Path(path), text.encode())
    return text


def write_device_readme(device_dir: str | os.PathLike, device: str) -> Path:
    """The combined README.md of a device's results folder: machine info and every suite's table,
    from all `<suite>.json` there (so running one suite keeps the others' tables)."""
    device_dir = Path(device_dir)
    payloads = []
    for p in sorted(device_dir.glob("*.json")):
        try:
            payload = load_json(p)
        except (OSError, json.JSONDecodeError):
            continue
        if payload.get("schema") == SCHEMA_VERSION and payload.get("results") is not None:
            payloads.append(payload)
    parts = [f"# torchrng benchmarks: {device}\n",
             "Generated by `python -m benchmarks.run` (`make bench`); do not edit by hand. Each suite has its "
             "JSON (every measurement and the machine it ran on), Markdown table and log-log scaling plot "
             "next to this file.\n"]
    newest = max(payloads, key=lambda p: p.get("machine", {}).get("date", ""), default=None)
    if newest is not None:
        parts.append("## Machine\n")
        parts.append(machine_markdown(newest["machine"]))
    for payload in payloads:
        parts.append(suite_markdown(payload, heading_level=2, with_machine=False))
        suite = payload.get("suite")
        if (device_dir / f"{suite}_scaling.png").exists():
            parts.append(f"![{suite} scaling]({suite}_scaling.png)\n")
        m = payload.get("machine", {})
        if newest is not None and m.get("date") != newest["machine"].get("date"):
            parts.append(f"_Measured {m.get('date')} on {m.get('cpu_model')} (torchrng {m.get('torchrng')}, "
                         f"git {m.get('git_commit')}); the machine table above is the newest run's._\n")
    path = device_dir / "README.md"
    _atomic_write(path, "\n".join(parts).encode())
    return path


# --------------------------------------------------------------------------------------------
# Plots
# --------------------------------------------------------------------------------------------


def plot_scaling(results: Sequence[Result], path: str | os.PathLike, *, title: str | None = None) -> Path:
    """Log-log per-element cost (ns) against N: one panel per case, one line per impl × threads."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")

    results = list(results)
    cases = list(dict.fromkeys(r.case for r in results)) or ["(none)"]
    ncols = min(2 if len(cases) <= 6 else 3, len(cases))
    nrows = math.ceil(len(cases) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.4 * ncols, 4.2 * nrows), squeeze=False)
    impls, _ = _impl_order(results)
    colors = {impl: f"C{i}" for i, impl in enumerate(impls)}
    thread_values = sorted({r.threads for r in results if r.threads is not None})
    styles = ["-", "--", ":", "-."]
    markers = ["o", "s", "^", "D"]
    for ax, case in zip(axes.flat, cases):
        lines: dict[tuple, list[Result]] = {}
        for r in results:
            if r.case == case:
                lines.setdefault((r.impl, r.threads), []).append(r)
        for (impl, threads), rows in sorted(lines.items(), key=lambda kv: (impls.index(kv[0][0]), kv[0][1] or 0)):
            rows.sort(key=lambda r: r.n)
            t = thread_values.index(threads) if threads in thread_values else 0
            label = impl if threads is None else f"{impl}, {threads} thread{'s' if threads != 1 else ''}"
            ax.plot([r.n for r in rows], [r.ns_per_element for r in rows], label=label, color=colors[impl],
                    linestyle=styles[t % len(styles)], marker=markers[t % len(markers)], markersize=4)
        ax.set_xscale("log")
        ax.set_yscale("log")
        values = [r.ns_per_element for rows in lines.values() for r in rows if r.ns_per_element > 0]
        wide = bool(values) and max(values) / min(values) > 1e3  # many decades: label the powers of ten only
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0,) if wide else (1.0, 2.0, 3.0, 5.0, 7.0)))
        ax.yaxis.set_major_formatter(plain)
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_title(case, fontsize=10)
        ax.set_xlabel("N (elements)")
        ax.set_ylabel("ns per element (median)")
        ax.grid(True, which="both", alpha=0.3)
        if ax.has_data():
            ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(cases):]:
        ax.set_visible(False)
    if title:
        height = 4.2 * nrows  # inches; keep the title within its top 0.5 inch, above the panels
        fig.suptitle(title, y=1 - 0.1 / height, va="top")
        fig.tight_layout(rect=(0, 0, 1, 1 - 0.5 / height))
    else:
        fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fig.savefig(tmp, dpi=110 if len(cases) <= 12 else 80, format="png")
    plt.close(fig)
    os.replace(tmp, path)
    return path

"""Runs the benchmark suites and writes benchmarks/results/<device>/.

    python -m benchmarks.run [--quick] [--device cpu|cuda|all] [--suites fill,...] [--out benchmarks/results]

For each device (cpu; cuda when a GPU and torchrng's CUDA kernels are present) and each suite it
writes `<suite>.json` (every measurement, the ratios, machine info), `<suite>.md` (the table),
`<suite>_scaling.png` (log-log ns/element against N) and a combined `README.md` for that device.

Adding a suite: write `benchmarks/bench_<name>.py` exposing

    NAME: str                         # the suite's name (the --suites value, the file names)
    TITLE: str                        # heading of its table (optional; defaults to NAME)
    DESCRIPTION: str                  # a paragraph above its table (optional)
    REPORT: dict                      # summary / extrapolation / extra ratio tables (optional; see
                                      # the "Report sections" block of common.py)
    CPU_MIN_RUN_TIME: float           # Timer min_run_time per CPU case in full runs (optional)
    def cases(ctx: common.Context) -> list[common.Case]   # may append to ctx.notes

and add it to SUITES below. `cases` only *describes* the work: each Case names its case (the row
group), impl (the column), n, whether it is the baseline of its group, and a `setup()` that
allocates inputs and returns the zero-argument callable to time. The runner does the threads, the
timing (CPU: Timer.blocked_autorange median; CUDA: events after warm-up, median of repeats), the
progress bar and all the files.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

import torch

# name -> module; the order is the default run order.
SUITES: dict[str, str] = {
    "fill": "benchmarks.bench_fill",
    "samplers": "benchmarks.bench_samplers",
    "transforms": "benchmarks.bench_transforms",
    "batch": "benchmarks.bench_batch",
    "floor": "benchmarks.bench_floor",
}

DEFAULT_OUT = Path(__file__).resolve().parent / "results"

# Timing settings: (full, quick).
CPU_MIN_RUN_TIME = (0.3, 0.02)
CPU_MIN_REPEATS = (3, 1)
CUDA_WARMUP = (5, 2)
CUDA_REPEATS = (25, 5)


def _parse_threads(text: str, all_threads: int) -> tuple[int, ...]:
    out: list[int] = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        value = all_threads if part == "all" else int(part)
        if value < 1:
            raise argparse.ArgumentTypeError(f"thread count must be >= 1, got {value}")
        if value not in out:
            out.append(value)
    return tuple(out)


def _loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _cuda_skip_reason() -> str | None:
    import torchrng

    if not torch.cuda.is_available():
        return "no GPU (torch.cuda.is_available() is False)"
    if not torchrng.has_cuda():
        return "torchrng was built without its CUDA kernels"
    return None


def _load_suite(name: str):
    module = importlib.import_module(SUITES[name])
    for attr in ("NAME", "cases"):
        if not hasattr(module, attr):
            raise AttributeError(f"benchmark suite module {module.__name__} lacks {attr}")
    return module


class _NoBar:
    """The part of a tqdm bar run_suite uses, for --no-progress: the offline GPU machine may lack tqdm."""

    def __init__(self, items):
        self._items = items

    def __iter__(self):
        return iter(self._items)

    def set_postfix_str(self, *args, **kwargs) -> None:
        pass

    def write(self, text: str) -> None:
        print(text, file=sys.stderr)

    def close(self) -> None:
        pass


def run_suite(module, device: str, *, quick: bool, threads: tuple[int, ...], progress: bool = True,
              position_desc: str = "") -> tuple[list, list[dict[str, Any]], dict[str, Any], float]:
    """Times every case of one suite on one device; returns (results, errors, config, elapsed_s)."""
    from .common import Context, Result, time_cpu, time_cuda, usable_cores

    q = 1 if quick else 0
    thread_list: tuple[int | None, ...] = threads if device == "cpu" else (None,)
    ctx = Context(device=device, quick=quick, threads=thread_list)
    load_start = _loadavg()
    cases = module.cases(ctx)
    jobs = [(t, c) for t in thread_list for c in cases if c.threads is None or t in c.threads]
    config = {
        "quick": quick,
        "threads": list(thread_list),
        "sizes": sorted({c.n for c in cases}),
        "timer": ("torch.utils.benchmark.Timer.blocked_autorange, median" if device == "cpu"
                  else "torch.cuda.Event pairs after warm-up, median of repeats"),
    }
    min_run_time = CPU_MIN_RUN_TIME[q]
    if not quick and getattr(module, "CPU_MIN_RUN_TIME", None):  # a suite of many cases may time each for less
        min_run_time = float(module.CPU_MIN_RUN_TIME)
    if device == "cpu":
        config.update(min_run_time=min_run_time, min_repeats=CPU_MIN_REPEATS[q])
    else:
        config.update(warmup=CUDA_WARMUP[q], repeats=CUDA_REPEATS[q])
    if ctx.notes:
        config["notes"] = list(ctx.notes)
    if getattr(module, "REPORT", None):
        config["report"] = module.REPORT

    results: list[Result] = []
    errors: list[dict[str, Any]] = []
    saved_threads = torch.get_num_threads()
    start = time.perf_counter()
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(jobs, desc=f"{position_desc}{module.NAME} [{device}]", unit="case", dynamic_ncols=True,
                   file=sys.stderr)
    else:
        bar = _NoBar(jobs)
    try:
        for threads_now, case in bar:
            bar.set_postfix_str(f"{case.case} | {case.impl} | n={case.n:.0e}"
                                + (f" | {threads_now}t" if threads_now else ""), refresh=False)
            if threads_now is not None:
                torch.set_num_threads(threads_now)
            fn = None
            try:
                fn = case.setup()
                if device == "cuda":
                    timing = time_cuda(fn, CUDA_WARMUP[q], CUDA_REPEATS[q])
                else:
                    t_first = time.perf_counter()
                    fn()  # first-touch / lazy-init outside the measurement
                    t_first = time.perf_counter() - t_first
                    timing = time_cpu(fn, min_run_time, threads=threads_now,
                                      min_repeats=CPU_MIN_REPEATS[q], first_call_seconds=t_first)
            except Exception as e:  # one failing case (say, out of memory) must not sink the run
                errors.append({"case": case.case, "impl": case.impl, "n": case.n, "threads": threads_now,
                               "error": f"{type(e).__name__}: {e}"})
                bar.write(f"  {module.NAME}: {case.case} / {case.impl} / n={case.n} failed: {type(e).__name__}: {e}")
                continue
            finally:
                del fn
                if case.n >= 10**7:
                    gc.collect()
                    if device == "cuda":
                        torch.cuda.empty_cache()
            elements = case.elements or case.n
            results.append(Result(
                suite=module.NAME, case=case.case, impl=case.impl, device=device, threads=threads_now,
                n=case.n, seconds=timing.median, ns_per_element=timing.median * 1e9 / max(elements, 1),
                baseline=case.baseline, iqr_seconds=timing.iqr, repeats=timing.repeats, params=dict(case.params),
            ))
    finally:
        bar.close()
        torch.set_num_threads(saved_threads)
    config["loadavg"] = {"start": load_start, "end": _loadavg(), "usable_cores": usable_cores()}
    return results, errors, config, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few sizes, short timings")
    parser.add_argument("--device", choices=("cpu", "cuda", "all"), default="all",
                        help="cpu, cuda (skipped cleanly without a GPU) or all (default)")
    parser.add_argument("--suites", default=",".join(SUITES),
                        help=f"comma-separated suites (default: all of {', '.join(SUITES)})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results folder (default benchmarks/results)")
    parser.add_argument("--threads", default="1,all",
                        help="CPU thread counts, comma-separated; 'all' = every usable core (default 1,all)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--no-plots", action="store_true", help="skip the PNG plots")
    parser.add_argument("--list", action="store_true", help="list the suites and exit")
    args = parser.parse_args(argv)

    if args.list:
        for name, mod in SUITES.items():
            print(f"{name}\t{mod}")
        return 0

    names = [s.strip() for s in args.suites.split(",") if s.strip()]
    unknown = [s for s in names if s not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; known: {', '.join(SUITES)}")

    import torchrng  # noqa: F401  (fail early, with its own message, if the extension is not built)

    from .common import machine_info, plot_scaling, usable_cores, write_device_readme, write_json, \
        write_markdown_table

    threads = _parse_threads(args.threads, usable_cores())
    devices = ["cpu", "cuda"] if args.device == "all" else [args.device]
    modules = [_load_suite(n) for n in names]
    t0 = time.perf_counter()
    ran_any = False
    had_errors = False
    for device in devices:
        if device == "cuda":
            reason = _cuda_skip_reason()
            if reason:
                print(f"benchmarks: skipping cuda: {reason}", file=sys.stderr)
                continue
        ran_any = True
        device_dir = args.out / device
        machine = machine_info(device)
        for module in modules:
            results, errors, config, elapsed = run_suite(module, device, quick=args.quick, threads=threads,
                                                         progress=not args.no_progress)
            had_errors |= bool(errors)
            title = getattr(module, "TITLE", module.NAME)
            description = getattr(module, "DESCRIPTION", None)
            config["errors"] = errors
            payload = write_json(results, device_dir / f"{module.NAME}.json", suite=module.NAME, title=title,
                                 description=description, device=device, machine=machine, config=config,
                                 elapsed_s=round(elapsed, 2))
            write_markdown_table(payload, device_dir / f"{module.NAME}.md")
            if not args.no_plots:
                plot_scaling(results, device_dir / f"{module.NAME}_scaling.png", title=f"{title} ({device})")
            print(f"benchmarks: {module.NAME} [{device}] {len(results)} measurements in {elapsed:.1f} s "
                  f"-> {device_dir}", file=sys.stderr)
        write_device_readme(device_dir, device)
    if not ran_any:
        print("benchmarks: nothing to run on this machine", file=sys.stderr)
    print(f"benchmarks: done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 1 if had_errors else 0


if __name__ == "__main__":
    sys.exit(main())

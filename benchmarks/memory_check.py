"""Process memory across many calls: a million sampler calls and a million drop-in calls leave the
resident set flat.

    python -m benchmarks.memory_check [--calls 1000000] [--out benchmarks/results/cpu/memory.json]
    python -m benchmarks.memory_check --calls 50000 --no-write      # a quick look

Three phases, each `--calls` calls after a warm-up (allocator pools, caches and lazy imports
settle during the warm-up; what grows after it is a leak):

* samplers:  torchrng.sample.<name>(torchrng.Generator, n=8, ...) rotating over 12 samplers (every
             family: geometry, photometric, erasing, mixing, auto-augment, containers);
* drop_ins:  torchrng.transforms drop-ins on a 3x32x32 uint8 image, rotating over 10 classes, with
             the generator passed to forward;
* raw:       torchrng.uniform / normal / randint / bernoulli / gamma / randperm of 64 elements.

The resident set (VmRSS from /proc/self/status) is read every calls/50 calls (gc.collect() runs
before the first and the last reading only).
Reported per phase: RSS at the start and end of the measured calls, the growth, the largest RSS,
and the least-squares slope of RSS against the call count over the second half (bytes per call),
which is what a leak would show up in. Results go to benchmarks/results/cpu/memory.json; the
figures are quoted in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "cpu" / "memory.json"


def rss_bytes() -> int:
    """Resident set size of this process, from /proc/self/status (Linux), else ru_maxrss."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _sampler_calls():
    import torchrng
    from torchrng import sample as S

    g = torchrng.Generator(1)
    boxes = [torch.tensor([[2.0, 2.0, 20.0, 20.0]], dtype=torch.float64)] * 8
    return [
        lambda: S.resized_crop(g, n=8, image_size=(224, 224)),
        lambda: S.affine(g, n=8, image_size=(224, 224), degrees=30, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=5),
        lambda: S.perspective(g, n=8, image_size=(224, 224)),
        lambda: S.crop(g, n=8, image_size=(64, 64), size=32, padding=4),
        lambda: S.color_jitter(g, n=8, brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1),
        lambda: S.photometric_distort(g, n=8),
        lambda: S.erasing(g, n=8, image_size=(32, 32)),
        lambda: S.mixup(g, n=8),
        lambda: S.rand_augment(g, n=8, image_size=(32, 32)),
        lambda: S.augmix(g, n=8, image_size=(32, 32)),
        lambda: S.random_choice(g, n=8, num_transforms=3),
        lambda: S.iou_crop(g, n=8, image_size=(32, 32), boxes=boxes),
    ]


def _drop_in_calls():
    import torchrng
    import torchrng.transforms as T

    g = torchrng.Generator(2)
    image = torch.randint(0, 256, (3, 32, 32), dtype=torch.uint8, generator=torch.Generator().manual_seed(0))
    transforms = [
        T.RandomResizedCrop(24, antialias=True), T.RandomHorizontalFlip(), T.RandomCrop(28, padding=2),
        T.ColorJitter(0.4, 0.4, 0.4, 0.1), T.RandomRotation(15), T.RandomErasing(p=1.0),
        T.RandomAffine(10, translate=(0.1, 0.1)), T.RandomGrayscale(p=0.5),
        T.Compose([T.RandomHorizontalFlip(), T.RandomApply([T.RandomInvert()], p=0.5)]),
        T.TrivialAugmentWide(),
    ]
    return [(lambda t=t: t(image, generator=g)) for t in transforms]


def _raw_calls():
    import torchrng

    g = torchrng.Generator(3)
    return [
        lambda: torchrng.uniform(64, generator=g),
        lambda: torchrng.normal(64, generator=g),
        lambda: torchrng.randint(0, 100, 64, generator=g),
        lambda: torchrng.bernoulli(0.3, 64, generator=g),
        lambda: torchrng.gamma(2.0, 64, generator=g),
        lambda: torchrng.randperm(64, generator=g),
    ]


PHASES = {"samplers": _sampler_calls, "drop_ins": _drop_in_calls, "raw": _raw_calls}


def _slope(points):
    """Least-squares slope of RSS (bytes) against the call count."""
    n = len(points)
    if n < 2:
        return 0.0
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def measure(phase: str, calls: int, warmup: int | None = None, samples: int = 50) -> dict:
    fns = PHASES[phase]()
    k = len(fns)
    warmup = min(calls, 20_000) if warmup is None else warmup
    for i in range(warmup):
        fns[i % k]()
    gc.collect()
    start = rss_bytes()
    every = max(calls // samples, 1)
    points = [(0, start)]
    t0 = time.perf_counter()
    for i in range(1, calls + 1):
        fns[i % k]()
        if i % every == 0:
            points.append((i, rss_bytes()))  # no gc.collect() here: it costs more than the calls
    seconds = time.perf_counter() - t0
    gc.collect()
    end = rss_bytes()
    second_half = [p for p in points if p[0] >= calls // 2]
    mb = 1 / 2**20
    return {
        "phase": phase,
        "calls": calls,
        "warmup_calls": warmup,
        "functions": k,
        "seconds": round(seconds, 2),
        "us_per_call": round(seconds / calls * 1e6, 2),
        "rss_start_mb": round(start * mb, 2),
        "rss_end_mb": round(end * mb, 2),
        "rss_growth_mb": round((end - start) * mb, 3),
        "rss_max_mb": round(max(y for _, y in points) * mb, 2),
        "slope_bytes_per_call_second_half": round(_slope(second_half), 4),
        "rss_trace_mb": [[x, round(y * mb, 2)] for x, y in points],
    }


def run(calls: int, phases=tuple(PHASES), threads: int | None = None) -> dict:
    if threads:
        torch.set_num_threads(threads)
    import torchrng

    results = [measure(p, calls) for p in phases]
    info = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "python": sys.version.split()[0],
        "torch": torch.__version__,
        "torchrng": torchrng.__version__,
        "torchrng_has_cuda": torchrng.has_cuda(),
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
    }
    return {"suite": "memory", "device": "cpu", "machine": info, "calls_per_phase": calls, "phases": results}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1_000_000, help="measured calls per phase")
    parser.add_argument("--phases", default=",".join(PHASES), help="comma-separated: " + ", ".join(PHASES))
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    payload = run(args.calls, tuple(p for p in args.phases.split(",") if p), args.threads)
    for r in payload["phases"]:
        print(f"{r['phase']:>9}: {r['calls']:>9,} calls in {r['seconds']:8.1f} s ({r['us_per_call']:6.1f} us/call)  "
              f"RSS {r['rss_start_mb']:8.1f} -> {r['rss_end_mb']:8.1f} MiB (growth {r['rss_growth_mb']:+.2f} MiB, "
              f"max {r['rss_max_mb']:.1f}), slope {r['slope_bytes_per_call_second_half']:+.4f} B/call")
    if not args.no_write:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(payload, indent=1) + "\n")
        print(f"wrote {out}")
    return payload


if __name__ == "__main__":
    main()

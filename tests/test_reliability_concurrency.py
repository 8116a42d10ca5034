"""Concurrency: Python threads sharing one torchrng.Generator, a torch.Generator, or a SeededDataset.

* torchrng.Generator: threads mixing raw fills, batched samplers and drop-in transforms never
  receive overlapping sample indices, the union of what they received is exactly the indices a
  single thread would have used, every value equals the single-threaded reference at its index,
  and the generator ends at the same state.
* torch.Generator (CPU; CUDA where present): each call consumes it under its own mutex, as
  PyTorch's ops do; the set of keys the threads' calls drew equals the serial reference set.
* SeededDataset: __getitem__ from many threads at once gives what a serial loop gives (the ambient
  key is a context variable, per thread).

The interpreter's switch interval is lowered to a microsecond so that threads interleave between
almost every bytecode; torch ops also release the GIL inside their kernels.
"""

from __future__ import annotations

import contextlib
import random
import sys
import threading

import pytest
import torch

import torchrng
import torchrng.transforms as T
from torchrng import sample as S
from torchrng.data import SeededDataset

from test_fuzz_support import count_case, hang_guard  # noqa: F401

pytestmark = pytest.mark.usefixtures("hang_guard")

K = torchrng.key(99)
THREADS = 8


@contextlib.contextmanager
def fast_switching():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


def run_threads(target, n=THREADS):
    barrier = threading.Barrier(n)
    errors = []

    def body(t):
        try:
            barrier.wait()
            target(t)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=body, args=(t,)) for t in range(n)]
    with fast_switching():
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=300)
    assert not any(th.is_alive() for th in threads), "a thread hung"
    if errors:
        raise errors[0]


AFFINE = dict(degrees=30, translate=(0.1, 0.1), scale=(0.8, 1.2), shear=(-5, 5, -5, 5))
SIZE = (48, 64)


def _affine_row(out, i):
    return (float(out["angle"][i]), *(int(x) for x in out["translate"][i]), float(out["scale"][i]),
            *(float(x) for x in out["shear"][i]))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shared_torchrng_generator(seed):
    """Eight threads, 60 calls each: uniform float64 fills, affine batches and drop-in RandomAffine
    calls on one generator. Every call's sample indices are a run of consecutive indices; the runs
    are disjoint, cover [start, start + total) exactly, and hold the reference values."""
    start = [0, 2**64 - 1000, 2**32 - 500][seed]
    g = torchrng.Generator(K, index=start)
    calls: list[tuple[str, object]] = []
    lock = threading.Lock()
    image = torch.zeros(3, *SIZE, dtype=torch.uint8)
    drop_in = T.RandomAffine(**AFFINE)

    def worker(t):
        rnd = random.Random(seed * 100 + t)
        mine = []
        for _ in range(60):
            kind = rnd.choice(["fill", "batch", "drop_in"])
            if kind == "fill":
                mine.append(("fill", torchrng.uniform(rnd.randint(0, 40), generator=g, dtype=torch.float64)))
            elif kind == "batch":
                mine.append(("batch", S.affine(g, n=rnd.randint(0, 40), image_size=SIZE, **AFFINE)))
            else:
                p = drop_in.sample_params(image, generator=g)
                mine.append(("drop_in", (p["angle"], *p["translate"], p["scale"], *p["shear"])))
        with lock:
            calls.extend(mine)

    run_threads(worker)
    # Sample indices of each call: a float64 fill of m values takes ceil(m / 2) (two per block).
    sizes = [-(-v.numel() // 2) if k == "fill" else (v["angle"].numel() if k == "batch" else 1) for k, v in calls]
    total = sum(sizes)
    assert g.index == (start + total) % 2**64
    # Single-threaded references over the whole range, keyed by value to find where each call sits.
    ref_fill = torchrng.uniform(2 * total, generator=torchrng.Generator(K, index=start), dtype=torch.float64)
    ref_rows = S.affine(torchrng.Generator(K, index=start), n=total, image_size=SIZE, **AFFINE)
    fill_at = {float(x): i for i, x in enumerate(ref_fill)}
    row_at = {_affine_row(ref_rows, i): i for i in range(total)}
    assert len(fill_at) == 2 * total and len(row_at) == total  # the values identify their index
    used = []
    for (kind, value), n in zip(calls, sizes):
        if n == 0:
            continue
        if kind == "fill":
            element = fill_at[float(value[0])]
            assert element % 2 == 0, "a fill started inside a block"
            assert torch.equal(value, ref_fill[element:element + value.numel()])
            first = element // 2
        elif kind == "batch":
            first = row_at[_affine_row(value, 0)]
            for key in value:
                assert torch.equal(value[key], ref_rows[key][first:first + n]), key
        else:
            first = row_at[value]
        used.append((first, n))
    covered = sorted(i for first, n in used for i in range(first, first + n))
    assert covered == list(range(total)), "overlapping or missing sample indices"
    count_case("test_shared_torchrng_generator")


def test_generator_take_and_state_under_threads():
    """take() from many threads at once hands out disjoint blocks; get_state / set_state /
    manual_seed in between always see a consistent (key, index) pair."""
    g = torchrng.Generator(7)
    blocks = []
    lock = threading.Lock()
    stop = threading.Event()
    states = []

    def taker(t):
        mine = [g.reserve(t + 1) for _ in range(2000)]
        with lock:
            blocks.extend((key, first, t + 1) for key, first in mine)

    def watcher(_):
        while not stop.is_set():
            s = g.get_state()
            states.append(s)
            torchrng.Generator().set_state(s)  # always a valid state

    w = threading.Thread(target=watcher, args=(0,))
    w.start()
    try:
        run_threads(taker)
    finally:
        stop.set()
        w.join()
    total = sum(n for _, _, n in blocks)
    assert g.index == total
    covered = sorted(i for _, first, n in blocks for i in range(first, first + n))
    assert covered == list(range(total))
    assert all(key == torchrng.key(7) for key, _, _ in blocks)


@pytest.mark.parametrize("repeat", range(3))
def test_calls_pair_key_and_index_under_reseeding(repeat):
    """A thread switching the generator between two states (key A at index 0, key B at index
    10**12) while others sample through torchrng.uniform: every call's values are those of one
    state's key at that state's indices, never key A at B's indices or the reverse (the key and the
    index are reserved together, under the generator's lock)."""
    a, b = torchrng.key(1), torchrng.key(2)
    base_b = 10**12
    g = torchrng.Generator(a)
    per_call, calls, switches = 2, 1500, 300
    span = THREADS * calls * per_call
    ref = {}
    for key, base in ((a, 0), (b, base_b)):
        values = torchrng.uniform(span, generator=torchrng.Generator(key, index=base), dtype=torch.float64)
        ref.update({float(v): (key, 2 * base + i) for i, v in enumerate(values)})  # (key, element)
    got = []
    lock = threading.Lock()

    def sampler(t):
        mine = [torchrng.uniform(per_call, generator=g, dtype=torch.float64) for _ in range(calls)]
        with lock:
            got.extend(mine)

    done = threading.Event()

    def switcher(_):
        i = 0
        while not done.is_set() or i < switches:
            g.set_state({"key": (b if i % 2 else a).words, "index": base_b if i % 2 else 0})
            i += 1

    samplers = [threading.Thread(target=sampler, args=(t,)) for t in range(THREADS)]
    switching = threading.Thread(target=switcher, args=(0,))
    with fast_switching():
        switching.start()
        for th in samplers:
            th.start()
        for th in samplers:
            th.join(timeout=300)
        done.set()
        switching.join(timeout=300)
    for values in got:
        key, index = ref[float(values[0])]  # KeyError: a key used with the other state's indices
        assert float(values[1]) in ref and ref[float(values[1])] == (key, index + 1)


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda)])
def test_shared_torch_generator(device):
    """Threads sampling with one torch.Generator: every call consumes it atomically (PyTorch's
    generator mutex), so the keys the calls drew are exactly those of the same number of serial
    calls, each used once."""
    calls_per_thread = 40
    n = 24

    def make():
        return torch.Generator(device=device).manual_seed(1234)

    shared = make()
    results = []
    lock = threading.Lock()

    def worker(t):
        mine = []
        for j in range(calls_per_thread):
            if (t + j) % 2:
                mine.append(("fill", torchrng.uniform(n, generator=shared, device=device, dtype=torch.float64)))
            else:
                mine.append(("batch", S.rotation(shared, n=n, degrees=180, device=device)["angle"]))
        with lock:
            results.extend(mine)

    run_threads(worker)
    total = THREADS * calls_per_thread
    serial = make()
    ref_fill, ref_batch = {}, {}
    for c in range(total):
        state = serial.get_state()
        fill = torchrng.uniform(n, generator=serial, device=device, dtype=torch.float64)
        after = serial.get_state()
        serial.set_state(state)
        batch = S.rotation(serial, n=n, degrees=180, device=device)["angle"]
        assert torch.equal(serial.get_state(), after)  # both kinds of call consume the same
        ref_fill[float(fill[0])] = (c, fill)
        ref_batch[float(batch[0])] = (c, batch)
    seen = []
    for kind, value in results:
        table = ref_fill if kind == "fill" else ref_batch
        c, expected = table[float(value[0])]
        assert torch.equal(value, expected)
        seen.append(c)
    assert sorted(seen) == list(range(total)), "a draw was used twice or skipped"
    assert torch.equal(shared.get_state(), serial.get_state())


class _Images(torch.utils.data.Dataset):
    def __init__(self):
        self.t = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3, 0.1),
                            T.RandomErasing(value="random")])

    def __len__(self):
        return 64

    def __getitem__(self, i):
        x = torch.arange(3 * 16 * 16, dtype=torch.float32).view(3, 16, 16) / 768 * ((i % 5) + 1) % 1
        return self.t(x)


def test_seeded_dataset_from_threads():
    ds = SeededDataset(_Images(), seed=5, epoch=2)
    serial = [ds[i] for i in range(len(ds))]
    got = {}
    lock = threading.Lock()

    def worker(t):
        order = list(range(len(ds)))
        random.Random(t).shuffle(order)
        for i in order:
            x = ds[i]
            with lock:
                got.setdefault(i, []).append(x)

    run_threads(worker)
    for i, xs in got.items():
        assert len(xs) == THREADS
        assert all(torch.equal(x, serial[i]) for x in xs)


def test_drop_in_with_constructor_generator_from_threads():
    """One drop-in built with a torchrng.Generator, called from many threads: each call takes one
    sample index; the calls' parameters are exactly those of indices 0 .. total-1."""
    g = torchrng.Generator(K)
    t = T.RandomResizedCrop(16, generator=g)
    image = torch.zeros(3, 100, 80, dtype=torch.uint8)
    got = []
    lock = threading.Lock()

    def worker(_):
        mine = [tuple(t.sample_params(image).values()) for _ in range(200)]
        with lock:
            got.extend(mine)

    run_threads(worker)
    total = THREADS * 200
    ref = S.resized_crop(K, n=total, image_size=(100, 80))
    ref_rows = sorted(tuple(int(ref[k][i]) for k in ("top", "left", "height", "width")) for i in range(total))
    assert sorted(got) == ref_rows
    assert g.index == total

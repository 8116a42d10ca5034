"""Faults: a DataLoader worker that dies, and a run resumed from a checkpoint, produce exactly the
augmentations of an uninterrupted run.

* A worker process killed in the middle of an epoch (os._exit on a given sample, the first time it
  is loaded): the loader raises, the training loop rebuilds it and resumes at the first batch it
  did not receive. Every sample's augmentation equals the uninterrupted run's, whatever the
  number of workers before and after the crash.
* A run checkpointed mid-epoch (the torchrng.Generator's get_state, the SeededDataset's epoch and
  the sampler position, saved with torch.save) and resumed in fresh objects, after the global RNG
  has been disturbed: the rest of the epoch and the next epochs equal the uninterrupted run's.
"""

from __future__ import annotations

import os

import pytest
import torch
from torch.utils.data import DataLoader

import torchrng
import torchrng.transforms as T
from torchrng import sample as S
from torchrng.data import SeededDataset

from test_fuzz_support import hang_guard  # noqa: F401

pytestmark = pytest.mark.usefixtures("hang_guard")

SEED = 31337
N = 40
BATCH = 4


class Images(torch.utils.data.Dataset):
    """Deterministic images whose own transform draws from SeededDataset's ambient key."""

    def __init__(self, n=N):
        self.n = n
        self.transform = T.Compose([
            T.RandomResizedCrop(10), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1),
            T.RandomApply([T.RandomRotation(15)], p=0.5), T.RandomErasing(p=0.5, value="random"),
        ])

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        x = (torch.arange(3 * 24 * 24, dtype=torch.float32).view(3, 24, 24) * (i + 3) % 97) / 97
        torch.rand(1)  # a stray global draw must not matter
        return self.transform(x), i


class CrashOnce(torch.utils.data.Dataset):
    """Kills the worker process the first time sample `crash_at` is loaded (a marker file records
    that it happened, across processes)."""

    def __init__(self, base, crash_at, marker):
        self.base, self.crash_at, self.marker = base, crash_at, marker

    def __len__(self):
        return len(self.base)

    def __getitem__(self, i):
        if i == self.crash_at and not os.path.exists(self.marker):
            with open(self.marker, "w") as f:
                f.write(str(os.getpid()))
            os._exit(17)  # no cleanup, no exception: the worker just dies
        return self.base[i]


# How a dead worker shows up in the main process: "DataLoader worker (pid ...) exited unexpectedly"
# (a RuntimeError), or, for a batch the dead worker had already queued, an EOFError / connection
# error while fetching its tensors' shared memory from the dead process.
WORKER_DEATH = (RuntimeError, EOFError, ConnectionError)


def epoch_batches(epoch):
    """The epoch's batches of indices: a shuffle that depends on (SEED, epoch) only."""
    order = torch.randperm(N, generator=torch.Generator().manual_seed(SEED + epoch)).tolist()
    return [order[k:k + BATCH] for k in range(0, N, BATCH)]


def loader(ds, batches, workers):
    return DataLoader(ds, batch_sampler=batches, num_workers=workers, persistent_workers=False,
                      multiprocessing_context="fork" if workers else None)


def reference_epoch(epoch, workers=0):
    ds = SeededDataset(Images(), SEED, epoch=epoch)
    out = {}
    for x, idx in loader(ds, epoch_batches(epoch), workers):
        out.update(zip(idx.tolist(), x))
    return out


@pytest.mark.parametrize("workers,after", [(2, 2), (2, 0), (1, 3)])
def test_worker_killed_and_restarted(tmp_path, workers, after):
    epoch = 3
    expected = reference_epoch(epoch)
    marker = str(tmp_path / "crashed")
    ds = SeededDataset(CrashOnce(Images(), crash_at=epoch_batches(epoch)[5][2], marker=marker), SEED, epoch=epoch)
    batches = epoch_batches(epoch)
    got, done, crashes = {}, 0, 0
    while done < len(batches):
        try:
            for x, idx in loader(ds, batches[done:], workers if not crashes else after):
                got.update(zip(idx.tolist(), x))
                done += 1
        except WORKER_DEATH as e:
            assert not isinstance(e, RuntimeError) or "worker" in str(e).lower() or "exited" in str(e).lower(), e
            crashes += 1
            assert crashes == 1
    assert crashes == 1 and os.path.exists(marker)
    assert sorted(got) == list(range(N))
    for i in range(N):
        assert torch.equal(got[i], expected[i]), f"sample {i} differs after the restart"


def test_worker_killed_in_persistent_workers(tmp_path):
    """Persistent workers across epochs: the crash ends the loader's workers; a new loader for the
    rest of the epoch, then the next epoch, gives the uninterrupted augmentations."""
    marker = str(tmp_path / "crashed")
    epochs = (0, 1)
    expected = {e: reference_epoch(e) for e in epochs}
    base = CrashOnce(Images(), crash_at=epoch_batches(0)[7][0], marker=marker)
    ds = SeededDataset(base, SEED)
    got = {e: {} for e in epochs}
    for e in epochs:
        ds.set_epoch(e)
        batches, done = epoch_batches(e), 0
        while done < len(batches):
            dl = DataLoader(ds, batch_sampler=batches[done:], num_workers=2, persistent_workers=True,
                            multiprocessing_context="fork")
            try:
                for x, idx in dl:
                    got[e].update(zip(idx.tolist(), x))
                    done += 1
            except WORKER_DEATH:
                pass
            finally:
                del dl
    assert os.path.exists(marker)
    for e in epochs:
        assert all(torch.equal(got[e][i], expected[e][i]) for i in range(N))


# --- checkpoint and resume ------------------------------------------------------------------------------


def training_run(epochs, *, stop_at=None, resume_from=None, workers=0):
    """A small training loop: per-sample augmentation in the dataset (SeededDataset), then a batch
    augmentation in the main process drawn from a torchrng.Generator (per-sample MixUp lambdas and a
    random flip gate). Returns {(epoch, batch): (images, lambdas)} and, with stop_at=(epoch, batch),
    the checkpoint taken right before that batch."""
    if resume_from is None:
        gen = torchrng.Generator(SEED)
        ds = SeededDataset(Images(), SEED)
        start_epoch, start_batch = 0, 0
    else:
        state = torch.load(resume_from, weights_only=False)
        gen = torchrng.Generator().set_state(state["generator"])
        ds = SeededDataset(Images(), SEED)
        ds.set_epoch(state["epoch"])
        start_epoch, start_batch = state["epoch"], state["batch"]
        torch.manual_seed(987654)  # whatever the restarted process' global RNG holds
    out = {}
    for e in range(start_epoch, epochs):
        ds.set_epoch(e)
        batches = epoch_batches(e)
        first = start_batch if e == start_epoch else 0
        for b, (x, idx) in enumerate(loader(ds, batches[first:], workers), start=first):
            if stop_at == (e, b):
                return out, {"generator": gen.get_state(), "epoch": ds.epoch, "batch": b}
            lam = S.mixup(gen, n=len(idx), alpha=0.4, per_sample=True)["lam"]
            flip = S.horizontal_flip(gen, n=len(idx), p=0.5)["apply"]
            x = torch.where(flip.view(-1, 1, 1, 1), x.flip(-1), x)
            mixed = lam.view(-1, 1, 1, 1).float() * x + (1 - lam.view(-1, 1, 1, 1).float()) * x.roll(1, 0)
            out[(e, b)] = (mixed, idx)
    return out, None


@pytest.mark.parametrize("stop_at,workers", [((0, 4), 0), ((1, 0), 2), ((1, 7), 0), ((2, 9), 2)])
def test_resume_from_checkpoint(tmp_path, stop_at, workers):
    epochs = 3
    full, _ = training_run(epochs, workers=workers)
    before, state = training_run(epochs, stop_at=stop_at, workers=workers)
    path = tmp_path / "checkpoint.pt"
    torch.save(state, path)
    after, _ = training_run(epochs, resume_from=path, workers=workers)
    assert set(before) | set(after) == set(full) and not set(before) & set(after)
    for k, (x, idx) in {**before, **after}.items():
        assert torch.equal(idx, full[k][1]) and torch.equal(x, full[k][0]), f"batch {k} differs"


def test_checkpoint_is_plain_data(tmp_path):
    """The generator state is plain ints (loads with weights_only=True), and a Generator pickles."""
    g = torchrng.Generator(SEED, index=2**64 - 3)
    g.take(10)
    state = g.get_state()
    torch.save(state, tmp_path / "g.pt")
    loaded = torch.load(tmp_path / "g.pt", weights_only=True)
    assert torchrng.Generator().set_state(loaded).get_state() == state
    restored = torchrng.Generator().set_state(loaded)
    assert torch.equal(torchrng.uniform(9, generator=restored), torchrng.uniform(9, generator=g))

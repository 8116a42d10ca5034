"""DataLoader and distributed guarantees of torchrng.data.SeededDataset."""

import copy
import os
import pickle
import socket

import pytest
import torch
import torch.multiprocessing as mp
from torch.utils.data import DataLoader
from torch.utils.data.distributed import DistributedSampler

import torchrng
from torchrng.data import SeededDataset, sample_key

from data_helpers import TinyImages, collect

SEED = 1234


def reference(epoch: int) -> dict:
    ds = SeededDataset(TinyImages(), SEED)
    ds.set_epoch(epoch)
    return {i: ds[i][0] for i in range(len(ds))}


def assert_same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for i in a:
        assert torch.equal(a[i], b[i]), i


@pytest.mark.parametrize("workers", [0, 1, 2, 4])
def test_independent_of_worker_count_batch_size_and_shuffle(workers):
    ds = SeededDataset(TinyImages(), SEED)
    loader = DataLoader(ds, batch_size=5, num_workers=workers, shuffle=True,
                        generator=torch.Generator().manual_seed(workers))
    assert_same(collect(loader), reference(0))


def test_spawn_and_persistent_workers_across_epochs():
    ds = SeededDataset(TinyImages(), SEED)
    loader = DataLoader(ds, batch_size=7, num_workers=2, persistent_workers=True,
                        multiprocessing_context="spawn", shuffle=True)
    for epoch in (0, 1, 2):
        ds.set_epoch(epoch)
        assert_same(collect(loader), reference(epoch))
    assert not torch.equal(reference(0)[3], reference(1)[3])


def test_fork_start_method_and_epoch_sampler():
    ds = SeededDataset(TinyImages(), SEED)
    ds.set_epoch(5)
    sampler = ds.epoch_sampler(torch.utils.data.RandomSampler(ds))
    loader = DataLoader(ds, batch_size=4, num_workers=2, multiprocessing_context="fork", sampler=sampler)
    assert_same(collect(loader), reference(5))


def test_global_rng_use_elsewhere_does_not_matter():
    ds = SeededDataset(TinyImages(), SEED)
    torch.manual_seed(0)
    first = {i: ds[i][0] for i in range(5)}
    torch.manual_seed(999)
    torch.nn.functional.dropout(torch.ones(100), 0.5)
    torch.rand(17)
    assert_same(first, {i: ds[i][0] for i in range(5)})


def test_key_layout_and_negative_indices():
    ds = SeededDataset(TinyImages(), SEED, epoch=3)
    assert ds.key_for(4) == torchrng.key(SEED).fold_in(3).fold_in(4) == sample_key(SEED, 3, 4)
    keys = SeededDataset(Keys(), SEED)
    assert keys[-1] == keys[9] == keys.key_for(9)
    trace = ds.trace(4)
    assert trace and all(isinstance(p, dict) for _, p in trace)


def test_bad_arguments():
    with pytest.raises(TypeError, match="map-style"):
        SeededDataset(object(), 0)
    with pytest.raises(ValueError, match="epoch"):
        SeededDataset(TinyImages(), 0).set_epoch(-1)
    with pytest.raises((TypeError, ValueError), match="seed"):
        SeededDataset(TinyImages(), -5)
    with pytest.raises(TypeError, match="indices"):
        SeededDataset(TinyImages(), 0)["a"]


class Keys(torch.utils.data.Dataset):
    """Returns the ambient key its __getitem__ sees."""

    def __len__(self):
        return 10

    def __getitem__(self, i):
        from torchrng._calls import current_ambient

        return current_ambient()


@pytest.mark.parametrize("how", ["original", "deepcopy", "pickle"])
def test_set_epoch_reaches_persistent_fork_workers_of_copies(how):
    """A copied dataset (copy.deepcopy, a pickle round trip, torch.save/load) has its own epoch,
    which reaches its persistent workers like the original's (a copy once replayed epoch 0)."""
    ds = SeededDataset(TinyImages(), SEED)
    ds = {"original": ds, "deepcopy": copy.deepcopy(ds), "pickle": pickle.loads(pickle.dumps(ds))}[how]
    loader = DataLoader(ds, batch_size=7, num_workers=2, persistent_workers=True, multiprocessing_context="fork")
    for epoch in (0, 1):
        ds.set_epoch(epoch)
        assert_same(collect(loader), reference(epoch))


def test_a_copy_has_its_own_epoch():
    ds = SeededDataset(Keys(), SEED, epoch=2)
    twin = copy.deepcopy(ds)
    twin.set_epoch(5)
    assert (ds.epoch, twin.epoch) == (2, 5)
    assert ds[1] == sample_key(SEED, 2, 1) and twin[1] == sample_key(SEED, 5, 1)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts /proc/self/fd")
def test_datasets_hold_no_file_descriptor_until_a_fork():
    """The shared-memory epoch costs a file descriptor; it is made only before a fork (one dataset
    per shard of a ConcatDataset once ran out of descriptors)."""
    before = len(os.listdir("/proc/self/fd"))
    datasets = [SeededDataset([0, 1, 2], seed) for seed in range(300)]
    assert len(os.listdir("/proc/self/fd")) - before < 10
    assert len(datasets) == 300


def test_dataset_without_len_and_integer_like_indices():
    class NoLen(torch.utils.data.Dataset):  # map-style without __len__: fine with an explicit sampler
        def __getitem__(self, i):
            from torchrng._calls import current_ambient

            return current_ambient()

    ds = SeededDataset(NoLen(), SEED)
    assert ds[3] == sample_key(SEED, 0, 3)
    assert list(DataLoader(ds, sampler=[4, 1], batch_size=None)) == [sample_key(SEED, 0, 4), sample_key(SEED, 0, 1)]
    with pytest.raises(TypeError):
        ds[-1]  # a negative index needs the length
    keys = SeededDataset(Keys(), SEED)
    np = pytest.importorskip("numpy")
    for index in (torch.tensor(3), np.int64(3), torch.tensor(3, dtype=torch.int32)):
        assert keys[index] == keys[3] == keys[(torch.tensor(0), index)]
    subset = torch.utils.data.Subset(keys, torch.tensor([7, 2]))
    assert [subset[0], subset[1]] == [keys[7], keys[2]]


def test_epochs_span_2_64_and_negative_indices_key_like_indexing():
    ds = SeededDataset(Keys(), SEED)
    for epoch in (2**63, 2**64 - 1):
        ds.set_epoch(epoch)
        assert ds.epoch == epoch
        assert ds[0] == ds[(epoch, 0)] == sample_key(SEED, epoch, 0)
    assert ds.key_for(-1) == ds[-1] == ds.key_for(9)
    with pytest.raises(IndexError, match="-11 is out of range for a dataset of 10"):
        ds[-11]


@pytest.mark.parametrize("call, error, match", [
    (lambda ds: ds[(1.7, 0)], TypeError, "epoch"),
    (lambda ds: ds[("2", "3")], TypeError, "epoch"),
    (lambda ds: ds[(True, 0)], TypeError, "epoch"),
    (lambda ds: ds[(0, 2.9)], TypeError, "index"),
    (lambda ds: ds[(-1, 0)], ValueError, "epoch"),
    (lambda ds: ds[(2**64, 0)], ValueError, "epoch"),
    (lambda ds: ds[(0, 2**64)], ValueError, "index"),
    (lambda ds: ds[2.0], TypeError, "indices"),
    (lambda ds: ds[torch.tensor(True)], TypeError, "indices"),
    (lambda ds: ds[(0, 1, 2)], TypeError, "indices"),
    (lambda ds: ds.key_for(0, epoch=-1), ValueError, "epoch"),
    (lambda ds: ds.key_for(1.5), TypeError, "index"),
    (lambda ds: ds.trace(0, epoch=-1), ValueError, "epoch"),
    (lambda ds: ds.set_epoch("1"), TypeError, "epoch"),
    (lambda ds: ds.set_epoch(1.5), TypeError, "epoch"),
    (lambda ds: ds.set_epoch(2**64), ValueError, "epoch"),
    (lambda ds: sample_key(SEED, -1, 0), ValueError, "epoch"),
    (lambda ds: sample_key(SEED, 0, -1), ValueError, "index"),
    (lambda ds: SeededDataset(torch.utils.data.IterableDataset(), 0), TypeError, "IterableDataset"),
    (lambda ds: SeededDataset(TinyImages, 0), TypeError, "map-style"),
])
def test_epoch_and_index_errors_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call(SeededDataset(Keys(), SEED))


def test_epoch_sampler_set_epoch_sets_the_dataset_and_the_wrapped_sampler():
    ds = SeededDataset(Keys(), SEED)
    inner = DistributedSampler(ds, num_replicas=2, rank=1, shuffle=True, seed=7)
    sampler = ds.epoch_sampler(inner)
    orders = []
    for epoch in (0, 1, 2):
        sampler.set_epoch(epoch)
        assert ds.epoch == epoch and inner.epoch == epoch
        pairs = list(sampler)
        assert pairs == [(epoch, i) for i in inner]
        orders.append([i for _, i in pairs])
    assert orders[0] != orders[1] or orders[1] != orders[2]  # the shuffle follows the epoch


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _distributed_worker(rank: int, world: int, port: int, out_dir: str):
    import torch.distributed as dist

    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=world)
    try:
        ds = SeededDataset(TinyImages(), SEED)
        sampler = DistributedSampler(ds, num_replicas=world, rank=rank, shuffle=True, seed=7)
        loader = DataLoader(ds, batch_size=3, sampler=sampler, num_workers=1)
        for epoch in (0, 1):
            sampler.set_epoch(epoch)
            ds.set_epoch(epoch)
            torch.save(collect(loader), os.path.join(out_dir, f"rank{rank}_epoch{epoch}.pt"))
        dist.barrier()
    finally:
        dist.destroy_process_group()


@pytest.mark.parametrize("world", [1, 2])
def test_distributed_sampler_world_sizes(world, tmp_path):
    mp.start_processes(_distributed_worker, args=(world, _free_port(), str(tmp_path)), nprocs=world,
                       start_method="spawn")
    for epoch in (0, 1):
        merged = {}
        for rank in range(world):
            merged.update(torch.load(tmp_path / f"rank{rank}_epoch{epoch}.pt"))
        assert_same(merged, reference(epoch))

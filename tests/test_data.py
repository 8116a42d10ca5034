"""DataLoader and distributed guarantees of torchrng.data.SeededDataset."""

import os
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
    from torchrng._calls import current_ambient

    class Keys(torch.utils.data.Dataset):
        def __len__(self):
            return 10

        def __getitem__(self, i):
            return current_ambient()

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

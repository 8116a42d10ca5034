"""torchrng.Generator: a running sample counter over a key."""

import pickle
import threading

import pytest
import torch

import torchrng


def test_two_calls_equal_one_call():
    a = torchrng.Generator(5)
    first, second = torchrng.uniform(128, generator=a), torchrng.uniform(128, generator=a)
    whole = torchrng.uniform(256, generator=torchrng.Generator(5))
    assert torch.equal(torch.cat([first, second]), whole)
    assert a.index == 256


@pytest.mark.parametrize("sizes", [(3, 5), (1, 1, 1, 9), (7, 0, 6)])
def test_uneven_calls_equal_one_call(sizes):
    # Elements map to blocks by global element index, so even splits inside a block line up.
    g = torchrng.Generator(11)
    parts = [torchrng.normal(n, generator=g) for n in sizes]
    assert torch.equal(torch.cat(parts), torchrng.normal(sum(sizes), generator=torchrng.Generator(11)))


def test_generator_equals_key_with_offset():
    g = torchrng.Generator(torchrng.key(3))
    x = torchrng.randint(0, 1000, 10, generator=g)
    y = torchrng.randint(0, 1000, 20, generator=torchrng.key(3))
    assert torch.equal(x, y[:10])
    assert torch.equal(torchrng.randint(0, 1000, 10, generator=g), y[10:])


def test_state_roundtrip_and_pickle():
    g = torchrng.Generator(1)
    torchrng.uniform(10, generator=g)
    state = g.get_state()
    expected = torchrng.uniform(5, generator=g)
    g.set_state(state)
    assert torch.equal(torchrng.uniform(5, generator=g), expected)
    g.set_state(state)
    h = pickle.loads(pickle.dumps(g))
    assert h.index == 10 and h.key == g.key
    assert torch.equal(torchrng.uniform(5, generator=h), expected)


def test_manual_seed_restarts():
    g = torchrng.Generator(1)
    a = torchrng.uniform(4, generator=g)
    g.manual_seed(1)
    assert torch.equal(torchrng.uniform(4, generator=g), a)


def test_threads_never_share_indices():
    g = torchrng.Generator(0)
    taken, lock = [], threading.Lock()

    def worker():
        for _ in range(500):
            first = g.take(3)
            with lock:
                taken.append(first)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == list(range(0, 8 * 500 * 3, 3))
    assert g.index == 8 * 500 * 3


@pytest.mark.parametrize("bad", [{"key": (1,)}, {"index": 0}, None, {"key": (0, 0), "index": -1}])
def test_bad_state_raises(bad):
    with pytest.raises((ValueError, TypeError)):
        torchrng.Generator(0).set_state(bad)


@pytest.mark.parametrize("seed", [-5, 1.0, "x"])
def test_bad_seed_raises(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        torchrng.Generator(seed)


@pytest.mark.parametrize("call", [
    lambda g: torchrng.randint(-200, 0, 4, generator=g, dtype=torch.int8),
    lambda g: torchrng.uniform(5, 0.0, 70000.0, generator=g, dtype=torch.float16),
    lambda g: torchrng.randperm(129, (2,), generator=g, dtype=torch.int8),
])
def test_a_raw_op_the_kernel_rejects_leaves_the_generator(call):
    """The kernels check dtype bounds and ranges after the generator has reserved the call's
    indices; a rejected call gives them back (as torch.randint leaves a torch.Generator)."""
    g = torchrng.Generator(0, index=7)
    with pytest.raises(RuntimeError):
        call(g)
    assert g.index == 7


def test_set_state_of_a_tensor_names_the_expected_state():
    with pytest.raises(ValueError, match="set_state: expected"):
        torchrng.Generator(0).set_state(torch.Generator().get_state())


def test_key_hash_is_the_same_in_every_process():
    import subprocess
    import sys

    code = "import torchrng; print(hash(torchrng.key(5)))"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}
    assert len(runs) == 1 and int(runs.pop()) == hash(torchrng.key(5))

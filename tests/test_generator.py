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
    assert a.index == 64  # four float32 values per sample index


@pytest.mark.parametrize("sizes", [(3, 5), (1, 1, 1, 9), (7, 0, 6)])
def test_every_call_takes_whole_sample_indices(sizes):
    """A fill of n float32 values takes ceil(n / 4) sample indices; the next call starts at the
    next index (lanes left over in a block are never read by a later call)."""
    g = torchrng.Generator(11)
    whole = torchrng.normal(64, generator=torchrng.Generator(11))
    index = 0
    for n in sizes:
        assert torch.equal(torchrng.normal(n, generator=g), whole[4 * index:4 * index + n])
        index += -(-n // 4)
        assert g.index == index


def _block_words(key, index, blocks=1):
    """The words of blocks 0 .. blocks-1 of sample index `index` (docs/streams.md)."""
    counters = torch.tensor([[b, 0, index & 0xFFFFFFFF, index >> 32] for b in range(blocks)], dtype=torch.int64)
    keys = torch.tensor([key.words] * blocks, dtype=torch.int64)
    return torchrng.philox4x32_10(counters, keys).flatten().tolist()


def test_different_ops_on_one_generator_never_share_a_block():
    """Every op counts sample indices: a gamma (5 blocks of one index per value), then float32,
    float64 and randint fills and a randperm, each reads blocks of its own indices only. Checked
    against the Philox words of the indices each call should have taken."""
    k = torchrng.key(21)
    g = torchrng.Generator(k)
    gamma = torchrng.gamma(1.0, 3, generator=g)
    assert g.index == 3
    u32 = torchrng.uniform(5, generator=g)  # indices 3 and 4
    assert g.index == 5
    words = _block_words(k, 3) + _block_words(k, 4)
    assert u32.tolist() == [(w >> 8) * 2.0**-24 for w in words[:5]]
    u64 = torchrng.uniform(3, generator=g, dtype=torch.float64)  # indices 5 and 6
    assert g.index == 7
    words = _block_words(k, 5) + _block_words(k, 6)
    expected = [((words[2 * e + 1] << 32 | words[2 * e]) >> 11) * 2.0**-53 for e in range(3)]
    assert u64.tolist() == expected
    ints = torchrng.randint(0, 2**62, 2, generator=g)  # indices 7 and 8
    assert g.index == 9
    assert torch.equal(ints, torchrng.randint(0, 2**62, 2, generator=torchrng.Generator(k, index=7)))
    perm = torchrng.randperm(10, generator=g)  # index 9
    assert g.index == 10
    assert torch.equal(perm, torchrng.randperm(10, generator=torchrng.Generator(k, index=9)))
    # and the gamma read only indices 0..2
    assert torch.equal(gamma, torchrng.gamma(1.0, 3, generator=k))


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
    assert h.index == 3 and h.key == g.key  # ceil(10 / 4) sample indices
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

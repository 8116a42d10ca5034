"""Keys are values: pure derivations, pinned golden values, pickling, hashing."""

import multiprocessing as mp
import pickle

import pytest

import torchrng
from torchrng import Key


def test_golden_key_derivations():
    # Frozen: changing any of these changes every stream (bump STREAM_VERSION if intended).
    assert torchrng.STREAM_VERSION == 3
    assert torchrng.key(0).words == GOLDEN["key0"]
    assert torchrng.key(2**64 - 1).words == GOLDEN["key_max"]
    assert torchrng.key(42).fold_in(7).words == GOLDEN["fold_42_7"]
    assert torchrng.key(42).fold_in("crop").words == GOLDEN["fold_42_crop"]
    assert [k.words for k in torchrng.key(42).split(3)] == GOLDEN["split_42_3"]


GOLDEN = {
    "key0": (0x1457143E, 0x2CCAE7FA),
    "key_max": (2717012070, 1368625462),
    "fold_42_7": (1961390271, 3127145694),
    "fold_42_crop": (2789199276, 3141805234),
    "split_42_3": [(1768091292, 3951025372), (2682885727, 3530535525), (1061860893, 2907412133)],
}


def test_derivations_are_pure_and_distinct():
    k = torchrng.key(123)
    assert k == torchrng.key(123) and k.fold_in(5) == torchrng.key(123).fold_in(5)
    children = [k.fold_in(i) for i in range(1000)] + list(k.split(1000)) + [k]
    assert len(set(children)) == len(children)
    assert k.split(4)[:2] == k.split(2)  # a prefix of a larger split is the smaller split
    assert torchrng.key(1) != torchrng.key(2)


def test_key_is_immutable_hashable_and_readable():
    k = torchrng.key(9)
    with pytest.raises(AttributeError):
        k._k0 = 1
    assert {k: 1}[torchrng.key(9)] == 1
    assert repr(k).startswith("torchrng.Key(0x")
    assert int(k) == k.words[0] | (k.words[1] << 32)
    assert Key(*k.words) == k


def test_key_pickles():
    k = torchrng.key(77).fold_in(3)
    assert pickle.loads(pickle.dumps(k)) == k


def _child_derive(payload):
    k = pickle.loads(payload)
    return k.fold_in(11).words, [s.words for s in k.split(2)]


def test_key_behaves_the_same_in_a_spawned_process():
    k = torchrng.key(2024)
    with mp.get_context("spawn").Pool(1) as pool:
        got = pool.apply(_child_derive, (pickle.dumps(k),))
    assert got == (k.fold_in(11).words, [s.words for s in k.split(2)])


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, "1", None, True])
def test_bad_seeds_raise(seed):
    with pytest.raises((TypeError, ValueError), match="seed"):
        torchrng.key(seed)


@pytest.mark.parametrize("data", [-1, 2**64, 2.0, None])
def test_bad_fold_in_data_raises(data):
    with pytest.raises((TypeError, ValueError), match="fold_in"):
        torchrng.key(0).fold_in(data)


@pytest.mark.parametrize("words", [(-1, 0), (0, 2**32), (0.5, 0), ("a", 0)])
def test_bad_key_words_raise(words):
    with pytest.raises((TypeError, ValueError), match="Key word"):
        Key(*words)


def test_split_rejects_negative():
    with pytest.raises(ValueError, match="split"):
        torchrng.key(0).split(-1)

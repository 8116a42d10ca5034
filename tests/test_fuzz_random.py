"""Property-based fuzzing of keys, generators and the raw random functions (torchrng.random).

Every case either returns a valid result (right shape, dtype and device, values in range,
deterministic: the same call with an equal generator gives the same bits, and splitting a call in
two consecutive calls of one torchrng.Generator gives the same values) or raises a clear
ValueError / TypeError / RuntimeError naming the argument.
"""

from __future__ import annotations

import math
import pickle

import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

import torchrng
from torchrng._philox import philox4x32_reference

from test_fuzz_support import (EDGE_SEEDS, U64, count_case, fuzz, generator_specs, hang_guard, indices,  # noqa: F401
                               make_generator, outcome, same, seeds)

pytestmark = pytest.mark.usefixtures("hang_guard")

FLOATS = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
INTS = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)
ALL_DTYPES = FLOATS + INTS + (torch.bool, torch.complex64)
float_dtypes = st.one_of(st.sampled_from(FLOATS), st.sampled_from(FLOATS), st.sampled_from(ALL_DTYPES))
int_dtypes = st.one_of(st.sampled_from(INTS), st.sampled_from(INTS), st.sampled_from(ALL_DTYPES))
dtypes = st.sampled_from(ALL_DTYPES)

DEVICES = ("cpu", pytest.param("cuda", marks=pytest.mark.needs_cuda))

# Shapes: an int, a tuple or list of up to four small dimensions (zeros included), torch.Size, and
# a few bad ones (negative, float, bool, None, a string).
good_shapes = st.one_of(
    st.integers(0, 300),
    st.lists(st.integers(0, 6), max_size=4).map(tuple),
    st.lists(st.integers(0, 6), max_size=3).map(list),
    st.lists(st.integers(0, 6), max_size=3).map(torch.Size),
    st.sampled_from([(1, 65535), (65535,), (0, 2**40), (2**40, 0)]),
)
bad_shapes = st.sampled_from([-1, (-1, 2), (2, -3), 1.5, (2.0, 3), True, (True, 2), None, "3", {"a": 1}])
shapes = st.one_of(good_shapes, good_shapes, good_shapes, bad_shapes)

weird_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 65504.0, 65520.0,
                     3.4e38, 3.5e38, float("nan"), float("inf"), -float("inf")]),
    st.floats(-10, 10),
)
odd_numbers = st.one_of(weird_floats, st.integers(-(2**70), 2**70), st.sampled_from([True, None, "1", torch.tensor(0.5)]))
# Mostly ordinary values (so that most cases check an output), then the odd ones.
numbers = st.one_of(st.floats(-100, 100), st.floats(0, 10), st.integers(-5, 5), odd_numbers)


def ordered_pairs(values, odd):
    """(low, high) pairs: mostly ordered draws of `values` (a valid range unless equal), then any
    two of `odd`."""
    ordered = st.tuples(values, values).map(lambda t: (min(t), max(t)) if t[0] != t[1] else (t[0], t[0] + 1))
    return st.one_of(ordered, ordered, ordered, st.tuples(odd, odd))


def _expected_shape(shape):
    if isinstance(shape, int):
        return (shape,)
    return tuple(shape)


def _check_common(out, shape, dtype, device):
    assert isinstance(out, torch.Tensor)
    assert tuple(out.shape) == _expected_shape(shape)
    assert out.dtype == dtype
    assert out.device.type == torch.device(device).type


def _run_twice(fn, spec, names):
    """fn(generator) twice, each time with a fresh generator made from the spec (made right before
    the call: for None that seeds the global RNG)."""
    kind, result = outcome(lambda: fn(make_generator(spec)), names)
    if kind == "valid":
        again = fn(make_generator(spec))
        assert same(result, again), "the same call with an equal generator gave different values"
    return kind, result


# --- uniform ------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(shape=shapes, bounds=ordered_pairs(st.floats(-1e4, 1e4), numbers), dtype=float_dtypes, spec=generator_specs)
def test_uniform(device, shape, bounds, dtype, spec):
    low, high = bounds
    kind, out = _run_twice(lambda g: torchrng.uniform(shape, low, high, generator=g, device=device, dtype=dtype),
                           spec, ["shape", "low", "high", "dtype"])
    if kind == "rejected":
        return
    _check_common(out, shape, dtype, device)
    lo = torch.tensor(float(low), dtype=dtype).double()
    hi = torch.tensor(float(high), dtype=dtype).double()
    values = out.double()
    assert bool((values >= lo).all()) and bool((values < hi).all()), (low, high, values.min(), values.max())


@fuzz(60)
@given(low=st.floats(-1e6, 1e6), width=st.floats(1e-3, 1e6), dtype=st.sampled_from(FLOATS),
       seed=seeds, index=indices, a=st.integers(0, 40), b=st.integers(0, 40))
def test_uniform_split_calls(low, width, dtype, seed, index, a, b):
    """Two calls of one torchrng.Generator: the first gives the first values of one call of both
    sizes, the second starts at the next whole sample index (P values per index: 4, or 2 for
    float64), so a split at a multiple of P equals the one call; at any index, across 2**64 too."""
    high = low + width
    assume(torch.tensor(low, dtype=dtype) < torch.tensor(high, dtype=dtype))
    assume(math.isfinite(float(torch.tensor(high, dtype=dtype)) - float(torch.tensor(low, dtype=dtype))))
    per_block = 2 if dtype == torch.float64 else 4
    whole = torchrng.uniform(a + b, low, high, generator=torchrng.Generator(seed, index=index), dtype=dtype)
    g = torchrng.Generator(seed, index=index)
    first = torchrng.uniform(a, low, high, generator=g, dtype=dtype)
    second = torchrng.uniform(b, low, high, generator=g, dtype=dtype)
    taken = -(-a // per_block)
    assert torch.equal(first, whole[:a])
    later = torchrng.Generator(seed, index=(index + taken) % 2**64)
    assert torch.equal(second, torchrng.uniform(b, low, high, generator=later, dtype=dtype))
    if a % per_block == 0:
        assert torch.equal(second, whole[a:])
    assert g.index == (index + taken + -(-b // per_block)) % 2**64
    count_case()


# --- normal ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(shape=shapes, mean=numbers, std=numbers, dtype=float_dtypes, spec=generator_specs)
def test_normal(device, shape, mean, std, dtype, spec):
    kind, out = _run_twice(lambda g: torchrng.normal(shape, mean, std, generator=g, device=device, dtype=dtype),
                           spec, ["shape", "mean", "std", "dtype"])
    if kind == "rejected":
        return
    _check_common(out, shape, dtype, device)
    values = out.double()
    assert not bool(values.isnan().any())
    # |z| < 8.6 (Box-Muller on 53-bit uniforms): finite wherever mean +- 9 std fits the dtype
    if abs(float(mean)) + 9 * float(std) < torch.finfo(dtype).max / 2:
        assert bool(values.isfinite().all())
        # the Box-Muller bound, plus the rounding of mean + std * z to the dtype (8 bits for bfloat16)
        # (and below the dtype's smallest normal number, its absolute spacing)
        tol = 9 * float(std) + 2 * torch.finfo(dtype).eps * (abs(float(mean)) + 9 * float(std)) + torch.finfo(dtype).tiny
        assert bool(((values - float(mean)).abs() <= tol).all())


# --- randint ----------------------------------------------------------------------------------------

int_bounds = st.one_of(
    st.integers(-1000, 1000),
    st.integers(-(2**63), 2**63 - 1),
    st.sampled_from([-(2**63), -(2**63) + 1, -1, 0, 1, 2, 255, 256, 2**31, 2**32, 2**63 - 1, 2**63, -(2**63) - 1]),
    st.integers(-300, 300),
    st.sampled_from([1.5, True, None, float("nan"), "4"]),
)


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(shape=shapes, bounds=ordered_pairs(st.one_of(st.integers(-100, 100), st.integers(-(2**63), 2**63 - 2)),
                                         int_bounds), dtype=int_dtypes, spec=generator_specs)
def test_randint(device, shape, bounds, dtype, spec):
    low, high = bounds
    kind, out = _run_twice(lambda g: torchrng.randint(low, high, shape, generator=g, device=device, dtype=dtype),
                           spec, ["shape", "low", "high", "dtype"])
    if kind == "rejected":
        return
    _check_common(out, shape, dtype, device)
    if out.numel():
        assert low <= int(out.min()) and int(out.max()) < high


# --- bernoulli --------------------------------------------------------------------------------------


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(shape=shapes, p=st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.5]), numbers), dtype=dtypes, spec=generator_specs)
def test_bernoulli(device, shape, p, dtype, spec):
    kind, out = _run_twice(lambda g: torchrng.bernoulli(p, shape, generator=g, device=device, dtype=dtype),
                           spec, ["shape", "p", "dtype"])
    if kind == "rejected":
        return
    _check_common(out, shape, dtype, device)
    values = out.double()
    assert bool(((values == 0) | (values == 1)).all())
    if float(p) == 0.0:
        assert not bool(values.any())
    if float(p) == 1.0:
        assert bool((values == 1).all())


# --- randperm -------------------------------------------------------------------------------------------

batches = st.one_of(st.none(), st.integers(0, 5), st.lists(st.integers(0, 4), max_size=2).map(tuple),
                    st.sampled_from([-1, (2, -1), 1.5, "2"]))


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(n=st.one_of(st.integers(0, 300), st.sampled_from([-1, 1.0, True, None, 2**40, 256, 257, 128, 129])),
       batch=batches, dtype=int_dtypes, spec=generator_specs)
def test_randperm(device, n, batch, dtype, spec):
    kind, out = _run_twice(lambda g: torchrng.randperm(n, batch, generator=g, device=device, dtype=dtype),
                           spec, ["n", "batch", "dtype"])
    if kind == "rejected":
        return
    batch_shape = () if batch is None else _expected_shape(batch)
    _check_common(out, batch_shape + (n,), dtype, device)
    if out.numel() == 0:
        return
    rows = out.reshape(-1, n).to(torch.int64).cpu()
    expected = torch.arange(n)
    for row in rows:
        assert torch.equal(row.sort().values, expected)


# --- gamma, beta, dirichlet -------------------------------------------------------------------------------

concentrations = st.one_of(
    st.floats(1e-3, 1e3), numbers,
    st.sampled_from([5e-324, 1e-310, 1e-300, 1e-30, 1e300, 1.7976931348623157e308, 0.0, -1.0]),
)


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(shape=shapes, alpha=concentrations, scale=concentrations, dtype=float_dtypes,
       spec=generator_specs)
def test_gamma(device, shape, alpha, scale, dtype, spec):
    kind, out = _run_twice(lambda g: torchrng.gamma(alpha, shape, scale=scale, generator=g, device=device,
                                                    dtype=dtype),
                           spec, ["shape", "alpha", "scale", "dtype"])
    if kind == "rejected":
        return
    _check_common(out, shape, dtype, device)
    values = out.double()
    assert not bool(values.isnan().any()) and bool((values >= 0).all())


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(shape=shapes, a=concentrations, b=concentrations, dtype=float_dtypes, spec=generator_specs)
def test_beta(device, shape, a, b, dtype, spec):
    kind, out = _run_twice(lambda g: torchrng.beta(a, b, shape, generator=g, device=device, dtype=dtype),
                           spec, ["shape", "a", "b", "dtype"])
    if kind == "rejected":
        return
    _check_common(out, shape, dtype, device)
    values = out.double()
    assert not bool(values.isnan().any()), (a, b)
    assert bool((values >= 0).all()) and bool((values <= 1).all())


alphas = st.one_of(
    st.lists(concentrations, min_size=0, max_size=6),
    st.lists(st.sampled_from([5e-324, 1e-310, 1e-300, 1.0, 1e300]), min_size=1, max_size=4),
    st.lists(st.floats(0.01, 10), min_size=250, max_size=260),
    st.sampled_from([3.0, "abc", None, [1.0, None], torch.tensor([1.0, 2.0])]),
)


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(alpha=alphas, shape=st.one_of(st.just(()), shapes), dtype=float_dtypes, spec=generator_specs)
def test_dirichlet(device, alpha, shape, dtype, spec):
    kind, out = _run_twice(lambda g: torchrng.dirichlet(alpha, shape, generator=g, device=device, dtype=dtype),
                           spec, ["alpha", "shape", "dtype"])
    if kind == "rejected":
        return
    k = len(alpha)
    _check_common(out, _expected_shape(shape) + (k,), dtype, device)
    values = out.double()
    assert not bool(values.isnan().any()), alpha
    assert bool((values >= 0).all()) and bool((values <= 1).all())
    if values.numel():
        tol = 1e-9 if dtype == torch.float64 else 0.02 * k
        assert float((values.sum(-1) - 1).abs().max()) <= tol


# --- philox4x32_10 -------------------------------------------------------------------------------------

words = st.one_of(st.integers(0, 2**32 - 1), st.sampled_from([0, 2**32 - 1]))
bad_words = st.sampled_from([-1, 2**32, 2**40, -(2**63)])


@pytest.mark.parametrize("device", DEVICES)
@fuzz(66)
@given(lead=st.lists(st.integers(0, 3), max_size=2).map(tuple), data=st.data(), corrupt=st.sampled_from(
    ["none", "none", "counter_word", "key_word", "counter_shape", "key_shape", "dtype", "not_tensor"]))
def test_philox4x32_10(device, lead, data, corrupt):
    n = math.prod(lead)
    counter = torch.tensor(data.draw(st.lists(words, min_size=4 * n, max_size=4 * n)), dtype=torch.int64)
    key = torch.tensor(data.draw(st.lists(words, min_size=2 * n, max_size=2 * n)), dtype=torch.int64)
    counter, key = counter.view(*lead, 4).to(device), key.view(*lead, 2).to(device)
    if corrupt == "counter_word" and n:
        counter.view(-1)[data.draw(st.integers(0, 4 * n - 1))] = data.draw(bad_words)
    elif corrupt == "key_word" and n:
        key.view(-1)[data.draw(st.integers(0, 2 * n - 1))] = data.draw(bad_words)
    elif corrupt == "counter_shape":
        counter = counter[..., :3]
    elif corrupt == "key_shape":
        key = torch.cat([key, key], -1)
    elif corrupt == "dtype":
        counter = counter.to(torch.int32)
    elif corrupt == "not_tensor":
        counter = counter.tolist()
    if device == "cuda" and corrupt in ("counter_word", "key_word"):
        return  # a device-side assert would poison the CUDA context for the rest of the run
    kind, out = outcome(lambda: torchrng.philox4x32_10(counter, key), ["counter", "key"])
    if kind == "rejected":
        return
    assert out.shape == counter.shape and out.dtype == torch.int64
    for c, k, o in zip(counter.reshape(-1, 4).tolist(), key.reshape(-1, 2).tolist(), out.reshape(-1, 4).tolist()):
        assert tuple(o) == philox4x32_reference(c, k)


# --- keys and generators ------------------------------------------------------------------------------

seed_like = st.one_of(seeds, st.sampled_from([-1, 2**64, 2**70, 1.0, True, None, "1", float("nan")]))
fold_data = st.one_of(st.integers(0, U64), st.text(max_size=20), st.sampled_from([-1, 2**64, 1.5, None, b"x", True]))


@fuzz(66)
@given(seed=seed_like, data=fold_data, n=st.one_of(st.integers(0, 20), st.sampled_from([-1, 1.5, True, None])))
def test_keys(seed, data, n):
    kind, k = outcome(lambda: torchrng.key(seed), ["seed"])
    if kind == "rejected":
        return
    assert k == torchrng.key(seed) and hash(k) == hash(torchrng.key(seed))
    assert all(0 <= w < 2**32 for w in k.words)
    assert pickle.loads(pickle.dumps(k)) == k
    kind, folded = outcome(lambda: k.fold_in(data), ["data", "fold_in"])
    if kind == "valid":
        assert folded == k.fold_in(data) and folded != k
    kind, parts = outcome(lambda: k.split(n), ["n", "split"])
    if kind == "valid":
        assert len(parts) == n and len(set(parts)) == n and parts == k.split(n)


@fuzz(66)
@given(seed=seed_like, index=st.one_of(indices, st.sampled_from([-1, 2**64, 1.0, None])),
       takes=st.lists(st.one_of(st.integers(0, 2**64 + 5), st.sampled_from([-1, 1.5, True])), max_size=5))
def test_generator_state(seed, index, takes):
    kind, g = outcome(lambda: torchrng.Generator(seed, index=index), ["seed", "index"])
    if kind == "rejected":
        return
    expected = index
    for n in takes:
        kind, first = outcome(lambda: g.take(n), ["n"])
        if kind == "valid":
            assert first == expected
            expected = (expected + n) % 2**64
        assert g.index == expected
    state = g.get_state()
    clone = torchrng.Generator().set_state(state)
    assert clone.get_state() == state and clone.key == g.key and clone.index == g.index
    restored = pickle.loads(pickle.dumps(g))
    assert restored.get_state() == state


@pytest.mark.parametrize("bad", [{}, {"key": (1,), "index": 0}, {"key": (1, 2), "index": -1},
                                 {"key": (2**32, 0), "index": 0}, {"key": (1, 2), "index": 2**64},
                                 {"key": (1, 2), "index": 1.0}, {"key": ("a", 2), "index": 0}, None, [1, 2]])
def test_generator_bad_state(bad):
    g = torchrng.Generator(5, index=7)
    with pytest.raises((ValueError, TypeError), match="(?i)set_state|index|key|word"):
        g.set_state(bad)
    assert g.get_state() == torchrng.Generator(5, index=7).get_state()  # unchanged

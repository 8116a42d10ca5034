"""The raw sampling ops: shapes, determinism, element purity, thread invariance, goodness of fit,
torch.Generator consumption and argument errors. Statistical tests use fixed keys, so they are
deterministic; each states its significance level."""

import math

import numpy as np
import pytest
import torch
from scipy import stats

import torchrng

ALPHA = 1e-3  # significance level of every goodness-of-fit test below
FLOATS = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
K = torchrng.key(2024)


def _sample(name, n, generator=K, **kw):
    if name == "uniform":
        return torchrng.uniform(n, generator=generator, **kw)
    if name == "normal":
        return torchrng.normal(n, generator=generator, **kw)
    if name == "randint":
        return torchrng.randint(-5, 17, n, generator=generator, **kw)
    if name == "bernoulli":
        return torchrng.bernoulli(0.3, n, generator=generator, **kw)
    if name == "gamma":
        return torchrng.gamma(0.7, n, generator=generator, **kw)
    if name == "beta":
        return torchrng.beta(0.5, 2.0, n, generator=generator, **kw)
    if name == "randperm":
        return torchrng.randperm(7, n, generator=generator, **kw)
    if name == "dirichlet":
        return torchrng.dirichlet([0.5, 1.0, 2.0], n, generator=generator, **kw)
    raise AssertionError(name)


OPS = ["uniform", "normal", "randint", "bernoulli", "gamma", "beta", "randperm", "dirichlet"]


@pytest.mark.parametrize("name", OPS)
def test_deterministic_and_key_dependent(name):
    a, b = _sample(name, 1000), _sample(name, 1000)
    assert torch.equal(a, b)
    assert not torch.equal(a, _sample(name, 1000, generator=torchrng.key(2025)))


@pytest.mark.parametrize("name", OPS)
def test_each_element_depends_only_on_its_index(name):
    # Prefix property: the first 37 of 1000 equal a call of 37 (whatever the tiling or blocking).
    assert torch.equal(_sample(name, 1000)[:37], _sample(name, 37))


@pytest.mark.parametrize("name", OPS)
def test_empty(name):
    assert _sample(name, 0).shape[0] == 0


@pytest.mark.parametrize("name", ["uniform", "normal", "randint", "bernoulli", "gamma", "randperm"])
def test_thread_count_invariance(name):
    before = torch.get_num_threads()
    results = []
    try:
        for threads in (1, 2, 4):
            torch.set_num_threads(threads)
            results.append(_sample(name, 300_001 if name != "randperm" else 20_001))
    finally:
        torch.set_num_threads(before)
    assert all(torch.equal(results[0], r) for r in results[1:])


@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_range_and_dtype(dtype):
    x = torchrng.uniform((50, 40), -2.0, 3.0, generator=K, dtype=dtype)
    assert x.shape == (50, 40) and x.dtype == dtype and x.device.type == "cpu"
    assert x.min() >= -2.0 and x.max() < 3.0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_uniform_fits(dtype):
    x = torchrng.uniform(200_000, 2.0, 5.0, generator=K, dtype=dtype).double().numpy()
    assert stats.kstest(x, stats.uniform(2.0, 3.0).cdf).pvalue > ALPHA


def test_uniform_never_reaches_high():
    # 1 + 2**-24 steps: the products round up to `high` for many u; all must stay below it.
    hi = 1.0 + 2.0**-23
    x = torchrng.uniform(100_000, 1.0, hi, generator=K)
    assert (x < hi).all() and (x >= 1.0).all()


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_normal_fits(dtype):
    x = torchrng.normal(200_000, 1.5, 2.0, generator=K, dtype=dtype).double().numpy()
    assert stats.kstest(x, stats.norm(1.5, 2.0).cdf).pvalue > ALPHA


def test_normal_zero_std_is_constant():
    assert torch.equal(torchrng.normal(10, 3.0, 0.0, generator=K), torch.full((10,), 3.0))


@pytest.mark.parametrize("low,high", [(0, 3), (-500, 500), (0, 2**31 + 1), (0, 3 * 2**30), (-(2**62), 2**62)])
def test_randint_unbiased(low, high):
    n = 300_000
    x = torchrng.randint(low, high, n, generator=K)
    assert x.min() >= low and x.max() < high
    span = high - low
    bins = min(span, 1000)
    # Equal-probability bins (exact integer edges): a modulo or 32-bit multiply-shift reduction
    # would over-weight the low third of [0, 3 * 2**30), for example.
    edges = [low + (span * i) // bins for i in range(bins + 1)]
    counts = np.histogram(x.numpy().astype(np.float64), bins=np.array(edges, dtype=np.float64))[0]
    widths = np.diff(np.array(edges, dtype=object)).astype(np.float64)
    expected = n * widths / span
    assert stats.chisquare(counts, expected).pvalue > ALPHA


def test_randint_dtypes_and_range_checks():
    assert torchrng.randint(0, 256, 10, generator=K, dtype=torch.uint8).dtype == torch.uint8
    with pytest.raises(RuntimeError, match="does not fit"):
        torchrng.randint(0, 300, 10, generator=K, dtype=torch.uint8)
    full = torchrng.randint(-(2**63), 2**63 - 1, 1000, generator=K)
    assert (full < 0).any() and (full > 0).any()


def test_bernoulli():
    x = torchrng.bernoulli(0.3, 200_000, generator=K)
    assert x.dtype == torch.bool
    assert stats.binomtest(int(x.sum()), x.numel(), 0.3).pvalue > ALPHA
    assert not torchrng.bernoulli(0.0, 10_000, generator=K).any()
    assert torchrng.bernoulli(1.0, 10_000, generator=K).all()
    assert torchrng.bernoulli(0.5, 8, generator=K, dtype=torch.float32).dtype == torch.float32


def test_randperm_is_uniform_over_permutations():
    rows = torchrng.randperm(4, 240_000, generator=K)
    assert rows.shape == (240_000, 4)
    assert torch.equal(rows.sort(dim=1).values, torch.arange(4).expand(240_000, 4))
    codes = (rows * torch.tensor([64, 16, 4, 1])).sum(1)
    counts = torch.unique(codes, return_counts=True)[1]
    assert counts.numel() == 24
    assert stats.chisquare(counts.numpy()).pvalue > ALPHA


def test_randperm_shapes():
    assert torchrng.randperm(5, generator=K).sort().values.tolist() == [0, 1, 2, 3, 4]
    assert torchrng.randperm(3, (2, 4), generator=K).shape == (2, 4, 3)
    assert torchrng.randperm(0, 4, generator=K).shape == (4, 0)
    assert torchrng.randperm(1, 3, generator=K).tolist() == [[0], [0], [0]]
    big = torchrng.randperm(100_000, generator=K)
    assert torch.equal(big.sort().values, torch.arange(100_000))


@pytest.mark.parametrize("alpha", [0.05, 0.5, 1.0, 2.5, 30.0])
def test_gamma_fits(alpha):
    x = torchrng.gamma(alpha, 100_000, scale=2.0, generator=K, dtype=torch.float64).numpy()
    assert (x >= 0).all()
    assert stats.kstest(x, stats.gamma(alpha, scale=2.0).cdf).pvalue > ALPHA


@pytest.mark.parametrize("a,b", [(0.2, 0.2), (1.0, 1.0), (2.0, 5.0), (0.8, 0.8), (50.0, 0.5)])
def test_beta_fits(a, b):
    x = torchrng.beta(a, b, 100_000, generator=K, dtype=torch.float64).numpy()
    assert ((x >= 0) & (x <= 1)).all()
    assert stats.kstest(x, stats.beta(a, b).cdf).pvalue > ALPHA


def test_dirichlet_fits():
    alpha = [0.3, 1.0, 2.0, 5.0]
    x = torchrng.dirichlet(alpha, 50_000, generator=K, dtype=torch.float64)
    assert x.shape == (50_000, 4)
    torch.testing.assert_close(x.sum(1), torch.ones(50_000, dtype=torch.float64))
    total = sum(alpha)
    for i, a in enumerate(alpha):  # each marginal is Beta(a_i, total - a_i)
        assert stats.kstest(x[:, i].numpy(), stats.beta(a, total - a).cdf).pvalue > ALPHA


def test_dirichlet_tiny_concentrations_stay_finite():
    x = torchrng.dirichlet([0.01, 0.01, 0.01], 10_000, generator=K, dtype=torch.float64)
    assert torch.isfinite(x).all()
    torch.testing.assert_close(x.sum(1), torch.ones(10_000, dtype=torch.float64))


def test_fold_in_and_split_streams_are_uncorrelated():
    n = 100_000
    streams = [torchrng.uniform(n, generator=k) for k in (K.fold_in(0), K.fold_in(1), *K.split(2), K)]
    data = torch.stack(streams).double()
    corr = torch.corrcoef(data)
    off_diagonal = corr[~torch.eye(len(streams), dtype=torch.bool)]
    assert off_diagonal.abs().max() < 5 / math.sqrt(n)


# --- generators -------------------------------------------------------------------------------

def test_cpu_torch_generator_takes_one_64bit_draw_per_call():
    g = torch.Generator().manual_seed(7)
    a = torchrng.uniform(1000, generator=g)
    reference = torch.Generator().manual_seed(7)
    torch.empty((), dtype=torch.int64).random_(-(2**63), None, generator=reference)
    assert torch.equal(g.get_state(), reference.get_state())
    b = torchrng.uniform(1000, generator=g)
    assert not torch.equal(a, b)
    g2 = torch.Generator().manual_seed(7)
    assert torch.equal(torchrng.uniform(1000, generator=g2), a)


def test_default_generator_follows_manual_seed():
    torch.manual_seed(3)
    a = torchrng.normal(100)
    torch.manual_seed(3)
    assert torch.equal(torchrng.normal(100), a)


# --- errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "call,exc,match",
    [
        (lambda: torchrng.uniform(-1, generator=K), ValueError, "shape"),
        (lambda: torchrng.uniform(2.5, generator=K), TypeError, "shape"),
        (lambda: torchrng.uniform((2, "a"), generator=K), TypeError, "shape"),
        (lambda: torchrng.uniform(3, 1.0, 1.0, generator=K), ValueError, "low must be < high"),
        (lambda: torchrng.uniform(3, 2.0, 1.0, generator=K), ValueError, "low must be < high"),
        (lambda: torchrng.uniform(3, float("nan"), 1.0, generator=K), ValueError, "low"),
        (lambda: torchrng.uniform(3, 0.0, float("inf"), generator=K), ValueError, "high"),
        (lambda: torchrng.uniform(3, -3e38, 3e38, generator=K), RuntimeError, "overflows"),
        (lambda: torchrng.uniform(3, 1.0, 1.0001, generator=K, dtype=torch.float16), RuntimeError, "low must be < high"),
        (lambda: torchrng.uniform(3, generator=K, dtype=torch.int32), ValueError, "dtype"),
        (lambda: torchrng.uniform(3, generator=K, dtype="float32"), TypeError, "dtype"),
        (lambda: torchrng.uniform(3, generator=K, device="tpu"), ValueError, "device"),
        (lambda: torchrng.uniform(3, generator=K, device="meta"), ValueError, "device"),
        (lambda: torchrng.uniform(3, generator=42), TypeError, "generator"),
        (lambda: torchrng.normal(3, 0.0, -1.0, generator=K), ValueError, "std"),
        (lambda: torchrng.normal(3, float("inf"), 1.0, generator=K), ValueError, "mean"),
        (lambda: torchrng.randint(5, 5, 3, generator=K), ValueError, "low must be < high"),
        (lambda: torchrng.randint(0, 2**63, 3, generator=K), ValueError, "int64"),
        (lambda: torchrng.randint(0.0, 5, 3, generator=K), TypeError, "low"),
        (lambda: torchrng.bernoulli(1.5, 3, generator=K), ValueError, "p must be in"),
        (lambda: torchrng.bernoulli(float("nan"), 3, generator=K), ValueError, "p"),
        (lambda: torchrng.randperm(-1, generator=K), ValueError, "n"),
        (lambda: torchrng.gamma(0.0, 3, generator=K), ValueError, "alpha"),
        (lambda: torchrng.gamma(1.0, 3, scale=-1.0, generator=K), ValueError, "scale"),
        (lambda: torchrng.beta(1.0, float("nan"), 3, generator=K), ValueError, "b"),
        (lambda: torchrng.dirichlet([], 3, generator=K), ValueError, "alpha"),
        (lambda: torchrng.dirichlet([1.0, -1.0], 3, generator=K), ValueError, "alpha"),
        (lambda: torchrng.dirichlet([1.0] * 300, 3, generator=K), ValueError, "alpha"),
        (lambda: torchrng.uniform((2**40, 2**40), generator=K), ValueError, "shape"),
    ],
)
def test_bad_arguments_raise_clearly(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_native_checks_back_up_python_ones():
    out = torch.empty(4)
    with pytest.raises(RuntimeError, match="key word 0"):
        torch.ops.torchrng.fill_uniform(out, 0.0, 1.0, [-1, 0, 0, 0])
    with pytest.raises(RuntimeError, match="4 integers"):
        torch.ops.torchrng.fill_uniform(out, 0.0, 1.0, [0, 0])
    with pytest.raises(RuntimeError, match="contiguous"):
        torch.ops.torchrng.fill_uniform(torch.empty(4, 4).t(), 0.0, 1.0, [0, 0, 0, 0])
    with pytest.raises(RuntimeError, match="p must be in"):
        torch.ops.torchrng.fill_bernoulli(out, 2.0, [0, 0, 0, 0])

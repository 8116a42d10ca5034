"""Property-based fuzzing of the raw operators torch.ops.torchrng.* (schemas in csrc/torchrng.cpp).

The raw ops are what torchrng.random and torchrng.sample call after validating their arguments. Their
contract, fuzzed here with arguments no Python wrapper would pass: they check the structure of what
they get (tensor dtypes, shapes, contiguity and devices, stream words, hyperparameter counts, NaN,
integer ranges, image sizes and box counts on the host) and raise a RuntimeError naming it; they
never crash, never read or write out of bounds (run these under `make sanitize-python`), never hang,
and are deterministic. Given what the wrappers pass they return exactly the wrappers' values.
Semantic checks of float hyperparameters (a scale range of (5, 1), an angle of 1e308) are the
Python layer's (tests/test_fuzz_sample.py).
"""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

import torchrng
from torchrng import sample as S
from torchrng.sample import _geometry as G
from torchrng.sample import _ids as ids

from test_fuzz_support import count_case, fuzz, hang_guard, outcome, same  # noqa: F401

pytestmark = pytest.mark.usefixtures("hang_guard")

ops = torch.ops.torchrng
I64 = st.integers(-(2**63), 2**63 - 1)
NAMES = ["stream", "key word", "out", "dtype", "contiguous", "complex", "low", "high", "mean", "std", "p ",
         "p must", "alpha", "scale", "a must", "b must", " a:", " b:", "n=", "fit", "concentrations", "shape",
         "generator", "hyperparameter", "sampler", "image_size", "sizes", "indices", "boxes", "box_counts",
         "columns", "sigma", "budget", "permutation", "num_channels", "num_ops", "bins", "severity", "shear",
         "sub-policy", "cumulative", "min_size", "expected", "must be", "image size", "counter", "key"]


def mostly(valid, invalid, k=4):
    return st.one_of(*([valid] * k), invalid)


words = st.integers(0, 2**32 - 1)
streams = mostly(st.tuples(words, words, I64, I64).map(list),
                 st.one_of(st.lists(I64, max_size=6), st.tuples(st.sampled_from([-1, 2**32, 2**40]), words, I64,
                                                                  I64).map(list)))
odd_float = st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 5e-324, 0.0, -0.0, -1.0])
params = mostly(st.floats(-10, 10), odd_float, k=2)
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.uint8, torch.int8, torch.int16,
          torch.int32, torch.int64, torch.bool, torch.complex64]


@st.composite
def outs(draw, dtypes=DTYPES, min_dim=0, max_dim=3):
    shape = tuple(draw(st.lists(st.integers(0, 9), min_size=min_dim, max_size=max_dim)))
    dtype = draw(st.sampled_from(dtypes))
    t = torch.empty(shape, dtype=dtype)
    if len(shape) >= 2 and draw(st.integers(0, 4)) == 0:
        t = t.transpose(0, 1)  # non-contiguous (unless trivially so)
    return t


FILLS = {
    "fill_uniform": (2, torchrng.uniform),
    "fill_normal": (2, torchrng.normal),
    "fill_bernoulli": (1, torchrng.bernoulli),
    "fill_randint": (2, torchrng.randint),
    "fill_gamma": (2, torchrng.gamma),
    "fill_beta": (2, torchrng.beta),
}


def _fill_args(name, draw):
    if name == "fill_randint":
        a, b = draw(I64), draw(I64)
        return sorted((a, b)) if draw(st.integers(0, 3)) else (a, b)
    if name == "fill_bernoulli":
        return (draw(mostly(st.floats(0, 1), odd_float)),)
    if name in ("fill_gamma", "fill_beta"):
        return draw(mostly(st.floats(0.01, 10), odd_float)), draw(mostly(st.floats(0.01, 10), odd_float))
    a, b = draw(params), draw(params)
    return (min(a, b), max(a, b)) if draw(st.integers(0, 3)) and not (math.isnan(a) or math.isnan(b)) else (a, b)


def _wrapper_value(name, out, args, stream):
    """What the Python API gives for the same stream (a Generator at index_base), or None."""
    k0, k1, ib, bb = stream
    if bb != 0:
        return None
    g = torchrng.Generator(torchrng.Key(k0, k1), index=ib % 2**64)
    shape, dtype = tuple(out.shape), out.dtype
    if name == "fill_uniform":
        return torchrng.uniform(shape, *args, generator=g, dtype=dtype)
    if name == "fill_normal":
        return torchrng.normal(shape, *args, generator=g, dtype=dtype)
    if name == "fill_bernoulli":
        return torchrng.bernoulli(args[0], shape, generator=g, dtype=dtype)
    if name == "fill_randint":
        return torchrng.randint(args[0], args[1], shape, generator=g, dtype=dtype)
    if name == "fill_gamma":
        return torchrng.gamma(args[0], shape, scale=args[1], generator=g, dtype=dtype)
    return torchrng.beta(args[0], args[1], shape, generator=g, dtype=dtype)


FLOAT_OUT = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
INT_OUT = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]


@pytest.mark.parametrize("name", sorted(FILLS))
@fuzz(66)
@given(data=st.data(), stream=streams)
def test_fill_op(name, data, stream):
    right = {"fill_randint": INT_OUT, "fill_bernoulli": INT_OUT + FLOAT_OUT + [torch.bool]}.get(name, FLOAT_OUT)
    out = data.draw(mostly(outs(dtypes=right), outs()), label="out")
    args = _fill_args(name, data.draw)
    op = getattr(ops, name)
    kind, _ = outcome(lambda: op(out, *args, stream), NAMES, test=f"test_fill_op[{name}]")
    if kind == "rejected":
        return
    again = torch.empty_like(out)
    op(again, *args, stream)
    assert same(out, again)
    try:
        expected = _wrapper_value(name, out, args, stream)
    except (ValueError, TypeError):
        return  # the wrapper's stricter argument checks (finite bounds, int64 ranges)
    if expected is not None:
        assert same(out, expected), f"{name}: the raw op and the Python API differ"


@fuzz(60)
@given(out=mostly(outs(dtypes=INT_OUT, min_dim=2, max_dim=2), outs()), stream=streams)
def test_fill_randperm_op(out, stream):
    kind, _ = outcome(lambda: ops.fill_randperm(out, stream), NAMES)
    if kind == "valid" and out.numel():
        rows = out.to(torch.int64).sort(-1).values
        assert torch.equal(rows, torch.arange(out.shape[1]).expand_as(rows))


@fuzz(60)
@given(data=st.data(), alpha=mostly(st.lists(st.floats(0.01, 10), min_size=1, max_size=8),
                                   st.lists(mostly(st.floats(0.01, 10), odd_float), min_size=0, max_size=300)),
       stream=streams)
def test_fill_dirichlet_op(data, alpha, stream):
    rows = data.draw(st.integers(0, 9), label="rows")
    out = data.draw(mostly(st.sampled_from(FLOAT_OUT).map(lambda d: torch.empty(rows, len(alpha), dtype=d)), outs()),
                    label="out")
    kind, _ = outcome(lambda: ops.fill_dirichlet(out, alpha, stream), NAMES)
    if kind == "valid" and out.numel():
        assert not bool(out.double().isnan().any())


# --- sample_rows ------------------------------------------------------------------------------------------

# What torchrng.sample sends for each sampler id: (columns, dtype, hyper).
VALID_ROWS = {
    G.FLIP: (1, torch.bool, [0.5]),
    G.RESIZED_CROP: (4, torch.int64, G.resized_crop_hyper()),
    G.CROP: (10, torch.int64, G.crop_hyper(8, 2, True)),
    G.ROTATION: (1, torch.float64, [-30.0, 30.0]),
    G.AFFINE: (6, torch.float64, G.affine_hyper(30, (0.1, 0.1), (0.5, 2), (-5, 5, -5, 5))),
    G.PERSPECTIVE: (17, torch.float64, G.perspective_hyper()),
    G.ZOOM_OUT: (5, torch.int64, G.zoom_out_hyper()),
    G.SCALE_JITTER: (2, torch.int64, G.scale_jitter_hyper((64, 64))),
    G.SHORTEST_SIZE: (2, torch.int64, G.shortest_size_hyper([16, 32], 64)),
    G.RESIZE: (1, torch.int64, [8.0, 32.0]),
    ids.COLOR_JITTER: (8, torch.float64, S._color.color_jitter_hyper(0.4, 0.4, 0.4, 0.1)),
    ids.PHOTOMETRIC_DISTORT: (9, torch.float64, S._color.photometric_distort_hyper()),
    ids.PERMUTATION: (5, torch.int64, [5.0]),
    ids.ERASING: (6, torch.int64, S._augment.erasing_hyper()),
    ids.AUTO_AUGMENT: (11, torch.float64, S._auto_augment.auto_augment_hyper()),
    ids.RAND_AUGMENT: (8, torch.float64, S._auto_augment.rand_augment_hyper()),
    ids.TRIVIAL_AUGMENT_WIDE: (4, torch.float64, [31.0]),
    ids.AUGMIX: (2 + 6 + 36, torch.float64, S._auto_augment.augmix_hyper()),
    ids.MIXUP: (1, torch.float64, [1.0]),
    ids.CUTMIX: (5, torch.float64, [1.0]),
    ids.CHOICE: (1, torch.int64, [0.25, 0.5, 1.0]),
}
odd_hyper = st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 2.0**53, 2.0**53 + 2,
                             2.0**63, -(2.0**63), 0.0, -1.0, 1.5, 1e9, 65537.0])


@st.composite
def row_calls(draw):
    sampler = draw(mostly(st.sampled_from(sorted(VALID_ROWS)), st.sampled_from([-1, 10, 22, 99, 2**40])))
    columns, dtype, hyper = VALID_ROWS.get(sampler, (1, torch.float64, [0.5]))
    hyper = list(hyper)
    mode = draw(st.sampled_from(["valid", "valid", "perturb", "perturb", "resize", "random"]))
    if mode == "perturb" and hyper:
        hyper[draw(st.integers(0, len(hyper) - 1))] = draw(odd_hyper)
    elif mode == "resize":
        hyper = hyper[:draw(st.integers(0, len(hyper)))] if draw(st.booleans()) else hyper + [0.5] * draw(
            st.integers(1, 70))
    elif mode == "random":
        hyper = draw(st.lists(mostly(st.floats(-10, 10), odd_hyper), max_size=80))
    n = draw(st.integers(0, 70))
    if draw(st.integers(0, 6)) == 0:
        columns = draw(st.integers(0, 50))
    if draw(st.integers(0, 6)) == 0:
        dtype = draw(st.sampled_from([torch.bool, torch.int64, torch.float64, torch.float32]))
    out = torch.empty((n, columns), dtype=dtype)
    if draw(st.integers(0, 8)) == 0:
        out = torch.empty((columns, n), dtype=dtype).t()
    image_size = draw(mostly(st.tuples(st.integers(1, 5000), st.integers(1, 5000)).map(list),
                             st.one_of(st.just([]), st.lists(st.integers(-5, 2**40), max_size=3))))
    sizes = indices = None
    if draw(st.integers(0, 3)) == 0:
        sizes = torch.tensor(draw(st.lists(st.tuples(st.integers(-2, 5000), st.integers(1, 5000)),
                                           min_size=n, max_size=n)), dtype=torch.int64).reshape(n, 2)
        if draw(st.integers(0, 5)) == 0:
            sizes = sizes.to(torch.int32)
    if draw(st.integers(0, 3)) == 0:
        indices = torch.tensor(draw(st.lists(I64, min_size=n, max_size=n)), dtype=torch.int64)
        if draw(st.integers(0, 5)) == 0:
            indices = indices[: max(n - 1, 0)]
    return sampler, out, hyper, image_size, sizes, indices, mode


@fuzz(66)
@given(call=row_calls(), stream=streams)
def test_sample_rows_op(call, stream):
    sampler, out, hyper, image_size, sizes, indices, mode = call
    kind, _ = outcome(lambda: ops.sample_rows(out, sampler, hyper, image_size, sizes, indices, stream), NAMES)
    if kind == "rejected":
        return
    again = torch.empty_like(out)
    ops.sample_rows(again, sampler, hyper, image_size, sizes, indices, stream)
    assert same(out, again)
    if mode == "valid" and out.dtype == torch.int64 and out.numel():
        assert int(out.min()) > -(2**62) and int(out.max()) < 2**62


@st.composite
def iou_calls(draw):
    n = draw(st.integers(0, 6))
    m = draw(st.integers(0, 4))
    boxes = torch.rand(n, m, 4, dtype=torch.float64) * 50
    boxes[..., 2:] += boxes[..., :2]
    counts = torch.tensor(draw(st.lists(st.integers(-2, m + 2), min_size=n, max_size=n)), dtype=torch.int64)
    trials = draw(mostly(st.integers(1, 40), st.sampled_from([0, 2**24, 2**53])))
    rounds = draw(mostly(st.integers(1, 10), st.sampled_from([0, 2**24])))
    hyper = [0.3, 1.0, 0.5, 2.0, float(trials), float(rounds), float(m), 0.0, 0.5, 0.9]
    if draw(st.integers(0, 5)) == 0:
        hyper[6] = float(m + 1)
    return n, m, boxes, counts, hyper


@fuzz(66)
@given(call=iou_calls(), stream=streams)
def test_sample_rows_iou_crop_boxes(call, stream):
    """Box counts outside [0, max_boxes] (which would read and write past a sample's slots) and
    budgets past 2**24 are rejected."""
    n, m, boxes, counts, hyper = call
    out = torch.empty((n, 5 + m), dtype=torch.int64)
    kind, _ = outcome(lambda: ops.sample_rows(out, G.IOU_CROP, hyper, [60, 80], None, None, stream, None, boxes,
                                              counts), NAMES)
    if kind == "valid":
        assert all(0 <= c <= m for c in counts.tolist())
        ok = out[:, 0] != 0
        assert bool((out[ok, 1] + out[ok, 3] <= 60).all()) and bool((out[ok, 2] + out[ok, 4] <= 80).all())


# --- the field ops --------------------------------------------------------------------------------------


@fuzz(66)
@given(data=st.data(), stream=streams)
def test_elastic_field_op(data, stream):
    n = data.draw(st.integers(0, 3))
    h, w = data.draw(st.integers(0, 12)), data.draw(st.integers(0, 12))
    c = data.draw(mostly(st.just(2), st.integers(1, 3)))
    dtype = data.draw(mostly(st.just(torch.float32), st.sampled_from([torch.float64, torch.float16])))
    out = torch.empty((n, h, w, c), dtype=dtype)
    hyper = data.draw(mostly(st.lists(mostly(st.floats(0, 20), st.sampled_from(
        [0.0, -1.0, 63.9, 64.0, 64.1, 1e300, -1e300, float("inf"), float("nan"), 2e18])), min_size=4, max_size=4),
        st.lists(st.floats(0, 20), max_size=6)))
    idx = None
    if data.draw(st.booleans()):
        idx = torch.tensor(data.draw(st.lists(I64, min_size=n, max_size=n)), dtype=torch.int64)
    kind, _ = outcome(lambda: ops.elastic_field(out, hyper, idx, stream), NAMES)
    if kind == "valid":
        assert max(hyper[2], hyper[3]) <= 0 or 8 * max(hyper[2], hyper[3]) + 1 < 514  # no unchecked huge sigma
        assert bool(out.isfinite().all())
        again = torch.empty_like(out)
        ops.elastic_field(again, hyper, idx, stream)
        assert torch.equal(out, again)


@fuzz(66)
@given(out=outs(dtypes=[torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int16, torch.uint8,
                        torch.int32], min_dim=0, max_dim=4),
       mean=params, std=params, stream=streams, with_idx=st.booleans())
def test_normal_field_op(out, mean, std, stream, with_idx):
    n = out.shape[0] if out.dim() else 0
    idx = torch.arange(n, dtype=torch.int64) * 7919 if with_idx else None
    kind, _ = outcome(lambda: ops.normal_field(out, mean, std, idx, stream), NAMES)
    if kind == "valid":
        again = torch.empty_like(out)
        ops.normal_field(again, mean, std, idx, stream)
        assert same(out, again)


# --- the rest of the schema ------------------------------------------------------------------------------


def test_small_ops():
    assert ops._stream_version() == torchrng.STREAM_VERSION
    assert isinstance(ops._cuda_version(), int)
    assert ops._build_info().startswith("torch ")
    assert ops._cpu_isa() in ("scalar", "avx2", "avx512")
    # CUDA generators only (the op has no CPU kernel; on a CUDA build it names the generator)
    for gen in (None, torch.Generator()):
        with pytest.raises(RuntimeError):
            ops._philox_reserve(gen, 4)


@pytest.mark.parametrize("op,args", [
    ("fill_uniform", (torch.empty(4), 0.0, 1.0, [0, 0, 0, 0], torch.Generator())),
    ("sample_rows", (torch.empty(1, 1, dtype=torch.bool), 0, [0.5], [1, 1], None, None, [0, 0, 0, 0],
                     torch.Generator())),
    ("normal_field", (torch.empty(1, 4), 0.0, 1.0, None, [0, 0, 0, 0], torch.Generator())),
    ("elastic_field", (torch.empty(1, 2, 2, 2), [1.0, 1.0, 1.0, 1.0], None, [0, 0, 0, 0], torch.Generator())),
])
def test_cpu_kernels_reject_a_torch_generator(op, args):
    """A torch.Generator reaches a CPU kernel only as a key, resolved by the Python layer."""
    with pytest.raises(RuntimeError, match="torch.Generator|generator"):
        getattr(ops, op)(*args)

"""The failing inputs the reliability fuzzing found, pinned (docs/reliability.md lists the fixes).

Each test is the minimal input hypothesis reported (or the one a review of the same code path
gave), so that a derandomised fuzz run that happens not to reach it still guards the fix.
"""

from __future__ import annotations

import math

import pytest
import torch

import torchrng
import torchrng.transforms as T
from torchrng import _C
from torchrng import sample as S
from torchrng.sample import _geometry as G

K = torchrng.key(0)


def test_fill_wraps_at_2_64_for_multi_value_blocks():
    """uniform(n) from index 2**64 - 1 gave, past the wrap, group 2**62 instead of group 0 (when the
    index counted elements); now the values past sample index 2**64 - 1 are those of index 0."""
    for dtype, per_block in ((torch.float32, 4), (torch.float64, 2)):
        whole = torchrng.uniform(4 * per_block, generator=torchrng.Generator(K, index=2**64 - 1), dtype=dtype)
        g = torchrng.Generator(K, index=2**64 - 1)
        parts = torch.cat([torchrng.uniform(per_block, generator=g, dtype=dtype),
                           torchrng.uniform(3 * per_block, generator=g, dtype=dtype)])
        assert torch.equal(whole, parts)
        assert torch.equal(whole[per_block:], torchrng.uniform(3 * per_block, generator=K, dtype=dtype))


@pytest.mark.parametrize("call", [
    lambda: torchrng.beta(5e-324, 5e-324, 64, generator=K, dtype=torch.float64),
    lambda: torchrng.dirichlet([5e-324, 5e-324], (16,), generator=K, dtype=torch.float64),
    lambda: torchrng.dirichlet([5e-324, 5e-324, 1e-300], (16,), generator=K, dtype=torch.float64),
    lambda: S.mixup(K, n=16, alpha=1e-40, per_sample=True)["lam"],
    lambda: S.augmix(K, n=16, image_size=(8, 8), alpha=1e-40)["chain_weights"],
    lambda: S.augmix(K, n=16, image_size=(8, 8), alpha=1e-40)["beta_weights"],
])
def test_subnormal_concentrations_give_no_nan(call):
    """Concentrations below ~1e-307 made every log-gamma -inf, and the ratios NaN. (The samplers
    reject an alpha that is 0 in float32, as torchvision does: test_sample_augment.py.)"""
    out = call()
    assert not bool(out.isnan().any())
    assert bool((out >= 0).all()) and bool((out <= 1).all())


def test_dirichlet_rows_sum_to_one_with_ties_at_minus_inf():
    out = torchrng.dirichlet([5e-324, 5e-324, 1.0], (32,), generator=K, dtype=torch.float64)
    assert torch.allclose(out.sum(-1), torch.ones(32, dtype=torch.float64))


@pytest.mark.parametrize("call,match", [
    (lambda: S.scale_jitter(K, n=1, image_size=(1, 1), target_size=(1e300, 1e300)), "target_size"),
    (lambda: S.zoom_out(K, n=1, image_size=(8, 8), side_range=(1.0, 1e300)), "side_range"),
    (lambda: S.shortest_size(K, n=1, image_size=(1, 2**30), min_size=2**40), "min_size"),
    (lambda: S.shortest_size(K, n=1, image_size=(8, 8), min_size=8, max_size=2**62), "max_size"),
    (lambda: S.resize(K, n=1, min_size=1, max_size=2**63 - 1), "max_size"),
    (lambda: S.crop(K, n=1, image_size=(8, 8), size=2**40, pad_if_needed=True), "size"),
    (lambda: S.resized_crop(K, n=1, image_size=(2**40, 2**40)), "image_size"),
    (lambda: S.rotation(K, n=1, degrees=1e308), "degrees"),
    (lambda: S.affine(K, n=1, image_size=(8, 8), degrees=(-1e308, 1e308)), "degrees"),
    (lambda: S.affine(K, n=1, image_size=(8, 8), degrees=0, shear=(-1e308, 1e308)), "shear"),
    (lambda: S.elastic(K, n=1, image_size=(3, 3), sigma=1e300), "sigma"),
    (lambda: S.elastic(K, n=1, image_size=(3, 3), sigma=3e18), "sigma"),
    (lambda: S.iou_crop(K, n=1, image_size=(8, 8), boxes=[torch.zeros(0, 4)], trials=10**12), "trials"),
    (lambda: S.cutmix(K, n=2, image_size=torch.tensor([[3, 1], [1, 1]])), "per_sample"),
    (lambda: T.RandomRotation(float("nan")), "degrees"),
    (lambda: T.RandomResize(1, 2**63 - 1), "max_size"),
])
def test_values_that_gave_garbage_are_rejected(call, match):
    """Each used to return int64 garbage (INT64_MIN from an overflowing cast), infinite or NaN
    parameters, a silently unblurred field, a loop of 10**13 trials, or a box outside the image.
    (The elastic sigma is checked by the op: a RuntimeError.)"""
    with pytest.raises((ValueError, RuntimeError), match=match):
        call()


def test_raw_op_box_counts_out_of_range():
    """A box count above the padded slots read and wrote past the sample's row (heap overflow)."""
    out = torch.empty((2, 5 + 1), dtype=torch.int64)
    boxes = torch.zeros((2, 1, 4), dtype=torch.float64)
    hyper = [0.3, 1.0, 0.5, 2.0, 40.0, 10.0, 1.0, 0.0, 0.5]
    for counts in ([5, 0], [-1, 0], [0, 2]):
        with pytest.raises(RuntimeError, match="box_counts"):
            torch.ops.torchrng.sample_rows(out, G.IOU_CROP, hyper, [8, 8], None, None, [0, 0, 0, 0], None, boxes,
                                           torch.tensor(counts))


def test_raw_op_checks_sizes_and_integer_hyperparameters():
    out = torch.empty((2, 4), dtype=torch.int64)
    for sizes in ([[0, 3], [4, 4]], [[2**31, 3], [4, 4]], [[4, -1], [4, 4]]):
        with pytest.raises(RuntimeError, match="sizes"):
            torch.ops.torchrng.sample_rows(out, G.RESIZED_CROP, G.resized_crop_hyper(), [], torch.tensor(sizes), None,
                                           [0, 0, 0, 0])
    crop = torch.empty((1, 10), dtype=torch.int64)
    for bad in (float("inf"), 1e300, 2.0**60):
        with pytest.raises(RuntimeError, match="integer hyperparameter"):
            torch.ops.torchrng.sample_rows(crop, G.CROP, [bad, 4, 0, 0, 0, 0, 0], [8, 8], None, None, [0, 0, 0, 0])
    with pytest.raises(RuntimeError, match="integer hyperparameter"):
        torch.ops.torchrng.sample_rows(torch.empty((1, 11), dtype=torch.float64), 15, [1.0, 1e300, 0.5, 1, 0, 0.5, 1],
                                       [8, 8], None, None, [0, 0, 0, 0])


def test_raw_perspective_op_refuses_scales_outside_unit_interval():
    """A distortion scale above 1 put corner offsets past the image side (and past int64 for huge
    values), where the sampler's exact integer collinearity test no longer holds."""
    out = torch.empty((1, 17), dtype=torch.float64)
    for hyper in ([0.5, 1.5], [0.5, 1e300], [0.5, -0.1], [2.0, 0.5], [-1.0, 0.5]):
        with pytest.raises(RuntimeError, match="distortion_scale"):
            torch.ops.torchrng.sample_rows(out, G.PERSPECTIVE, hyper, [8, 8], None, None, [0, 0, 0, 0])
    torch.ops.torchrng.sample_rows(out, G.PERSPECTIVE, [1.0, 1.0], [8, 8], None, None, [0, 0, 0, 0])
    assert out[0, 0] == 1.0 and bool(((out[0, 9:] >= 0) & (out[0, 9:] < 8)).all())


@pytest.mark.parametrize("op,args", [
    ("fill_randint", (torch.empty(4), 0, 10)),
    ("fill_randperm", (torch.empty(2, 4),)),
    ("fill_randint", (torch.empty(4, dtype=torch.bool), 0, 2)),
])
def test_integer_ops_name_the_dtype(op, args):
    """A float `out` raised NotImplementedError '"torchrng_randint" not implemented for Float'."""
    with pytest.raises(RuntimeError, match="out dtype"):
        getattr(torch.ops.torchrng, op)(*args, [0, 0, 0, 0])


def test_sample_one_errors_have_no_cpp_backtrace():
    with pytest.raises(ValueError) as e:
        _C.sample_one(G.ROTATION, (float("nan"), 1.0), 1, 1, 0, 0, 0, 0)
    assert "frame #" not in str(e.value) and "NaN" in str(e.value)


def test_cutmix_area_beyond_int64_products():
    """lam_adjusted is computed from areas in float64 (the int64 product of two sides near 2**31
    is fine, but the raw op takes any sizes below 2**31)."""
    out = S.cutmix(K, n=64, image_size=(2**31 - 1, 2**31 - 1), per_sample=True)
    assert bool((out["lam_adjusted"] >= 0).all()) and bool((out["lam_adjusted"] <= 1).all())
    small = S.cutmix(K, n=64, image_size=(224, 224), per_sample=True)
    ref = 1 - ((small["box"][:, 2] - small["box"][:, 0]) * (small["box"][:, 3] - small["box"][:, 1])).double() / 224**2
    assert torch.equal(small["lam_adjusted"], ref)


def test_generator_reserve_is_atomic():
    g = torchrng.Generator(3, index=2**64 - 1)
    key, first = g.reserve(2)
    assert key == torchrng.key(3) and first == 2**64 - 1 and g.index == 1
    assert g.take(0) == 1
    with pytest.raises(ValueError, match="n"):
        g.reserve(-1)


def test_saturating_casts_in_the_raw_op():
    """Hyperparameters no wrapper passes (a scale jitter target of 1e300) give saturated sizes, not
    an undefined cast."""
    out = torch.empty((3, 2), dtype=torch.int64)
    torch.ops.torchrng.sample_rows(out, G.SCALE_JITTER, [1e300, 1e300, 1.0, 2.0], [4, 4], None, None, [0, 0, 0, 0])
    assert bool((out == 2**63 - 1).all())
    assert math.isfinite(float(S.scale_jitter(K, n=1, image_size=(4, 4), target_size=(2**31 - 1, 5))["size"].max()))


@pytest.mark.parametrize("call,match", [
    (lambda: S.color_jitter(K, n=1, brightness=(0.0, None)), "brightness"),
    (lambda: S.color_jitter(K, n=1, contrast=(0.0, "x")), "contrast"),
    (lambda: S.gaussian_blur(K, n=1, kernel_size="3"), "kernel_size"),
    (lambda: S.random_apply(K, n=1, transforms=[]), "transforms"),
    (lambda: S.random_order(K, n=1, transforms=[]), "transforms"),
    (lambda: S.affine(K, n=1, image_size=(8, 8), degrees=0, scale=(None, 1.0)), "scale"),
    (lambda: S.affine(K, n=1, image_size=(8, 8), degrees=0, translate=(None, 0.5)), "translate"),
    (lambda: S.elastic(K, n=1, image_size=(3, 3), sigma=1.0, alpha=(1e308, 0.0)), "alpha"),
])
def test_errors_name_the_argument(call, match):
    """These raised `float() argument must be a string or a real number, not 'NoneType'`,
    `'<=' not supported between instances of 'str' and 'int'` and "Pass at least one transform"."""
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_random_choice_weights_whose_sum_overflows():
    """p=[1e308, 1e308]: the sum is inf, every normalised weight 0, and max() of no positive weight
    raised 'max() arg is an empty sequence'. Now the same ratios, rescaled."""
    out = S.random_choice(K, n=4000, p=[1e308, 1e308])["index"]
    assert set(out.tolist()) == {0, 1} and 0.45 < out.double().mean() < 0.55
    assert torch.equal(out, S.random_choice(K, n=4000, p=[1.0, 1.0])["index"])


@pytest.mark.parametrize("p", [[0.0], [0.0, 0.0]])
def test_drop_in_random_choice_zero_weights(p):
    """The drop-in passed p to torchvision's constructor first, whose `prob / total` raised a
    ZeroDivisionError naming nothing (found by the fuzz run of a clean clone)."""
    import torchrng.transforms as T

    with pytest.raises(ValueError, match="p must hold a positive weight"):
        T.RandomChoice([T.RandomHorizontalFlip()] * len(p), p=p)


def test_drop_in_random_choice_weights_whose_sum_overflows():
    """torchvision's p / sum(p) turns [1e308, 1e308] into zeros; the drop-in keeps the ratios."""
    from torchvision.transforms import v2 as TV

    class Tag(torch.nn.Module):
        def __init__(self, value):
            super().__init__()
            self.value = value

        def forward(self, x):
            return x + self.value

    x = torch.zeros(1)
    big = T.RandomChoice([Tag(0), Tag(1)], p=[1e308, 1e308])
    even = T.RandomChoice([Tag(0), Tag(1)], p=[1.0, 1.0])
    picks = [big(x, generator=torchrng.key(s)).item() for s in range(200)]
    assert picks == [even(x, generator=torchrng.key(s)).item() for s in range(200)]
    assert 0 < sum(picks) < 200
    assert isinstance(big, TV.RandomChoice)


def test_elastic_field_op_rejects_alpha_past_float32():
    """The raw op with alpha = 1e300 wrote an infinite float32 displacement (the thorough fuzz
    profile); the Python layer already refused it, the op now does too."""
    out = torch.empty((1, 1, 1, 2))
    with pytest.raises(RuntimeError, match="alpha"):
        torch.ops.torchrng.elastic_field(out, [0.0, 1e300, 0.0, 0.0], None, [0, 0, 0, 0])
    torch.ops.torchrng.elastic_field(out, [0.0, 3.4028234663852886e38, 0.0, 0.0], None, [0, 0, 0, 0])
    assert bool(out.isfinite().all())

"""The eager CPU path of torchrng.sample (torchrng._C.sample_dict: rows and make_params dict made in
one C++ call) returns the same tensors as the op path (torch.ops.torchrng.sample_rows, then
Layout.split), and steps aside wherever the op must be seen."""

import pytest
import torch
from torch.overrides import TorchFunctionMode

import torchrng
from torchrng import _C
from torchrng import sample as S
from torchrng.sample import _driver
from torchrng.sample._layout import BITS, BOOL, INT, VIEW, Layout, column, columns

HW = (37, 53)

# Every sampler whose dict comes from draw_dict, with hyperparameters that reach each field kind.
CALLS = [
    ("horizontal_flip", {}),
    ("vertical_flip", {"p": 0.3}),
    ("resized_crop", {"image_size": HW}),
    ("resized_crop", {"image_size": (1, 400), "scale": (0.9, 1.0), "ratio": (5.0, 6.0)}),
    ("crop", {"image_size": HW, "size": 40, "pad_if_needed": True, "padding": [1, 2]}),
    ("rotation", {"degrees": 30}),
    ("affine", {"image_size": HW, "degrees": 30, "translate": (0.1, 0.2), "scale": (0.8, 1.2), "shear": (1, 2, 3, 4)}),
    ("perspective", {"image_size": HW, "distortion_scale": 0.6, "p": 0.5}),
    ("zoom_out", {"image_size": HW, "side_range": (1.0, 3.0), "p": 0.5}),
    ("scale_jitter", {"image_size": HW, "target_size": (64, 48)}),
    ("shortest_size", {"image_size": HW, "min_size": [20, 30], "max_size": 70}),
    ("resize", {"min_size": 10, "max_size": 90}),
    ("color_jitter", {"brightness": 0.4, "contrast": 0.4, "saturation": 0.4, "hue": 0.1}),
    ("color_jitter", {"hue": 0.2}),
    ("photometric_distort", {"num_channels": 5}),
    ("channel_permutation", {"num_channels": 4}),
    ("grayscale", {"p": 0.5}),
    ("invert", {}),
    ("erasing", {"image_size": HW, "p": 0.5, "value": (1.0, 2.0, 3.0)}),
    ("erasing", {"image_size": (8, 9), "value": "random"}),
    ("mixup", {"alpha": 0.7, "per_sample": True}),
    ("mixup", {"alpha": 0.7, "per_sample": False}),  # one row for the batch: the op path either way
    ("cutmix", {"image_size": HW, "alpha": 1.5, "per_sample": True}),
    ("jpeg", {"quality": (20, 90)}),
    ("rand_augment", {"image_size": HW, "num_ops": 3, "magnitude": 7}),
    ("rand_augment", {"image_size": HW, "num_ops": 0}),
    ("trivial_augment_wide", {}),
    ("augmix", {"image_size": HW, "mixture_width": 2, "chain_depth": -1}),
    ("random_choice", {"p": [0.2, 0.5, 0.3]}),
    ("random_order", {"num_transforms": 4}),
]


def _call(name, kwargs, n, eager, monkeypatch, generator=None):
    monkeypatch.setattr(_driver, "EAGER_CPU", eager)
    return getattr(S, name)(torchrng.key(11) if generator is None else generator, n=n, **kwargs)


def _same(a: dict, b: dict):
    assert a.keys() == b.keys()
    for k in a:
        x, y = a[k], b[k]
        assert (x.dtype, x.shape, x.device) == (y.dtype, y.shape, y.device), k
        if x.is_floating_point():
            assert torch.equal(x.view(torch.int64) if x.dtype == torch.float64 else x, y.view(torch.int64)
                               if y.dtype == torch.float64 else y), k  # bit for bit, NaN included
        else:
            assert torch.equal(x, y), k


@pytest.mark.parametrize("n", [0, 1, 5, 333])
@pytest.mark.parametrize("name, kwargs", CALLS, ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_eager_path_returns_the_op_paths_tensors(name, kwargs, n, monkeypatch):
    calls = []
    real = _C.sample_dict
    monkeypatch.setattr(_C, "sample_dict", lambda *a: calls.append(a[0]) or real(*a))
    eager = _call(name, kwargs, n, True, monkeypatch)
    assert bool(calls) == kwargs.get("per_sample", True), "the eager path was not taken"
    _same(eager, _call(name, kwargs, n, False, monkeypatch))


def test_eager_path_advances_a_generator_like_the_op_path(monkeypatch):
    a, b = torchrng.Generator(torchrng.key(3)), torchrng.Generator(torchrng.key(3))
    for _ in range(3):
        _same(_call("affine", CALLS[6][1], 17, True, monkeypatch, a), _call("affine", CALLS[6][1], 17, False,
                                                                             monkeypatch, b))


def test_explicit_indices_take_the_op_path(monkeypatch):
    monkeypatch.setattr(_C, "sample_dict", lambda *a: pytest.fail("eager path taken"))
    S.resized_crop(torchrng.key(2), indices=torch.tensor([5, 9]), image_size=HW)


# Per-sample (height, width) rows: 1x1, thin, the largest side, and a repeated size.
SIZES = [[37, 53], [1, 1], [1, 400], [(1 << 31) - 1, 3], [37, 53], [224, 224], [5, 9]]


@pytest.mark.parametrize("n", [0, 1, 7, 333])
@pytest.mark.parametrize("name, kwargs", [c for c in CALLS if "image_size" in c[1] and c[1].get("value") != "random"],
                         ids=lambda c: c if isinstance(c, str) else "")
def test_per_sample_sizes_take_the_eager_path_with_the_op_paths_tensors(name, kwargs, n, monkeypatch):
    calls = []
    real = _C.sample_dict
    monkeypatch.setattr(_C, "sample_dict", lambda *a: calls.append(len(a)) or real(*a))
    sized = {**kwargs, "image_size": torch.tensor((SIZES * (n // len(SIZES) + 1))[:n], dtype=torch.int64).view(n, 2)}
    eager = _call(name, sized, n, True, monkeypatch)
    assert calls == [10], "the eager path was not taken with the sizes"
    _same(eager, _call(name, sized, n, False, monkeypatch))


def test_views_share_the_rows_and_new_tensors_do_not_alias(monkeypatch):
    out = _call("crop", CALLS[4][1], 6, True, monkeypatch)
    top, left = out["top"], out["left"]
    assert top.untyped_storage().data_ptr() == left.untyped_storage().data_ptr()
    assert (top.stride(), top.storage_offset(), left.storage_offset()) == ((10,), 1, 2)
    assert out["needs_crop"].is_contiguous() and out["needs_crop"].dtype == torch.bool
    assert out["needs_crop"].untyped_storage().data_ptr() != top.untyped_storage().data_ptr()
    assert not any(t.requires_grad for t in out.values())


class _Recorder(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        self.ops.append(str(func))
        return func(*args, **(kwargs or {}))


def test_a_torch_function_mode_sees_the_op(monkeypatch):
    monkeypatch.setattr(_C, "sample_dict", lambda *a: pytest.fail("eager path taken under a function mode"))
    with _Recorder() as mode:
        out = S.color_jitter(torchrng.key(1), n=4, brightness=0.5)
    assert any("sample_rows" in op for op in mode.ops)
    assert out["fn_idx"].shape == (4, 4)


def test_fake_tensor_mode_gets_fake_tensors():
    from torch._subclasses.fake_tensor import FakeTensor, FakeTensorMode

    with FakeTensorMode():
        out = S.resized_crop(torchrng.key(1), n=8, image_size=HW)
    assert all(isinstance(t, FakeTensor) and t.shape == (8,) for t in out.values())


def test_inference_mode_and_no_grad():
    with torch.inference_mode():
        out = S.affine(torchrng.key(4), n=3, **CALLS[6][1])
    assert all(t.is_inference() for t in out.values())
    with torch.no_grad():
        again = S.affine(torchrng.key(4), n=3, **CALLS[6][1])
    _same(out, again)


def test_layout_split_matches_the_eager_fields_for_every_kind():
    rows = torch.arange(4 * 9, dtype=torch.float64).view(4, 9)
    rows[1, 0] = 0.0
    layout = Layout(column("a", 0, BOOL), columns("b", 1, 2, kind=INT), columns("c", 3, 3, kind=VIEW),
                    columns("d", 6, 3, 1, kind=BITS))
    got = layout.split(rows)
    assert got["a"].tolist() == [False, False, True, True]
    assert got["b"].tolist() == [[1, 2], [10, 11], [19, 20], [28, 29]] and got["b"].dtype == torch.int64
    assert torch.equal(got["c"], rows[:, 3:6]) and got["d"].shape == (4, 3, 1)
    assert torch.equal(got["d"].view(torch.float64), rows[:, 6:9].unsqueeze(2))


@pytest.mark.parametrize("bad, match", [
    ((11, [0.0] * 12, 7, 1, 8, 1, 1, [0, 0, 0, 0], ()), "dtype_code"),
    ((11, [0.0] * 12, 2, -1, 8, 1, 1, [0, 0, 0, 0], ()), "n and columns"),
    ((11, [0.0] * 12, 2, 2, 8, 1, 1, [0, 0, 0, 0], (("x", 9, 0, ()),)), "kind"),
    ((11, [0.0] * 12, 2, 2, 8, 1, 1, [0, 0, 0, 0], (("x", 0, 6, (4,)),)), "outside"),
    ((11, [0.0] * 12, 1, 2, 8, 1, 1, [0, 0, 0, 0], ()), "must be Double"),
    ((0, [0.5], 0, 2, 1, 1, 1, [0, 0, 0, 0], (("x", 1, 0, ()),)), "float64 rows"),
    ((11, ["a"], 2, 2, 8, 1, 1, [0, 0, 0, 0], ()), "real number"),
    ((11, [0.0] * 12, 2, 2, 8, 0, 1, [0, 0, 0, 0], ()), "image_size"),
    ((99, [0.0], 2, 2, 8, 1, 1, [0, 0, 0, 0], ()), "sampler"),
    ((11, [0.0] * 12, 2, 2, 8, 0, 0, [0, 0, 0, 0], (), [[1, 2], [3, 4]]), "sizes must be a tensor"),
    ((11, [0.0] * 12, 2, 2, 8, 0, 0, [0, 0, 0, 0], (), torch.ones(2, 3, dtype=torch.int64)), r"\(n, 2\) int64"),
    ((11, [0.0] * 12, 2, 2, 8, 0, 0, [0, 0, 0, 0], (), torch.ones(2, 2)), r"\(n, 2\) int64"),
    ((11, [0.0] * 12, 2, 2, 8, 0, 0, [0, 0, 0, 0], (), torch.tensor([[1, 2], [0, 4]])), r"\[1, 2\*\*31\)"),
])
def test_sample_dict_rejects_bad_arguments_without_crashing(bad, match):
    with pytest.raises((ValueError, TypeError, RuntimeError), match=match):
        _C.sample_dict(*bad)

"""The sample_rows op stores the integer columns of some float64 rows as int64 bit patterns
(a sampler's int_columns(), csrc/samplers/common.h), which torchrng.sample views in place instead
of casting: ColorJitter's fn_idx, RandAugment's and TrivialAugmentWide's op / magnitude_bin / sign
groups, RandomPerspective's endpoints, RandomAffine's translation, AutoAugment's policy / op /
magnitude_bin / sign columns. Row for row, the op must hold exactly what the sampler
computes (the drop-ins' scalar sample_one returns the sampler's plain doubles): those columns as
int64, every other column bit for bit as float64."""

import struct

import pytest
import torch

import torchrng
from torchrng import _C
from torchrng.sample import _auto_augment as A
from torchrng.sample import _color as C
from torchrng.sample import _geometry as G
from torchrng.sample import _ids as ids
from torchrng.sample._driver import draw_rows

K = torchrng.key(2027)
N = 300

CASES = [
    # (sampler id, hyperparameters, columns, blocks a sample, integer columns [begin, end))
    pytest.param(ids.COLOR_JITTER, C.color_jitter_hyper(0.4, 0.4, 0.4, 0.1), 8, 2, (0, 4), id="color_jitter"),
    pytest.param(ids.COLOR_JITTER, C.color_jitter_hyper(None, 0.5, None, None), 8, 2, (0, 4), id="color_jitter_nan"),
    pytest.param(ids.RAND_AUGMENT, A.rand_augment_hyper(3, 9, 31), 12, 4, (0, 9), id="rand_augment"),
    pytest.param(ids.TRIVIAL_AUGMENT_WIDE, [31.0], 4, 3, (0, 3), id="trivial_augment_wide"),
    pytest.param(G.PERSPECTIVE, G.perspective_hyper(0.7, 0.5), 17, 9, (9, 17), id="perspective"),
    pytest.param(G.AFFINE, G.affine_hyper(30, (0.1, 0.3), (0.8, 1.2), 10), 6, 2, (1, 3), id="affine"),
    pytest.param(ids.AUTO_AUGMENT, A.auto_augment_hyper("imagenet"), 11, 2, (2, 9), id="auto_augment"),
    pytest.param(ids.AUTO_AUGMENT, A.auto_augment_hyper("svhn"), 11, 2, (2, 9), id="auto_augment_svhn"),
    pytest.param(G.AFFINE, G.affine_hyper(0, None, None, (-5, 5, -40, 40)), 6, 2, (1, 3), id="affine_no_translate"),
]


def _bits(x: float) -> int:
    return struct.unpack("<q", struct.pack("<d", x))[0]


@pytest.mark.parametrize("sampler, hyper, columns, blocks, ints", CASES)
@pytest.mark.parametrize("size", [(224, 224), (1, 1), (37, 4000)])
def test_rows_hold_the_samplers_values(sampler, hyper, columns, blocks, ints, size):
    rows = draw_rows(sampler, columns, torch.float64, list(hyper), blocks, K, N, None, size, None, torch.device("cpu"))
    as_int = rows.view(torch.int64)
    begin, end = ints
    for i in (0, 1, 63, 64, 65, 128, N - 1):
        want = _C.sample_one(sampler, tuple(hyper), size[0], size[1], *K.words, i, 0)
        assert len(want) == columns
        for c in range(columns):
            if begin <= c < end:
                assert float(want[c]).is_integer()
                assert int(as_int[i, c]) == int(want[c]), (i, c)
            else:  # the float columns are untouched, NaN payloads included
                assert int(as_int[i, c]) == _bits(float(want[c])), (i, c)


def test_public_outputs_are_int64_views_of_the_rows():
    jitter = torchrng.sample.color_jitter(K, n=N, brightness=0.4, hue=0.1)
    assert jitter["fn_idx"].dtype == torch.int64
    assert torch.equal(jitter["fn_idx"].sort(1).values, torch.arange(4).expand(N, 4))
    augment = torchrng.sample.rand_augment(K, n=N, image_size=(224, 224), num_ops=3)
    assert augment["op"].dtype == torch.int64 and int(augment["op"].min()) >= 0 and int(augment["op"].max()) < 14
    assert set(augment["sign"].unique().tolist()) <= {-1, 1}
    affine = torchrng.sample.affine(K, n=N, image_size=(100, 60), degrees=10, translate=(0.5, 0.25))
    t = affine["translate"]
    assert t.dtype == torch.int64 and t.shape == (N, 2)
    assert int(t[:, 0].abs().max()) <= 30 and int(t[:, 1].abs().max()) <= 25 and int(t.abs().max()) > 10
    persp = torchrng.sample.perspective(K, n=N, image_size=(100, 60), distortion_scale=1.0)
    end = persp["endpoints"]
    assert end.dtype == torch.int64 and end.shape == (N, 4, 2)
    assert int(end[..., 0].min()) >= 0 and int(end[..., 0].max()) <= 59
    assert int(end[..., 1].min()) >= 0 and int(end[..., 1].max()) <= 99

"""AutoAugment, RandAugment, TrivialAugmentWide and AugMix against torchvision's own forward, run
with instrumented op lists: `_apply_image_or_video_transform` records (op, magnitude) and returns the
image unchanged, `_sample_dirichlet` records AugMix's weights. Two-sample tests at ALPHA over
N_TORCHVISION torchvision calls per case; magnitudes are compared value for value with
torchvision's magnitude tables."""

import collections

import numpy as np
import pytest
import torch
from scipy import stats
from torchvision.transforms import v2 as T
from torchvision.transforms.v2 import AutoAugmentPolicy
from torchvision.transforms.v2._auto_augment import _AutoAugmentBase

import torchrng
from torchrng import sample as S
from torchrng.sample._auto_augment import AUGMIX_OPS, POLICIES

from distribution import ALPHA, N_TORCHVISION, same_distribution

K = torchrng.key(45)
OPS = S.AUGMENT_OPS


def run(transform, image, n=N_TORCHVISION, seed=0):
    """torchvision's forward n times; returns the recorded (op, magnitude) list of each call, the
    magnitudes rounded to 4 decimals (see r4)."""
    calls = []
    torch.manual_seed(seed)
    import torchvision.transforms.v2._auto_augment as tv_aa

    def record(self, img, transform_id, magnitude, interpolation, fill):
        calls[-1].append((transform_id, r4(magnitude)))
        return img

    original = tv_aa._AutoAugmentBase._apply_image_or_video_transform
    tv_aa._AutoAugmentBase._apply_image_or_video_transform = record
    try:
        for _ in range(n):
            calls.append([])
            transform(image)
    finally:
        tv_aa._AutoAugmentBase._apply_image_or_video_transform = original
    return calls


def r4(m: float) -> float:
    """Magnitudes as categories: torch.linspace's last float32 bit depends on the CPU's vector ISA
    (on this project's reference CPU torchrng's values are bit-identical; see
    test_magnitudes_are_torchvision_s_values), so categorical comparisons round it away."""
    return round(m, 4) + 0.0


def close_f32(ours: float, theirs: float) -> bool:
    return ours == theirs or abs(ours - theirs) <= abs(theirs) * 2.0**-22


def same_categories(ours, theirs, alpha=ALPHA, what=""):
    """Chi-square on the counts of hashable outcomes, rare outcomes pooled (expected count >= 5)."""
    a, b = collections.Counter(ours), collections.Counter(theirs)
    keys = sorted(set(a) | set(b), key=lambda k: -(a[k] + b[k]))
    total_a, total_b = len(ours), len(theirs)
    table, pool = [], np.zeros(2)
    for k in keys:
        row = np.array([a[k], b[k]], dtype=float)
        expected = row.sum() * np.array([total_a, total_b]) / (total_a + total_b)
        if expected.min() >= 5:
            table.append(row)
        else:
            pool += row
    if pool.sum():
        table.append(pool)
    if len(table) < 2:
        return
    p = stats.chi2_contingency(np.array(table).T)[1]
    assert p > alpha, f"{what}: p = {p:.3g} <= {alpha}"


def our_applied(out, i, keys=("op", "magnitude"), mask=None):
    ops = out["op"][i].flatten().tolist()
    mags = [r4(m) for m in out["magnitude"][i].flatten().tolist()]
    keep = [True] * len(ops) if mask is None else mask[i].flatten().tolist()
    return [(OPS[o], m) for o, m, k in zip(ops, mags, keep) if k and o >= 0]


IMAGE = torch.zeros(3, 30, 41, dtype=torch.uint8)


@pytest.mark.parametrize("policy", list(AutoAugmentPolicy))
def test_auto_augment_matches_torchvision(policy):
    theirs = run(T.AutoAugment(policy), IMAGE)
    ours = S.auto_augment(K, n=N_TORCHVISION, image_size=IMAGE.shape[1:], policy=policy)
    ours_seq = [tuple(our_applied(ours, i, mask=ours["applied"])) for i in range(N_TORCHVISION)]
    same_categories(ours_seq, [tuple(c) for c in theirs], what=f"auto_augment {policy.value} applied ops")
    same_distribution(ours["policy"], torch.randint(25, (N_TORCHVISION,)), what="sub-policy")
    # every row is consistent with its sub-policy
    table = POLICIES[policy.value]
    for i in range(200):
        sub = table[int(ours["policy"][i])]
        for k in range(2):
            name, _, magnitude_bin = sub[k]
            assert OPS[int(ours["op"][i, k])] == name
            assert int(ours["magnitude_bin"][i, k]) == (-1 if magnitude_bin is None else magnitude_bin)


def test_auto_augment_policies_are_torchvision_s():
    for policy in AutoAugmentPolicy:
        assert [tuple(s) for s in T.AutoAugment(policy)._policies] == list(POLICIES[policy.value])
    assert list(T.RandAugment._AUGMENTATION_SPACE) == list(OPS[:14])
    assert list(T.TrivialAugmentWide._AUGMENTATION_SPACE) == list(OPS[:14])
    assert list(T.AutoAugment._AUGMENTATION_SPACE) == list(OPS[1:])
    assert list(T.AugMix._AUGMENTATION_SPACE) == list(AUGMIX_OPS)
    assert S.auto_augment(K, n=3, image_size=(9, 9), policy=AutoAugmentPolicy.CIFAR10)["policy"].shape == (3,)


def test_auto_augment_application_coins():
    out = S.auto_augment(K, n=60_000, image_size=(8, 8))
    table = POLICIES["imagenet"]
    prob = torch.tensor([[table[int(p)][k][1] for k in range(2)] for p in out["policy"].tolist()])
    for k in range(2):
        for value in sorted(set(prob[:, k].tolist())):
            rows = prob[:, k] == value
            hits = int(out["applied"][rows, k].sum())
            expected = 1.0 if value == 1.0 else value  # torch.rand(()) <= p
            if value == 0.0:
                assert hits == 0
            else:
                assert stats.binomtest(hits, int(rows.sum()), expected).pvalue > ALPHA


@pytest.mark.parametrize("kw", [{}, {"num_ops": 3, "magnitude": 4, "num_magnitude_bins": 10},
                                {"num_ops": 1, "magnitude": -1, "num_magnitude_bins": 5}])
def test_rand_augment_matches_torchvision(kw):
    theirs = run(T.RandAugment(**kw), IMAGE)
    ours = S.rand_augment(K, n=N_TORCHVISION, image_size=IMAGE.shape[1:], **kw)
    k = kw.get("num_ops", 2)
    for j in range(k):
        ours_j = [(OPS[int(o)], r4(m)) for o, m in zip(ours["op"][:, j].tolist(), ours["magnitude"][:, j].tolist())]
        same_categories(ours_j, [c[j] for c in theirs], what=f"rand_augment (op, magnitude) {j}")
    assert len(theirs[0]) == k
    values = {pair for c in theirs for pair in c}
    for pair in {(OPS[int(o)], r4(m)) for o, m in zip(ours["op"].flatten().tolist(),
                                                      ours["magnitude"].flatten().tolist())}:
        assert pair in values, pair


def test_rand_augment_zero_ops():
    out = S.rand_augment(K, n=5, image_size=(9, 9), num_ops=0)
    assert all(v.shape == (5, 0) for v in out.values())


@pytest.mark.parametrize("bins", [31, 7, 2])
def test_trivial_augment_wide_matches_torchvision(bins):
    theirs = [c[0] for c in run(T.TrivialAugmentWide(num_magnitude_bins=bins), IMAGE)]
    ours = S.trivial_augment_wide(K, n=N_TORCHVISION, num_magnitude_bins=bins)
    pairs = [(OPS[int(o)], r4(m)) for o, m in zip(ours["op"].tolist(), ours["magnitude"].tolist())]
    same_categories([p[0] for p in pairs], [p[0] for p in theirs], what="trivial_augment_wide op")
    for name in ("Rotate", "Posterize", "Solarize", "Brightness"):
        same_distribution([m for o, m in pairs if o == name], [m for o, m in theirs if o == name],
                          what=f"trivial_augment_wide {name} magnitude")
    assert set(pairs) <= set(theirs)


def test_magnitudes_are_torchvision_s_values():
    """The signed magnitude of every row is torchvision's table value at its bin (float32 linspace
    as ATen computes it), for image sizes that change the Translate range."""
    for size in ((30, 41), (224, 224), (7, 513)):
        H, W = size
        out = S.augmix(K, n=2000, image_size=size, severity=10)
        for o, b, s, m in zip(*(out[k].flatten().tolist() for k in ("op", "magnitude_bin", "sign", "magnitude"))):
            if o < 0:
                continue
            table = T.AugMix._AUGMENTATION_SPACE[OPS[o]][0](10, H, W)
            assert (table is None and b == -1 and m == 0.0) or close_f32(m, s * float(table[b])), (OPS[o], b, m)
        out = S.rand_augment(K, n=2000, image_size=size, num_ops=2, magnitude=17, num_magnitude_bins=31)
        for o, b, s, m in zip(*(out[k].flatten().tolist() for k in ("op", "magnitude_bin", "sign", "magnitude"))):
            table = T.RandAugment._AUGMENTATION_SPACE[OPS[o]][0](31, H, W)
            assert (table is None and b == -1) or close_f32(m, s * float(table[b])), (OPS[o], b, m)


@pytest.mark.parametrize("kw", [{"chain_depth": 2}, {"chain_depth": 1, "mixture_width": 2, "all_ops": False,
                                                     "severity": 10, "alpha": 0.5}])
def test_augmix_ops_match_torchvision(kw, monkeypatch):
    # N_TORCHVISION op draws: width * depth per forward. The weights are tested apart; here a
    # cheap stand-in for the Dirichlet keeps the forwards fast (it draws nothing).
    monkeypatch.setattr(T.AugMix, "_sample_dirichlet", _uniform_weights)
    width = kw.get("mixture_width", 3)
    depth = kw["chain_depth"]
    n = -(-N_TORCHVISION // (width * depth))
    theirs = run(T.AugMix(**kw), IMAGE[None], n=n)
    ours = S.augmix(K, n=n, image_size=IMAGE.shape[1:], **kw)
    theirs_slots = torch.tensor([[OPS.index(o) for o, _ in c] for c in theirs]).view(n, width, depth)
    for c in range(width):
        for d in range(depth):
            same_distribution(ours["op"][:, c, d], theirs_slots[:, c, d], what=f"augmix op ({c},{d})")
    flat = lambda calls: [pair for c in calls for pair in c]  # noqa: E731
    ours_pairs = [(OPS[int(o)], r4(m)) for o, m in zip(ours["op"].flatten().tolist(),
                                                      ours["magnitude"].flatten().tolist()) if o >= 0]
    same_categories(ours_pairs, flat(theirs), what="augmix (op, magnitude)")
    assert (ours["depth"] == depth).all()


def _uniform_weights(self, params):
    return torch.full(params.shape, 1.0 / params.shape[-1])


def test_augmix_depth_matches_torchvision(monkeypatch):
    monkeypatch.setattr(T.AugMix, "_sample_dirichlet", _uniform_weights)
    n = -(-N_TORCHVISION // 3)  # three depth draws per forward
    theirs = run(T.AugMix(), IMAGE[None], n=n)
    ours = S.augmix(K, n=N_TORCHVISION, image_size=IMAGE.shape[1:])
    same_distribution(ours["depth"][:n].sum(1), [len(c) for c in theirs], what="augmix total depth")
    for c in range(3):
        same_distribution(ours["depth"][:, c], torch.randint(1, 4, (N_TORCHVISION,)), what=f"augmix depth {c}")
    unused = ours["op"] < 0
    assert (unused == (torch.arange(3) >= ours["depth"][..., None])).all()
    assert (ours["magnitude_bin"][unused] == -1).all() and (ours["magnitude"][unused] == 0).all()


@pytest.mark.parametrize("alpha,width", [(1.0, 3), (0.3, 4)])
def test_augmix_weights_match_torchvision(monkeypatch, alpha, width):
    """torchvision draws per-sample weights for a batch: one forward on N_TORCHVISION tiny images."""
    weights = []
    original = T.AugMix._sample_dirichlet

    def spy(self, params):
        out = original(self, params)
        weights.append(out)
        return out

    monkeypatch.setattr(T.AugMix, "_sample_dirichlet", spy)
    torch.manual_seed(0)
    run(T.AugMix(alpha=alpha, mixture_width=width), torch.zeros(N_TORCHVISION, 3, 1, 1, dtype=torch.uint8), n=1)
    m, combined = weights[0], weights[1] * weights[0][:, 1:]
    assert m.shape == (N_TORCHVISION, 2)
    ours = S.augmix(K, n=N_TORCHVISION, image_size=(1, 1), alpha=alpha, mixture_width=width)
    same_distribution(ours["beta_weights"][:, 0], m[:, 0], what="augmix original weight")
    for c in range(width):
        same_distribution(ours["chain_weights"][:, c], combined[:, c], what=f"augmix chain weight {c}")
    total = ours["beta_weights"][:, 0] + ours["chain_weights"].sum(1)
    torch.testing.assert_close(total, torch.ones_like(total))
    torch.testing.assert_close(ours["beta_weights"].sum(1), torch.ones(N_TORCHVISION, dtype=torch.float64))


BAD = [
    (lambda: S.auto_augment(K, n=1, image_size=(9, 9), policy="coco"), ValueError, "policy"),
    (lambda: S.auto_augment(K, n=1, policy="imagenet"), TypeError, "image_size"),
    (lambda: S.rand_augment(K, n=1, image_size=(9, 9), num_ops=-1), ValueError, "num_ops"),
    (lambda: S.rand_augment(K, n=1, image_size=(9, 9), num_ops=1.5), ValueError, "num_ops"),
    (lambda: S.rand_augment(K, n=1, image_size=(9, 9), magnitude=31), ValueError, "magnitude"),
    (lambda: S.rand_augment(K, n=1, image_size=(9, 9), num_magnitude_bins=1), ValueError, "num_magnitude_bins"),
    (lambda: S.trivial_augment_wide(K, n=1, num_magnitude_bins=0), ValueError, "num_magnitude_bins"),
    (lambda: S.augmix(K, n=1, image_size=(9, 9), severity=11), ValueError, "severity"),
    (lambda: S.augmix(K, n=1, image_size=(9, 9), severity=0), ValueError, "severity"),
    (lambda: S.augmix(K, n=1, image_size=(9, 9), alpha=0.0), ValueError, "alpha"),
    (lambda: S.augmix(K, n=1, image_size=(9, 9), mixture_width=0), ValueError, "mixture_width"),
    (lambda: S.augmix(K, n=1, image_size=(9, 9), all_ops=1), TypeError, "all_ops"),
]


@pytest.mark.parametrize("call,exc,match", BAD)
def test_bad_arguments_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_torchvision_rejects_the_same_values():
    for cls, kw in ((T.RandAugment, {"num_ops": -1}), (T.AugMix, {"severity": 11}), (T.AugMix, {"severity": 0})):
        with pytest.raises(ValueError):
            cls(**kw)

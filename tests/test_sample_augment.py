"""RandomErasing, MixUp, CutMix and the container decisions against torchvision (two-sample tests at
ALPHA over N_TORCHVISION torchvision draws per case), plus the reproducibility grid of every
photometric / erasing / auto-augment / mixing sampler: batch-vs-single parity, batch-size
invariance, empty batches, generators of every kind, opcheck, golden values, and CPU == CUDA."""

import hashlib
import math

import pytest
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2 as T

import torchrng
from torchrng import sample as S

from distribution import ALPHA, N_TORCHVISION, same_distribution, same_rate

K = torchrng.key(33)


def tv_params(transform, size, n=N_TORCHVISION, channels=3, batch=None, seed=0):
    torch.manual_seed(seed)
    shape = (channels, *size) if batch is None else (batch, channels, *size)
    inputs = [tv_tensors.Image(torch.empty(shape, dtype=torch.uint8))]
    return [transform.make_params(inputs) for _ in range(n)]


# --- RandomErasing ------------------------------------------------------------------------------

ERASING_CASES = [
    ((224, 224), {}),
    ((40, 90), {"scale": (0.1, 0.6), "ratio": (0.5, 4.0)}),
    ((16, 16), {"scale": (0.7, 1.0)}),  # most attempts fail: no-erase outcome often
    ((1, 1), {}),
]


@pytest.mark.parametrize("size,kw", ERASING_CASES)
def test_erasing_matches_torchvision(size, kw):
    theirs = tv_params(T.RandomErasing(p=1.0, **kw), size)
    ours = S.erasing(K, n=N_TORCHVISION, image_size=size, **kw)
    found = [p["v"] is not None for p in theirs]
    same_distribution(ours["found"], found, what="erasing found")
    f = ours["found"]
    hit = [p for p in theirs if p["v"] is not None]
    if hit:
        for key in ("i", "j", "h", "w"):
            same_distribution(ours[key][f], [p[key] for p in hit], what=f"erasing {key}")
    H, W = size
    assert (ours["i"][~f] == 0).all() and (ours["j"][~f] == 0).all()
    assert (ours["h"][~f] == H).all() and (ours["w"][~f] == W).all()
    assert (ours["h"][f] < H).all() and (ours["w"][f] < W).all()
    assert (ours["i"] + ours["h"] <= H).all() and (ours["j"] + ours["w"] <= W).all()


def test_erasing_no_erase_outcome_when_every_attempt_fails():
    size, kw = (30, 40), {"scale": (0.99, 1.0), "ratio": (1.0, 1.0)}
    theirs = tv_params(T.RandomErasing(p=1.0, **kw), size, n=300)
    assert all(p["v"] is None and (p["i"], p["j"], p["h"], p["w"]) == (0, 0, 30, 40) for p in theirs)
    ours = S.erasing(K, n=N_TORCHVISION, image_size=size, **kw)
    assert not ours["found"].any() and (ours["h"] == 30).all() and (ours["w"] == 40).all()
    assert (ours["i"] == 0).all() and (ours["j"] == 0).all()


def test_erasing_gate_and_values():
    out = S.erasing(K, n=30_000, image_size=(20, 20), p=0.3, value=(1, 2, 3))
    same_rate(int(out["apply"].sum()), 30_000, 0.3, what="erasing p")
    assert out["v"].shape == (30_000, 3, 1, 1) and out["v"].dtype == torch.float32
    assert torch.equal(out["v"][5, :, 0, 0], torch.tensor([1.0, 2.0, 3.0]))
    # the gate does not change the box (fixed budget, attempts drawn whatever the gate says)
    other = S.erasing(K, n=30_000, image_size=(20, 20), p=0.9)
    for key in ("found", "i", "j", "h", "w"):
        assert torch.equal(out[key], other[key])


def test_erasing_random_values():
    size = (24, 32)
    out = S.erasing(K, n=400, image_size=size, num_channels=2, value="random", p=1.0)
    v = out["v"]
    assert v.shape == (400, 2, *size) and v.dtype == torch.float32
    torch.manual_seed(0)
    same_distribution(v.flatten()[:N_TORCHVISION], torch.randn(N_TORCHVISION), what="erasing random values")
    # the box and its values: torchvision's v for sample k is v[k, :, i:i+h, j:j+w]
    fixed = S.erasing(K, n=400, image_size=size, num_channels=2, p=1.0)
    for key in ("apply", "found", "i", "j", "h", "w"):
        assert torch.equal(out[key], fixed[key])
    one = S.erasing(K, indices=[7], image_size=size, num_channels=2, value="random")
    assert torch.equal(one["v"][0], v[7])
    # the field is keyed apart from the rows: not the gaussian_noise field of the same key
    noise = S.gaussian_noise(K, n=2, image_size=size, num_channels=2, sigma=1.0)["noise"]
    assert not torch.equal(noise[0], v[0])


# --- MixUp / CutMix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.2, 1.0, 4.0])
def test_mixup_matches_torchvision(alpha):
    torch.manual_seed(0)
    mix = T.MixUp(alpha=alpha, num_classes=10)
    theirs = [mix.make_params([])["lam"] for _ in range(N_TORCHVISION)]
    ours = S.mixup(K, n=N_TORCHVISION, alpha=alpha, per_sample=True)["lam"]
    same_distribution(ours, theirs, what=f"mixup lam alpha={alpha}")
    assert ((ours >= 0) & (ours <= 1)).all()


def test_mixup_per_batch_is_one_draw():
    batch = S.mixup(K, n=64, alpha=0.5)["lam"]
    assert (batch == batch[0]).all()
    assert batch[0] == S.mixup(K, n=64, alpha=0.5, per_sample=True)["lam"][0]
    g = torchrng.Generator(K)
    first, second = S.mixup(g, n=64), S.mixup(g, n=64)
    assert g.index == 128 and first["lam"][0] != second["lam"][0]
    assert second["lam"][0] == S.mixup(K, indices=[64], per_sample=True)["lam"][0]


@pytest.mark.parametrize("size,alpha", [((32, 32), 1.0), ((24, 60), 0.3), ((1, 7), 2.0)])
def test_cutmix_matches_torchvision(size, alpha):
    theirs = tv_params(T.CutMix(alpha=alpha, num_classes=10), size, batch=2)
    ours = S.cutmix(K, n=N_TORCHVISION, image_size=size, alpha=alpha, per_sample=True)
    for j in range(4):
        same_distribution(ours["box"][:, j], [p["box"][j] for p in theirs], what=f"cutmix box {j}")
    same_distribution(ours["lam_adjusted"], [p["lam_adjusted"] for p in theirs], what="cutmix lam_adjusted")
    H, W = size
    x1, y1, x2, y2 = ours["box"].unbind(1)
    assert (x1 >= 0).all() and (y1 >= 0).all() and (x2 <= W).all() and (y2 <= H).all()
    area = ((x2 - x1) * (y2 - y1)).double()
    assert torch.equal(ours["lam_adjusted"], 1.0 - area / (W * H))


def test_cutmix_per_batch():
    out = S.cutmix(K, n=10, image_size=(32, 48))
    assert (out["box"] == out["box"][0]).all() and (out["lam_adjusted"] == out["lam_adjusted"][0]).all()
    assert torch.equal(out["box"][0], S.cutmix(K, n=1, image_size=(32, 48), per_sample=True)["box"][0])


# --- containers -------------------------------------------------------------------------------------


def test_random_apply_matches_torchvision():
    for p in (0.0, 0.25, 1.0):
        ours = S.random_apply(K, n=30_000, transforms=[T.RandomInvert()], p=p)["apply"]
        same_rate(int(ours.sum()), 30_000, p, what=f"random_apply p={p}")
    torch.manual_seed(0)
    ran = []
    ra = T.RandomApply([lambda x: ran.append(1) or x], p=0.7)
    for _ in range(N_TORCHVISION):
        ra(torch.zeros(1))
    ours = S.random_apply(K, n=N_TORCHVISION, p=0.7)["apply"]
    same_distribution(ours, [1] * len(ran) + [0] * (N_TORCHVISION - len(ran)), what="random_apply")


@pytest.mark.parametrize("p", [None, [1, 2, 3, 4], [0.5, 0.0, 0.25], [0.0, 0.0, 1.0]])
def test_random_choice_matches_torchvision(p):
    count = 4 if p is None else len(p)
    torch.manual_seed(0)
    rc = T.RandomChoice([(lambda k: (lambda x: k))(k) for k in range(count)], p=p)
    theirs = [rc(torch.zeros(1)) for _ in range(N_TORCHVISION)]
    ours = S.random_choice(K, n=N_TORCHVISION, num_transforms=count, p=p)["index"]
    same_distribution(ours, theirs, what=f"random_choice p={p}")
    if p is not None:
        zero = [k for k, w in enumerate(p) if w == 0]
        assert not any(k in zero for k in ours.tolist())


@pytest.mark.parametrize("count", [1, 3, 4])
def test_random_order_matches_torchvision(count):
    torch.manual_seed(0)
    seen = []
    ro = T.RandomOrder([(lambda k: (lambda x: seen.append(k) or x))(k) for k in range(count)])
    for _ in range(N_TORCHVISION):
        ro(torch.zeros(1))
    theirs = torch.tensor(seen).view(-1, count)
    ours = S.random_order(K, n=N_TORCHVISION, transforms=list(range(count)))["order"]
    code = lambda o: (o * (count ** torch.arange(count))).sum(1)  # noqa: E731
    same_distribution(code(ours), code(theirs), what=f"random_order {count}")


# --- the reproducibility grid --------------------------------------------------------------------

ALL = [
    (S.color_jitter, {"brightness": 0.4, "contrast": 0.4, "saturation": 0.4, "hue": 0.1}),
    (S.photometric_distort, {"num_channels": 4}),
    (S.channel_permutation, {"num_channels": 23}),
    (S.grayscale, {}),
    (S.invert, {}),
    (S.posterize, {"bits": 3}),
    (S.solarize, {"threshold": 0.5}),
    (S.adjust_sharpness, {"sharpness_factor": 1.5}),
    (S.autocontrast, {}),
    (S.equalize, {}),
    (S.gaussian_blur, {"kernel_size": 3}),
    (S.gaussian_noise, {"image_size": (3, 5)}),
    (S.jpeg, {"quality": (10, 90)}),
    (S.erasing, {"image_size": (20, 30)}),
    (S.erasing, {"image_size": (6, 5), "value": "random", "num_channels": 2}),
    (S.mixup, {"alpha": 0.3, "per_sample": True}),
    (S.cutmix, {"image_size": (20, 30), "per_sample": True}),
    (S.auto_augment, {"image_size": (20, 30), "policy": "svhn"}),
    (S.rand_augment, {"image_size": (20, 30), "num_ops": 5}),
    (S.trivial_augment_wide, {}),
    (S.augmix, {"image_size": (20, 30)}),
    (S.augmix, {"image_size": (20, 30), "chain_depth": 2, "mixture_width": 5, "all_ops": False}),
    (S.random_apply, {"p": 0.4}),
    (S.random_choice, {"p": [1.0, 2.0, 0.5]}),
    (S.random_order, {"num_transforms": 5}),
]
IDS = [f"{fn.__name__}-{i}" for i, (fn, _) in enumerate(ALL)]


_BITS = {torch.float64: torch.int64, torch.float32: torch.int32, torch.float16: torch.int16,
         torch.bfloat16: torch.int16}


def identical(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Same dtype, shape and bits (NaN == NaN)."""
    if a.dtype != b.dtype or a.shape != b.shape or a.device != b.device:
        return False
    if a.dtype in _BITS:
        return torch.equal(a.contiguous().view(_BITS[a.dtype]), b.contiguous().view(_BITS[b.dtype]))
    return torch.equal(a, b)


def _same(a, b, what=""):
    assert a.keys() == b.keys()
    for k in a:
        assert identical(a[k], b[k]), (what, k)


@pytest.mark.parametrize("fn,kw", ALL, ids=IDS)
def test_batch_vs_single_and_batch_size_invariance(fn, kw):
    whole = fn(K, n=300, **kw)
    assert all(v.shape[0] == 300 for v in whole.values())
    for i in (0, 7, 299):
        one = fn(K, indices=[i], **kw)
        for key in whole:
            assert identical(whole[key][i : i + 1], one[key]), (fn.__name__, key, i)
    g = torchrng.Generator(K)
    halves = [fn(g, n=150, **kw) for _ in range(2)]
    for key in whole:
        assert identical(torch.cat([halves[0][key], halves[1][key]]), whole[key]), key
    explicit = fn(K, indices=torch.arange(300), **kw)
    _same(explicit, whole, fn.__name__)


@pytest.mark.parametrize("fn,kw", ALL, ids=IDS)
def test_empty_batch(fn, kw):
    out = fn(K, n=0, **kw)
    assert out and all(v.shape[0] == 0 for v in out.values())
    out = fn(K, indices=[], **kw)
    assert all(v.shape[0] == 0 for v in out.values())


def test_generators_of_every_kind():
    for fn, kw in ((S.erasing, {"image_size": (9, 9), "value": "random"}), (S.augmix, {"image_size": (9, 9)}),
                   (S.mixup, {})):
        a = fn(torch.Generator().manual_seed(3), n=10, **kw)
        b = fn(torch.Generator().manual_seed(3), n=10, **kw)
        _same(a, b, fn.__name__)
        torch.manual_seed(4)
        c = fn(None, n=10, **kw)
        torch.manual_seed(4)
        _same(c, fn(None, n=10, **kw), fn.__name__)


@pytest.mark.parametrize("fn,kw", [(S.augmix, {"image_size": (9, 9)}), (S.gaussian_noise, {"image_size": (64, 80)}),
                                   (S.erasing, {"image_size": (64, 80), "value": "random"}),
                                   (S.color_jitter, {"hue": 0.2})], ids=lambda x: getattr(x, "__name__", ""))
def test_cpu_results_do_not_depend_on_the_thread_count(fn, kw):
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = fn(K, n=700, **kw)
        torch.set_num_threads(max(2, threads))
        many = fn(K, n=700, **kw)
    finally:
        torch.set_num_threads(threads)
    _same(one, many, fn.__name__)


def test_variable_image_sizes_in_one_batch():
    sizes = torch.tensor([[50, 70], [10, 10], [300, 20], [1, 1]])
    for fn, kw in ((S.erasing, {}), (S.cutmix, {"per_sample": True}), (S.auto_augment, {}), (S.augmix, {}),
                   (S.rand_augment, {})):
        batch = fn(K, n=4, image_size=sizes, **kw)
        for i in range(4):
            one = fn(K, indices=[i], image_size=tuple(sizes[i].tolist()), **kw)
            for key in batch:
                assert identical(batch[key][i], one[key][0]), (fn.__name__, key)


BAD = [
    (lambda: S.erasing(K, n=1, image_size=(9, 9), scale=(0.5, 1.5)), ValueError, "Scale"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), scale=(0.6, 0.5)), ValueError, "Scale"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), scale=0.5), TypeError, "Scale"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), ratio=0.5), TypeError, "Ratio"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), ratio=(0.0, 1.0)), ValueError, "Ratio"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), value="noise"), ValueError, "random"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), value={1: 2}), TypeError, "value"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), value=(1, 2)), ValueError, "channels"),
    (lambda: S.erasing(K, n=1, image_size=(9, 9), p=2), ValueError, "`p`"),
    (lambda: S.erasing(K, n=2, image_size=torch.tensor([[4, 4], [5, 5]]), value="random"), ValueError, "one"),
    (lambda: S.mixup(K, n=1, alpha=0.0), ValueError, "alpha"),
    (lambda: S.mixup(K, n=1, alpha=math.inf), ValueError, "alpha"),
    (lambda: S.mixup(K, n=1, per_sample=1), TypeError, "per_sample"),
    (lambda: S.cutmix(K, n=1, image_size=(9, 9), alpha=-1.0), ValueError, "alpha"),
    (lambda: S.random_apply(K, n=1, p=1.5), ValueError, "`p`"),
    (lambda: S.random_apply(K, n=1, transforms=[]), ValueError, "at least one"),
    (lambda: S.random_choice(K, n=1), ValueError, "transforms"),
    (lambda: S.random_choice(K, n=1, transforms=[1, 2], p=[1.0]), ValueError, "Length of p"),
    (lambda: S.random_choice(K, n=1, p=[0.0, 0.0]), ValueError, "positive"),
    (lambda: S.random_choice(K, n=1, p=[1.0, -1.0]), ValueError, "negative"),
    (lambda: S.random_choice(K, n=1, p=[1.0] * 300), ValueError, "256"),
    (lambda: S.random_order(K, n=1, transforms="ab"), TypeError, "sequence"),
    (lambda: S.random_order(K, n=1, num_transforms=0), ValueError, "num_transforms"),
]


@pytest.mark.parametrize("call,exc,match", BAD)
def test_bad_arguments_raise(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_opcheck_new_ops_and_samplers():
    ops = torch.ops.torchrng
    stream = [1, 2, 0, 0]
    torch.library.opcheck(ops.normal_field, (torch.empty(3, 2, 5), 0.0, 1.0, None, stream))
    torch.library.opcheck(ops.normal_field, (torch.empty(2, 7, dtype=torch.int16), 10.0, 3.0,
                                             torch.tensor([4, 9]), stream))
    rows = [
        (torch.empty(4, 8, dtype=torch.float64), 11, [1, 0.5, 1.5, 0, 0, 0, 1, 0.1, 0.9, 1, -0.1, 0.1]),
        (torch.empty(4, 6, dtype=torch.int64), 14, [0.5, 0.02, 0.33, -1.2, 1.19]),
        (torch.empty(4, 8, dtype=torch.float64), 16, [2, 9, 31]),
        (torch.empty(4, 12, dtype=torch.int64), 13, [12]),
        (torch.empty(4, 5, dtype=torch.float64), 20, [1.0]),
    ]
    for out, sampler, hyper in rows:
        torch.library.opcheck(ops.sample_rows, (out, sampler, hyper, [30, 40], None, None, stream))


def test_wrong_hyperparameters_reach_the_kernel_as_errors():
    ops = torch.ops.torchrng
    with pytest.raises(RuntimeError, match="columns"):
        ops.sample_rows(torch.empty(2, 3, dtype=torch.float64), 16, [2.0, 9.0, 31.0], [9, 9], None, None, [1, 2, 0, 0])
    with pytest.raises(RuntimeError, match="augmix"):
        ops.sample_rows(torch.empty(2, 3, dtype=torch.float64), 18, [3.0, -1.0, 11.0, 1.0, 1.0], [9, 9], None, None,
                        [1, 2, 0, 0])
    with pytest.raises(RuntimeError, match="std"):
        ops.normal_field(torch.empty(2, 3), 0.0, -1.0, None, [1, 2, 0, 0])
    with pytest.raises(RuntimeError, match="int16"):
        ops.normal_field(torch.empty(2, 3, dtype=torch.int32), 0.0, 1.0, None, [1, 2, 0, 0])


def test_erasing_under_torch_compile():
    def f(n: int):
        p = S.erasing(K, n=n, image_size=(32, 32), value="random")
        return p["v"] * 2, p["i"] + p["h"]

    compiled = torch.compile(f, fullgraph=True)
    got, want = compiled(8), f(8)
    assert torch.equal(got[0], want[0]) and torch.equal(got[1], want[1])


# Golden values: the stream layout is versioned (torchrng.STREAM_VERSION); these digests pin what
# key(2026), samples 0-63 produce, so that no change to a sampler slips in.
GOLDEN = {
    "color_jitter": "17c7e1286932967b",
    "photometric_distort": "6e9de11bee3886c1",
    "channel_permutation": "4757820bc3cc3805",
    "erasing": "1a6fef1a7e8b1ff8",
    "auto_augment": "42f84fa5a7cc51eb",
    "rand_augment": "d11edc130fc1d72b",
    "trivial_augment_wide": "4280705db3643d51",
    "augmix": "c96c0c8bf4cbd40c",
    "mixup": "4215d44c00aba347",
    "cutmix": "f9ce759e591a90d9",
    "random_choice": "0cdcd7941d260aa8",
    "gaussian_noise": "c1ae168016e3dd87",
}
GOLDEN_KW = {
    "color_jitter": {"brightness": 0.4, "contrast": 0.4, "saturation": 0.4, "hue": 0.1},
    "photometric_distort": {},
    "channel_permutation": {"num_channels": 30},
    "erasing": {"image_size": (40, 50), "value": "random", "num_channels": 1},
    "auto_augment": {"image_size": (40, 50)},
    "rand_augment": {"image_size": (40, 50)},
    "trivial_augment_wide": {},
    "augmix": {"image_size": (40, 50)},
    "mixup": {"alpha": 0.2, "per_sample": True},
    "cutmix": {"image_size": (40, 50), "per_sample": True},
    "random_choice": {"p": [1.0, 3.0, 2.0]},
    "gaussian_noise": {"image_size": (4, 5)},
}


def digest(out: dict) -> str:
    h = hashlib.sha256()
    for key in sorted(out):
        h.update(key.encode())
        h.update(out[key].contiguous().cpu().numpy().tobytes())
    return h.hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_values(name):
    assert torchrng.STREAM_VERSION == 3
    got = digest(getattr(S, name)(torchrng.key(2026), n=64, **GOLDEN_KW[name]))
    assert got == GOLDEN[name], f"{name}: digest {got}"


# --- CUDA ----------------------------------------------------------------------------------------


@pytest.mark.needs_cuda
@pytest.mark.parametrize("fn,kw", ALL, ids=IDS)
def test_cuda_bit_identical_to_cpu(fn, kw):
    cpu = fn(K, n=1000, **kw)
    gpu = fn(K, n=1000, device="cuda", **kw)
    for key in cpu:
        assert gpu[key].device.type == "cuda"
        assert identical(cpu[key], gpu[key].cpu()), (fn.__name__, key)
    idx = torch.tensor([5, 2**40, 3])
    assert all(identical(a, b.cpu()) for a, b in zip(fn(K, indices=idx, **kw).values(),
                                                      fn(K, indices=idx.cuda(), **kw).values()))


@pytest.mark.needs_cuda
@pytest.mark.parametrize("fn,kw", ALL, ids=IDS)
def test_cuda_no_host_sync(fn, kw):
    g = torch.Generator(device="cuda").manual_seed(1)
    fn(g, n=8, device="cuda", **kw)  # warm-up (lazy init may sync)
    torch.cuda.set_sync_debug_mode("error")
    try:
        fn(K, n=64, device="cuda", **kw)
        fn(g, n=64, device="cuda", **kw)
        fn(torchrng.Generator(3), n=64, device="cuda", **kw)
    finally:
        torch.cuda.set_sync_debug_mode("default")


@pytest.mark.needs_cuda
def test_cuda_generator_keys_the_erasing_field_like_the_cpu():
    """A CUDA torch.Generator on its own device (the kernels reserve the offsets) and on another
    device (reserved on the host) give the same rows and the same random field."""
    kw = {"image_size": (12, 10), "value": "random", "num_channels": 2}
    g = torch.Generator(device="cuda").manual_seed(9)
    on_gpu = S.erasing(g, n=50, device="cuda", **kw)
    after_gpu = g.get_offset()
    g.manual_seed(9)
    on_cpu = S.erasing(g, n=50, device="cpu", **kw)
    assert g.get_offset() == after_gpu
    for key in on_cpu:
        assert identical(on_cpu[key], on_gpu[key].cpu()), key


@pytest.mark.parametrize("call, error, match", [
    (lambda k: S.random_choice(k, n=2, p=5), TypeError, "p must be a sequence"),
    (lambda k: S.rand_augment(k, n=2, image_size=(9, 9), num_magnitude_bins=2**60), ValueError,
     "num_magnitude_bins"),
    (lambda k: S.trivial_augment_wide(k, n=2, image_size=(9, 9), num_magnitude_bins=2**60), ValueError,
     "num_magnitude_bins"),
    (lambda k: S.erasing(k, n=2, image_size=(9, 9), value=float("nan")), ValueError, "value"),
    (lambda k: S.erasing(k, n=2, image_size=(9, 9), value=1 + 2j), TypeError, "value"),
])
def test_more_bad_arguments_name_themselves(call, error, match):
    """Found by an audit: these failed deep in the kernel, or with messages naming nothing, or (a
    NaN erasing value given as a number rather than a sequence) not at all."""
    with pytest.raises(error, match=match):
        call(torchrng.key(0))


@pytest.mark.parametrize("call", [lambda k, a: S.mixup(k, n=2, alpha=a), lambda k, a: S.cutmix(k, n=2, image_size=(8, 8),
                                                                                               alpha=a),
                                  lambda k, a: S.augmix(k, n=2, image_size=(8, 8), alpha=a)])
def test_concentrations_that_are_zero_in_float32_are_rejected(call):
    """torchvision's Beta / Dirichlet take alpha as a float32 tensor, where 1e-300 is 0 and
    rejected; here it once gave lambda = 0.5, outside Beta(0+, 0+)'s support {0, 1}."""
    with pytest.raises(ValueError, match="alpha"):
        call(K, 1e-300)
    assert call(K, 1e-40) and call(K, 1e300)  # float32 subnormal and huge: accepted, as by torchvision

"""Drop-in transforms against torchvision: same types, shapes and semantics for every input
type, generator precedence, no global RNG use, containers, replay, pickling, errors."""

import pickle

import PIL.Image
import pytest
import torch
import torchvision.transforms.v2 as TV
from torchvision import tv_tensors

import torchrng
import torchrng.transforms as T

K = torchrng.key(11)
H, W = 48, 64


def sample_inputs():
    image = tv_tensors.Image(torch.randint(0, 256, (3, H, W), dtype=torch.uint8))
    return {
        "image": image,
        "video": tv_tensors.Video(torch.randint(0, 256, (2, 3, H, W), dtype=torch.uint8)),
        "boxes": tv_tensors.BoundingBoxes(torch.tensor([[5, 6, 30, 40], [20, 10, 60, 47]]), format="XYXY",
                                          canvas_size=(H, W)),
        "mask": tv_tensors.Mask(torch.randint(0, 3, (H, W), dtype=torch.uint8)),
        "keypoints": tv_tensors.KeyPoints(torch.tensor([[10.0, 12.0], [40.0, 30.0]]), canvas_size=(H, W)),
        "label": 7,
        "name": "sample",
    }


GEOMETRY = [
    (T.RandomHorizontalFlip, TV.RandomHorizontalFlip, dict(p=0.5)),
    (T.RandomVerticalFlip, TV.RandomVerticalFlip, dict(p=0.7)),
    (T.RandomResizedCrop, TV.RandomResizedCrop, dict(size=(24, 20), antialias=True)),
    (T.RandomCrop, TV.RandomCrop, dict(size=32, padding=3, pad_if_needed=True)),
    (T.RandomRotation, TV.RandomRotation, dict(degrees=30, expand=True)),
    (T.RandomAffine, TV.RandomAffine, dict(degrees=20, translate=(0.1, 0.2), scale=(0.8, 1.2), shear=(5, 10, -5, 5))),
    (T.RandomPerspective, TV.RandomPerspective, dict(distortion_scale=0.4, p=1.0)),
    (T.ElasticTransform, TV.ElasticTransform, dict(alpha=30.0, sigma=3.0)),
    (T.RandomZoomOut, TV.RandomZoomOut, dict(side_range=(1.0, 2.0), p=1.0)),
    (T.ScaleJitter, TV.ScaleJitter, dict(target_size=(40, 50))),
    (T.RandomShortestSize, TV.RandomShortestSize, dict(min_size=[20, 30], max_size=60)),
    (T.RandomResize, TV.RandomResize, dict(min_size=20, max_size=40)),
]


def _equal(a, b):
    if isinstance(a, torch.Tensor):
        assert type(a) is type(b), (type(a), type(b))
        assert a.shape == b.shape and a.dtype == b.dtype
        assert torch.equal(a.as_subclass(torch.Tensor), b.as_subclass(torch.Tensor))
        if isinstance(a, tv_tensors.BoundingBoxes):
            assert a.canvas_size == b.canvas_size and a.format == b.format
    elif isinstance(a, PIL.Image.Image):
        assert a.size == b.size and a.tobytes() == b.tobytes()
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _equal(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _equal(x, y)
    else:
        assert a == b


def _torchvision_with(tv, params, inputs):
    """torchvision's own transform of `inputs` with given params (its forward minus the draws)."""
    from torch.utils._pytree import tree_flatten, tree_unflatten

    params = dict(params)
    if not params.pop("apply", True):
        return inputs
    flat, spec = tree_flatten(inputs)
    needs = tv._needs_transform_list(flat)
    return tree_unflatten([tv.transform(x, params) if n else x for x, n in zip(flat, needs)], spec)


@pytest.mark.parametrize("ours_cls,tv_cls,kw", GEOMETRY, ids=lambda x: getattr(x, "__name__", ""))
def test_drop_in_matches_torchvision_for_every_input_type(ours_cls, tv_cls, kw):
    ours, tv = ours_cls(**kw), tv_cls(**kw)
    assert isinstance(ours, tv_cls)
    inputs = sample_inputs()
    for seed in range(3):
        g = torchrng.key(seed)
        params = ours.sample_params(inputs, generator=g)
        out = ours(inputs, generator=g)
        _equal(out, _torchvision_with(tv, params, inputs))
        assert ours.last_params.keys() == params.keys()


@pytest.mark.parametrize("ours_cls,tv_cls,kw", GEOMETRY[:7], ids=lambda x: getattr(x, "__name__", ""))
def test_pil_and_plain_tensor_inputs(ours_cls, tv_cls, kw):
    ours, tv = ours_cls(**kw), tv_cls(**kw)
    pil = PIL.Image.fromarray(torch.randint(0, 256, (H, W, 3), dtype=torch.uint8).numpy())
    plain = torch.rand(2, 3, H, W)  # a batch is one sample to torchvision: one parameter set
    for x in (pil, plain, (plain, torch.rand(3, H, W))):
        params = ours.sample_params(x, generator=K)
        _equal(ours(x, generator=K), _torchvision_with(tv, params, x))


def test_multiple_positional_inputs_and_labels():
    t = T.RandomResizedCrop(16)
    img, boxes = sample_inputs()["image"], sample_inputs()["boxes"]
    out_img, out_boxes, label = t(img, boxes, 3, generator=K)
    assert out_img.shape == (3, 16, 16) and out_boxes.canvas_size == (16, 16) and label == 3


def test_generator_precedence_and_no_global_rng():
    t = T.RandomAffine(degrees=90, generator=torchrng.key(1))
    img = sample_inputs()["image"]
    state = torch.get_rng_state()
    by_ctor = t.sample_params(img)
    by_forward = t.sample_params(img, generator=torchrng.key(2))
    assert by_ctor == T.RandomAffine(degrees=90).sample_params(img, generator=torchrng.key(1))
    assert by_forward != by_ctor
    with torchrng.ambient_key(torchrng.key(3)):
        assert t.sample_params(img) == by_ctor  # the constructor's generator beats the ambient key
        ambient = T.RandomAffine(degrees=90).sample_params(img)
    assert ambient == T.RandomAffine(degrees=90).sample_params(img, generator=torchrng.key(3))
    t(img)
    t(img, generator=torchrng.Generator(5))
    TV_out = T.Compose([T.RandomHorizontalFlip(), T.RandomCrop(8)])(img, generator=K)
    assert TV_out.shape[-2:] == (8, 8)
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG was never touched


def test_fallback_uses_global_rng_reproducibly():
    t = T.RandomResizedCrop(8)
    img = sample_inputs()["image"]
    torch.manual_seed(0)
    a = [t.sample_params(img) for _ in range(3)]
    torch.manual_seed(0)
    assert [t.sample_params(img) for _ in range(3)] == a
    assert a[0] != a[1]
    # exactly one 64-bit draw per call
    torch.manual_seed(0)
    t(img)
    after_call = torch.get_rng_state()
    torch.manual_seed(0)
    torch.empty((), dtype=torch.int64).random_(-(2**63), None)
    assert torch.equal(after_call, torch.get_rng_state())


def test_torchrng_generator_takes_one_index_per_call():
    g = torchrng.Generator(4)
    t = T.RandomRotation(45)
    img = sample_inputs()["image"]
    angles = [t.sample_params(img, generator=g)["angle"] for _ in range(3)]
    batch = torchrng.sample.rotation(torchrng.key(4), n=3, degrees=45)["angle"].tolist()
    assert angles == batch  # drop-in call i == batch sample i


def test_containers_give_children_their_own_streams():
    img = sample_inputs()["image"]
    pipeline = T.Compose([T.RandomRotation(45), T.RandomRotation(45)])
    pipeline(img, generator=K)
    a, b = (c.last_params["angle"] for c in pipeline.transforms)
    assert a != b
    # an explicit stream id keeps a child's draws when the pipeline is edited
    crop = T.RandomResizedCrop(8, stream="crop")
    short = T.Compose([crop])
    short(img, generator=K)
    before = crop.last_params
    longer = T.Compose([T.RandomHorizontalFlip(), T.RandomRotation(10), crop])
    longer(img, generator=K)
    assert crop.last_params == before
    # positional ids shift when a child is inserted
    rot = T.RandomRotation(45)
    T.Compose([rot])(img, generator=K)
    first = rot.last_params
    T.Compose([T.RandomHorizontalFlip(), rot])(img, generator=K)
    assert rot.last_params != first


def test_frozen_child_and_plain_callables():
    img = sample_inputs()["image"]
    frozen = T.RandomRotation(45, generator=torchrng.key(99))
    pipeline = T.Compose([T.RandomRotation(45), frozen, lambda x: x + 0, TV.Resize(20), T.RandomHorizontalFlip()])
    angles = set()
    for seed in range(5):
        out = pipeline(img, generator=torchrng.key(seed))
        assert out.shape[-2] == 20
        angles.add(frozen.last_params["angle"])
    assert len(angles) == 1


def test_random_apply_choice_order_decisions():
    img = sample_inputs()["image"]
    apply = T.RandomApply([T.RandomRotation(10)], p=0.3)
    hits = sum(apply.last_params["apply"] for _ in range(2000) if apply(img, generator=torchrng.Generator(1)) is not None)
    g = torchrng.Generator(1)
    hits = 0
    for _ in range(3000):
        apply(img[:, :4, :4], generator=g)
        hits += apply.last_params["apply"]
    assert 0.25 < hits / 3000 < 0.35
    choice = T.RandomChoice([T.RandomRotation(10), TV.Resize(10), lambda x: x], p=[1, 2, 1])
    g = torchrng.Generator(2)
    counts = [0, 0, 0]
    for _ in range(3000):
        choice(img[:, :4, :4], generator=g)
        counts[choice.last_params["index"]] += 1
    assert 0.45 < counts[1] / 3000 < 0.55
    order = T.RandomOrder([TV.Resize(10), TV.Resize(12), TV.Resize(14)])
    seen = set()
    g = torchrng.Generator(3)
    for _ in range(200):
        out = order(img, generator=g)
        seen.add(tuple(order.last_params["order"]))
        assert out.shape[-2] == {0: 10, 1: 12, 2: 14}[order.last_params["order"][-1]]
    assert len(seen) == 6


def test_replay_and_trace():
    img = sample_inputs()["image"]
    pipeline = T.Compose([T.RandomResizedCrop(16), T.RandomHorizontalFlip(), T.RandomAffine(10)])
    out = pipeline(img, generator=K)
    trace = T.trace(pipeline, img, generator=K)
    assert [t for t, _ in trace] == list(pipeline.transforms)
    replayed = img
    for t, params in trace:
        replayed = t.apply_params(replayed, params=params)
    assert torch.equal(out, replayed)
    sized = T.trace(pipeline, image_size=(H, W), generator=K)
    assert [p for _, p in sized] == [p for _, p in trace]


def test_pickling_transforms_and_pipelines():
    img = sample_inputs()["image"]
    pipeline = T.Compose([T.RandomResizedCrop(16, generator=torchrng.key(1)), T.RandomHorizontalFlip(stream="flip"),
                          T.RandomApply([T.RandomRotation(5)], p=0.5)], streams=[None, None, "rot"])
    copy = pickle.loads(pickle.dumps(pipeline))
    g = torchrng.Generator(8)
    assert torch.equal(pipeline(img, generator=torchrng.Generator(8)), copy(img, generator=g))


def test_reexports_and_signatures():
    import inspect

    for name in ("Resize", "Normalize", "ToDtype", "CenterCrop", "InterpolationMode", "functional", "Transform"):
        assert getattr(T, name) is getattr(TV, name)
    sig = inspect.signature(T.RandomAffine)
    assert list(sig.parameters)[-2:] == ["generator", "stream"]
    assert "degrees" in sig.parameters


@pytest.mark.parametrize(
    "make,exc",
    [
        (lambda: T.RandomResizedCrop(10, scale=0.5), TypeError),
        (lambda: T.RandomRotation(-3), ValueError),
        (lambda: T.RandomAffine(5, translate=(2.0, 0.0)), ValueError),
        (lambda: T.RandomPerspective(distortion_scale=2.0), ValueError),
        (lambda: T.RandomHorizontalFlip(p=1.5), ValueError),
        (lambda: T.RandomZoomOut(side_range=(0.5, 1.0)), ValueError),
        (lambda: T.RandomCrop(10, padding=(1, 2, 3)), ValueError),
        (lambda: T.Compose([]), ValueError),
        (lambda: T.RandomApply([T.RandomRotation(1)], p=2.0), ValueError),
        (lambda: T.RandomChoice([T.RandomRotation(1)], p=[1, 2]), ValueError),
        (lambda: T.RandomRotation(5, generator="seed"), TypeError),
        (lambda: T.Compose([T.RandomRotation(1)], streams=["a", "b"]), ValueError),
    ],
)
def test_bad_arguments_raise_like_torchvision(make, exc):
    with pytest.raises(exc):
        make()


def test_forward_rejects_bad_generator():
    with pytest.raises(TypeError, match="generator"):
        T.RandomRotation(5)(sample_inputs()["image"], generator=3)


PHOTOMETRIC = [
    (T.ColorJitter, TV.ColorJitter, dict(brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)),
    (T.ColorJitter, TV.ColorJitter, dict(brightness=(0.5, 0.9), hue=0.2)),
    (T.RandomPhotometricDistort, TV.RandomPhotometricDistort, dict(p=0.7)),
    (T.RandomChannelPermutation, TV.RandomChannelPermutation, {}),
    (T.RandomGrayscale, TV.RandomGrayscale, dict(p=0.5)),
    (T.RandomInvert, TV.RandomInvert, {}),
    (T.RandomPosterize, TV.RandomPosterize, dict(bits=3)),
    (T.RandomSolarize, TV.RandomSolarize, dict(threshold=100)),
    (T.RandomAdjustSharpness, TV.RandomAdjustSharpness, dict(sharpness_factor=2.0)),
    (T.RandomAutocontrast, TV.RandomAutocontrast, {}),
    (T.RandomEqualize, TV.RandomEqualize, {}),
    (T.GaussianBlur, TV.GaussianBlur, dict(kernel_size=5, sigma=(0.5, 2.0))),
    (T.JPEG, TV.JPEG, dict(quality=(40, 90))),
    (T.RandomErasing, TV.RandomErasing, dict(p=0.9, value=3)),
    (T.RandomErasing, TV.RandomErasing, dict(p=0.9, value="random")),
]


@pytest.mark.parametrize("ours_cls,tv_cls,kw", PHOTOMETRIC, ids=lambda x: getattr(x, "__name__", ""))
def test_photometric_drop_ins_match_torchvision(ours_cls, tv_cls, kw):
    ours, tv = ours_cls(**kw), tv_cls(**kw)
    assert isinstance(ours, tv_cls)
    inputs = sample_inputs()
    if ours_cls is T.RandomErasing:
        inputs = {k: v for k, v in inputs.items() if k not in ("boxes", "mask", "keypoints")}  # tv warns on those
    for seed in range(4):
        g = torchrng.key(seed)
        params = ours.sample_params(inputs, generator=g)
        _equal(ours(inputs, generator=g), _torchvision_with(tv, params, inputs))


def test_gaussian_noise_follows_torchvision_formulas():
    img = sample_inputs()["image"]
    t = T.GaussianNoise(mean=0.1, sigma=0.2)
    x = tv_tensors.Image(img.float() / 255)
    out = t(x, generator=K)
    assert type(out) is tv_tensors.Image and out.min() >= 0 and out.max() <= 1
    assert torch.equal(out, t(x, generator=K)) and not torch.equal(out, t(x, generator=torchrng.key(1)))
    raw = T.GaussianNoise(mean=0.1, sigma=0.2, clip=False)(torch.zeros(3, 200, 200), generator=K)
    assert abs(raw.mean().item() - 0.1) < 0.01 and abs(raw.std().item() - 0.2) < 0.01
    u8 = T.GaussianNoise(sigma=0.05)(img, generator=K)
    assert u8.dtype == torch.uint8 and (u8.int() - img.int()).abs().float().mean() > 1
    with pytest.raises(ValueError, match="PIL"):
        T.GaussianNoise()(PIL.Image.new("RGB", (4, 4)), generator=K)


@pytest.mark.parametrize("cls,kw", [(T.AutoAugment, {}), (T.AutoAugment, dict(policy=TV.AutoAugmentPolicy.SVHN)),
                                    (T.RandAugment, dict(num_ops=3)), (T.TrivialAugmentWide, {}), (T.AugMix, {}),
                                    (T.AugMix, dict(chain_depth=2, all_ops=False))])
def test_auto_augment_drop_ins(cls, kw):
    t = cls(**kw)
    tv_cls = getattr(TV, cls.__name__)
    assert isinstance(t, tv_cls)
    inputs = sample_inputs()
    inputs = {"image": inputs["image"], "label": 3}
    out = t(inputs, generator=K)
    again = t.apply_params(inputs, params=t.sample_params(inputs, generator=K))
    _equal(out, again)
    tv_out = tv_cls(**kw)(inputs)
    assert type(out["image"]) is type(tv_out["image"]) and out["image"].shape == tv_out["image"].shape
    assert out["label"] == 3
    ops = t.last_params["ops"] if "ops" in t.last_params else [op for c in t.last_params["chains"] for op in c]
    assert all(name in TV.AutoAugment._AUGMENTATION_SPACE or name in TV.AugMix._AUGMENTATION_SPACE
               for name, _ in ops)
    pil = PIL.Image.fromarray(torch.randint(0, 256, (H, W, 3), dtype=torch.uint8).numpy())
    assert isinstance(t(pil, generator=K), PIL.Image.Image)


@pytest.mark.parametrize("ours_cls,tv_cls", [(T.MixUp, TV.MixUp), (T.CutMix, TV.CutMix)])
def test_mixup_cutmix_match_torchvision(ours_cls, tv_cls, monkeypatch):
    images, labels = torch.rand(4, 3, 16, 16), torch.tensor([0, 1, 2, 3])
    ours = ours_cls(num_classes=5, alpha=0.8)
    out_images, out_labels = ours(images, labels, generator=K)
    params = dict(ours.last_params)
    tv = tv_cls(num_classes=5, alpha=0.8)
    monkeypatch.setattr(tv, "make_params", lambda flat: params)
    tv_images, tv_labels = tv(images, labels)
    assert torch.equal(out_images, tv_images) and torch.equal(out_labels, tv_labels)
    state = torch.get_rng_state()
    ours(images, labels, generator=K)
    assert torch.equal(state, torch.get_rng_state())
    with pytest.raises(ValueError):
        ours(images, labels[:3], generator=K)


# --- attributes set after construction, scripting, stream ids, low-dimensional inputs ---------------


def test_hyperparameters_set_after_construction_take_effect():
    """As in torchvision, where forward reads the attributes: t.p = 0.0 turns a flip off (the
    sampler's hyperparameters were once made only at construction)."""
    x = torch.arange(12.0).view(1, 3, 4)
    flip = T.RandomHorizontalFlip(p=1.0, generator=K)
    assert torch.equal(flip(x), x.flip(-1))
    flip.p = 0.0
    assert torch.equal(flip(x), x)
    rotation = T.RandomRotation(10, generator=K)
    rotation.degrees = [90.0, 90.0]
    assert rotation.sample_params(x) == {"angle": 90.0}
    choice = T.RandomChoice([T.RandomHorizontalFlip(1.0), T.RandomVerticalFlip(1.0)], p=[1, 0], generator=K)
    choice.p = [0.0, 1.0]
    assert torch.equal(choice(x), x.flip(-2))
    erasing = T.RandomErasing(p=1.0, value=3, generator=K)
    assert erasing(torch.zeros(3, 8, 8)).max() == 3
    erasing.value = [5.0]
    assert erasing(torch.zeros(3, 8, 8)).max() == 5


def test_scripting_like_torchvision_and_never_with_a_generator():
    x = torch.arange(12.0).view(1, 3, 4)
    scripted = torch.jit.script(T.RandomHorizontalFlip(p=1.0))  # torchvision's v1 class, as for TV
    assert torch.equal(scripted(x), x.flip(-1))
    assert torch.jit.script(T.RandomResizedCrop(3)) is not None
    with pytest.raises(TypeError, match="generator cannot be scripted"):
        torch.jit.script(T.RandomHorizontalFlip(generator=K))


@pytest.mark.parametrize("stream, error", [(1.5, TypeError), (-1, ValueError), (True, TypeError), ([1], TypeError),
                                           (2**64, ValueError)])
def test_stream_ids_are_checked_where_given(stream, error):
    import torchrng.batch as B

    for make in (lambda: T.RandomRotation(10, stream=stream), lambda: T.Compose([T.RandomInvert()], stream=stream),
                 lambda: B.RandomHorizontalFlip(stream=stream), lambda: T.Compose([T.RandomInvert()], streams=[stream])):
        with pytest.raises(error, match="stream"):
            make()
    with pytest.raises(TypeError, match="streams"):
        T.Compose([T.RandomInvert()], streams=5)
    assert T.RandomRotation(10, stream="rotation").stream == "rotation"


@pytest.mark.parametrize("make", [lambda: T.RandomResizedCrop(8), lambda: T.RandomCrop(2),
                                  lambda: T.RandomAffine(10), lambda: T.RandomPerspective(p=1.0)])
def test_inputs_below_two_dimensions_fail_as_in_torchvision(make):
    with pytest.raises(TypeError, match="at least two dimensions"):
        make()(torch.rand(5), generator=K)


@pytest.mark.parametrize("name", ["MixUp", "CutMix"])
def test_mix_apply_params_replays_forward(name):
    """apply_params runs torchvision's forward with the given lam / box (it once raised
    KeyError: 'labels'); labels and batch size come from the inputs, as in forward."""
    images = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    labels = torch.tensor([0, 1, 2, 1])
    t = getattr(T, name)(num_classes=3)
    out = t(images, labels, generator=K)
    for params in (t.last_params, t.sample_params(images, labels, generator=K)):
        replay = t.apply_params(images, labels, params=params)
        assert all(torch.equal(a, b) for a, b in zip(out, replay))
    assert t.last_params == t.sample_params(images, labels, generator=K)  # replays record nothing


def test_gaussian_noise_apply_params_repeats():
    """Each replay counts its inputs from 0, as forward does (a shared counter once made every
    replay draw new noise)."""
    x = torch.rand(3, 6, 6, generator=torch.Generator().manual_seed(1))
    t = T.GaussianNoise(sigma=0.2)
    y = t(x, generator=K)
    params = t.last_params
    assert torch.equal(t.apply_params(x, params=params), y)
    assert torch.equal(t.apply_params(x, params=params), y)
    pair = t(x, x.clone(), generator=K)
    assert not torch.equal(pair[0], pair[1])  # two inputs of one call: two fields
    replay = t.apply_params(x, x.clone(), params=t.last_params)
    assert all(torch.equal(a, b) for a, b in zip(pair, replay))


def test_trace_of_a_pipeline_with_jpeg():
    """T.trace runs the pipeline on meta tensors; JPEG's encoder has no meta kernel (trace once
    failed on any pipeline holding a JPEG). The traced quality is the one forward uses."""
    pipeline = T.Compose([T.RandomHorizontalFlip(), T.JPEG((20, 90))])
    image = torch.randint(0, 256, (3, 16, 16), dtype=torch.uint8)
    recorded = T.trace(pipeline, image, generator=K)
    jpeg_entries = [p for t, p in recorded if isinstance(t, T.JPEG)]
    pipeline(image, generator=K)
    assert jpeg_entries == [pipeline.transforms[1].last_params]

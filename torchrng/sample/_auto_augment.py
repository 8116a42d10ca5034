"""Batched decisions of AutoAugment, RandAugment, TrivialAugmentWide and AugMix.

torchvision draws these inside `forward`, interleaved with applying the ops; here they come out as
parameter rows, one per sample. Ops are numbered by AUGMENT_OPS (the same ids for all four); each
row also carries torchvision's signed magnitude (torch.linspace in float32, computed on the device;
the last bit of torch's own linspace depends on the CPU's vector ISA, ours does not).
"""

from __future__ import annotations

import functools
import math

import torch

from .. import _validate as v
from ._driver import draw_dict, resolve_batch
from ._layout import BITS, BOOL, INT, Layout, column, columns
from ._geometry import cached
from ._ids import AUGMIX, AUTO_AUGMENT, GAMMA_BLOCKS, RAND_AUGMENT, TRIVIAL_AUGMENT_WIDE

__all__ = ["AUGMENT_OPS", "auto_augment", "rand_augment", "trivial_augment_wide", "augmix"]

AUGMENT_OPS = ("Identity", "ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color", "Contrast",
               "Sharpness", "Posterize", "Solarize", "AutoContrast", "Equalize", "Invert")
"""Op names by id, as the samplers' 'op' columns report them (-1: an unused AugMix slot)."""

OP_ID = {name: i for i, name in enumerate(AUGMENT_OPS)}

# RandAugment and TrivialAugmentWide pick among AUGMENT_OPS[0:14] (torchvision's dict order);
# AugMix among AUGMIX_OPS (the first 9 when all_ops=False).
AUGMIX_OPS = ("ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Posterize", "Solarize", "AutoContrast",
              "Equalize", "Brightness", "Color", "Contrast", "Sharpness")

# AutoAugment's sub-policies, (op, probability, magnitude bin) twice, as torchvision 0.29 lists them.
POLICIES = {
    "imagenet": (
        (('Posterize', 0.4, 8), ('Rotate', 0.6, 9)),
        (('Solarize', 0.6, 5), ('AutoContrast', 0.6, None)),
        (('Equalize', 0.8, None), ('Equalize', 0.6, None)),
        (('Posterize', 0.6, 7), ('Posterize', 0.6, 6)),
        (('Equalize', 0.4, None), ('Solarize', 0.2, 4)),
        (('Equalize', 0.4, None), ('Rotate', 0.8, 8)),
        (('Solarize', 0.6, 3), ('Equalize', 0.6, None)),
        (('Posterize', 0.8, 5), ('Equalize', 1.0, None)),
        (('Rotate', 0.2, 3), ('Solarize', 0.6, 8)),
        (('Equalize', 0.6, None), ('Posterize', 0.4, 6)),
        (('Rotate', 0.8, 8), ('Color', 0.4, 0)),
        (('Rotate', 0.4, 9), ('Equalize', 0.6, None)),
        (('Equalize', 0.0, None), ('Equalize', 0.8, None)),
        (('Invert', 0.6, None), ('Equalize', 1.0, None)),
        (('Color', 0.6, 4), ('Contrast', 1.0, 8)),
        (('Rotate', 0.8, 8), ('Color', 1.0, 2)),
        (('Color', 0.8, 8), ('Solarize', 0.8, 7)),
        (('Sharpness', 0.4, 7), ('Invert', 0.6, None)),
        (('ShearX', 0.6, 5), ('Equalize', 1.0, None)),
        (('Color', 0.4, 0), ('Equalize', 0.6, None)),
        (('Equalize', 0.4, None), ('Solarize', 0.2, 4)),
        (('Solarize', 0.6, 5), ('AutoContrast', 0.6, None)),
        (('Invert', 0.6, None), ('Equalize', 1.0, None)),
        (('Color', 0.6, 4), ('Contrast', 1.0, 8)),
        (('Equalize', 0.8, None), ('Equalize', 0.6, None)),
    ),
    "cifar10": (
        (('Invert', 0.1, None), ('Contrast', 0.2, 6)),
        (('Rotate', 0.7, 2), ('TranslateX', 0.3, 9)),
        (('Sharpness', 0.8, 1), ('Sharpness', 0.9, 3)),
        (('ShearY', 0.5, 8), ('TranslateY', 0.7, 9)),
        (('AutoContrast', 0.5, None), ('Equalize', 0.9, None)),
        (('ShearY', 0.2, 7), ('Posterize', 0.3, 7)),
        (('Color', 0.4, 3), ('Brightness', 0.6, 7)),
        (('Sharpness', 0.3, 9), ('Brightness', 0.7, 9)),
        (('Equalize', 0.6, None), ('Equalize', 0.5, None)),
        (('Contrast', 0.6, 7), ('Sharpness', 0.6, 5)),
        (('Color', 0.7, 7), ('TranslateX', 0.5, 8)),
        (('Equalize', 0.3, None), ('AutoContrast', 0.4, None)),
        (('TranslateY', 0.4, 3), ('Sharpness', 0.2, 6)),
        (('Brightness', 0.9, 6), ('Color', 0.2, 8)),
        (('Solarize', 0.5, 2), ('Invert', 0.0, None)),
        (('Equalize', 0.2, None), ('AutoContrast', 0.6, None)),
        (('Equalize', 0.2, None), ('Equalize', 0.6, None)),
        (('Color', 0.9, 9), ('Equalize', 0.6, None)),
        (('AutoContrast', 0.8, None), ('Solarize', 0.2, 8)),
        (('Brightness', 0.1, 3), ('Color', 0.7, 0)),
        (('Solarize', 0.4, 5), ('AutoContrast', 0.9, None)),
        (('TranslateY', 0.9, 9), ('TranslateY', 0.7, 9)),
        (('AutoContrast', 0.9, None), ('Solarize', 0.8, 3)),
        (('Equalize', 0.8, None), ('Invert', 0.1, None)),
        (('TranslateY', 0.7, 9), ('AutoContrast', 0.9, None)),
    ),
    "svhn": (
        (('ShearX', 0.9, 4), ('Invert', 0.2, None)),
        (('ShearY', 0.9, 8), ('Invert', 0.7, None)),
        (('Equalize', 0.6, None), ('Solarize', 0.6, 6)),
        (('Invert', 0.9, None), ('Equalize', 0.6, None)),
        (('Equalize', 0.6, None), ('Rotate', 0.9, 3)),
        (('ShearX', 0.9, 4), ('AutoContrast', 0.8, None)),
        (('ShearY', 0.9, 8), ('Invert', 0.4, None)),
        (('ShearY', 0.9, 5), ('Solarize', 0.2, 6)),
        (('Invert', 0.9, None), ('AutoContrast', 0.8, None)),
        (('Equalize', 0.6, None), ('Rotate', 0.9, 3)),
        (('ShearX', 0.9, 4), ('Solarize', 0.3, 3)),
        (('ShearY', 0.8, 8), ('Invert', 0.7, None)),
        (('Equalize', 0.9, None), ('TranslateY', 0.6, 6)),
        (('Invert', 0.9, None), ('Equalize', 0.6, None)),
        (('Contrast', 0.3, 3), ('Rotate', 0.8, 4)),
        (('Invert', 0.8, None), ('TranslateY', 0.0, 2)),
        (('ShearY', 0.7, 6), ('Solarize', 0.4, 8)),
        (('Invert', 0.6, None), ('Rotate', 0.8, 4)),
        (('ShearY', 0.3, 7), ('TranslateX', 0.9, 3)),
        (('ShearX', 0.1, 6), ('Invert', 0.6, None)),
        (('Solarize', 0.7, 2), ('TranslateY', 0.6, 7)),
        (('ShearY', 0.8, 4), ('Invert', 0.8, None)),
        (('ShearX', 0.7, 9), ('TranslateY', 0.8, 3)),
        (('ShearY', 0.8, 5), ('AutoContrast', 0.7, None)),
        (('ShearX', 0.7, 2), ('Invert', 0.1, None)),
    ),
}


def _policy_name(policy) -> str:
    name = getattr(policy, "value", policy)
    if not isinstance(name, str) or name.lower() not in POLICIES:
        raise ValueError(f"The provided policy {policy} is not recognized.")
    return name.lower()


@cached
def auto_augment_hyper(policy="imagenet") -> list[float]:
    hyper = []
    for sub in POLICIES[_policy_name(policy)]:
        for name, prob, magnitude_bin in sub:
            hyper += [float(OP_ID[name]), float(prob), -1.0 if magnitude_bin is None else float(magnitude_bin)]
    return [float(len(hyper) // 6), *hyper]


# The rows of csrc/samplers/auto_augment.h's AutoAugment: applied[2], policy, op[2], magnitude_bin[2],
# sign[2], magnitude[2], the integer columns stored as int64 bits.
_AUTO_AUGMENT = Layout(column("policy", 2, BITS), columns("applied", 0, 2, kind=BOOL), columns("op", 3, 2, kind=BITS),
                       columns("magnitude_bin", 5, 2, kind=BITS), columns("sign", 7, 2, kind=BITS),
                       columns("magnitude", 9, 2))


def _size(n, indices, image_size, device, needs_size=True):
    return resolve_batch(n, indices, image_size, device, needs_size=needs_size)


def auto_augment(generator, *, n=None, indices=None, image_size, device=None, policy="imagenet"):
    """AutoAugment (policy: an AutoAugmentPolicy or 'imagenet', 'cifar10', 'svhn'):
    {'policy': int64 (n,), the sub-policy index (randint(25));
     'applied': bool (n, 2), each op's coin (torch.rand(()) <= probability);
     'op': int64 (n, 2), AUGMENT_OPS ids; 'magnitude_bin': int64 (n, 2), -1 for ops without one;
     'sign': int64 (n, 2), -1 where torchvision negates the magnitude, else +1;
     'magnitude': float64 (n, 2), the signed magnitude torchvision passes to the op (10 bins;
     Translate depends on image_size), 0 for ops without one}.
    The sign is drawn for every signed op, applied or not. Two blocks per sample."""
    return draw_dict(_AUTO_AUGMENT, AUTO_AUGMENT, 11, torch.float64, auto_augment_hyper(policy), 2, generator,
                     *_size(n, indices, image_size, device))


def _bins_arg(num_magnitude_bins) -> int:
    bins = v.int_arg(num_magnitude_bins, "num_magnitude_bins", minimum=2)
    if bins > 1 << 53:  # the kernels take integer hyperparameters as exact doubles
        raise ValueError(f"num_magnitude_bins must be at most 2**53, got {bins}")
    return bins


@cached
def rand_augment_hyper(num_ops=2, magnitude=9, num_magnitude_bins=31) -> list[float]:
    if isinstance(num_ops, bool) or not isinstance(num_ops, int) or num_ops < 0:
        raise ValueError(f"num_ops should be a non-negative integer, but got {num_ops} instead.")
    bins = _bins_arg(num_magnitude_bins)
    m = v.int_arg(magnitude, "magnitude")
    if not -bins <= m < bins:
        raise ValueError(f"magnitude must index one of the {bins} magnitude bins, got {m}")
    return [float(num_ops), float(m % bins), float(bins)]


def _ops_fields(begin: int, shape: tuple[int, ...], ints: int) -> tuple:
    """'op', 'magnitude_bin', 'sign' (int64, of kind `ints`) and 'magnitude' (float64): four
    consecutive column groups of prod(shape) columns from `begin`, each (n, *shape)."""
    m = math.prod(shape)
    return (*(columns(k, begin + i * m, *shape, kind=ints) for i, k in enumerate(("op", "magnitude_bin", "sign"))),
            columns("magnitude", begin + 3 * m, *shape))


@functools.lru_cache(maxsize=64)
def _ops_layout(*shape: int) -> Layout:
    """The op groups of RandAugment and TrivialAugmentWide, whose kernels store the ints as int64."""
    return Layout(*_ops_fields(0, shape, BITS))


@functools.lru_cache(maxsize=64)
def _augmix_layout(width: int, depth: int) -> Layout:
    return Layout(columns("beta_weights", 0, 2), columns("chain_weights", 2, width), columns("depth", 2 + width, width,
                  kind=INT), *_ops_fields(2 + 2 * width, (width, depth), INT))


def rand_augment(generator, *, n=None, indices=None, image_size, device=None, num_ops=2, magnitude=9,
                 num_magnitude_bins=31):
    """RandAugment: {'op': int64 (n, num_ops), each uniform over AUGMENT_OPS[0:14];
    'magnitude_bin': int64 (n, num_ops), `magnitude` (normalised to [0, bins)), -1 for ops without
    a magnitude; 'sign': int64 (n, num_ops), -1 where torchvision negates; 'magnitude': float64
    (n, num_ops), the signed magnitude}. num_ops + ceil(num_ops / 4) blocks per sample."""
    hyper = rand_augment_hyper(num_ops, magnitude, num_magnitude_bins)
    k = int(hyper[0])
    return draw_dict(_ops_layout(k), RAND_AUGMENT, 4 * k, torch.float64, hyper, k + (k + 3) // 4, generator,
                     *_size(n, indices, image_size, device))


def trivial_augment_wide(generator, *, n=None, indices=None, image_size=None, device=None, num_magnitude_bins=31):
    """TrivialAugmentWide: {'op': int64 (n,), uniform over AUGMENT_OPS[0:14]; 'magnitude_bin':
    int64 (n,), uniform over [0, num_magnitude_bins) for ops with a magnitude, else -1; 'sign':
    int64 (n,); 'magnitude': float64 (n,)}. Three blocks per sample."""
    bins = _bins_arg(num_magnitude_bins)
    return draw_dict(_ops_layout(), TRIVIAL_AUGMENT_WIDE, 4, torch.float64, [float(bins)], 3, generator,
                     *_size(n, indices, image_size, device, needs_size=False))


@cached
def augmix_hyper(severity=3, mixture_width=3, chain_depth=-1, alpha=1.0, all_ops=True) -> list[float]:
    severity = v.int_arg(severity, "severity")
    if not 1 <= severity <= 10:
        raise ValueError(f"The severity must be between [1, 10]. Got {severity} instead.")
    width = v.int_arg(mixture_width, "mixture_width", minimum=1)
    depth = v.int_arg(chain_depth, "chain_depth")
    alpha = v.finite_arg(alpha, "alpha")
    if alpha <= 0:
        raise ValueError(f"alpha must be > 0 (the Dirichlet concentration), got {alpha}")
    v.float32_positive(alpha, "alpha")
    if not isinstance(all_ops, bool):
        raise TypeError(f"all_ops must be a bool, got {type(all_ops).__name__}")
    return [float(width), float(depth), float(severity), 1.0 if all_ops else 0.0, alpha]


def augmix_blocks(width: int, chain_depth: int) -> int:
    max_depth = chain_depth if chain_depth > 0 else 3
    return (2 + width) * GAMMA_BLOCKS + (0 if chain_depth > 0 else width) + width * max_depth + (width * max_depth + 3) // 4


def augmix(generator, *, n=None, indices=None, image_size, device=None, severity=3, mixture_width=3, chain_depth=-1,
           alpha=1.0, all_ops=True):
    """AugMix, per sample (torchvision shares one op chain across a batch; here every sample has
    its own): {'beta_weights': float64 (n, 2), torchvision's m = Dirichlet([alpha, alpha]) (the
    weight of the original, then of the augmented mix); 'chain_weights': float64 (n, W),
    Dirichlet([alpha] * W) * m[:, 1] (torchvision's combined_weights); 'depth': int64 (n, W), each
    chain's depth (chain_depth if > 0, else randint(1, 4)); 'op': int64 (n, W, D) with D =
    chain_depth if > 0 else 3, AUGMENT_OPS ids, -1 past a chain's depth; 'magnitude_bin': int64
    (n, W, D), uniform over [0, severity) (-1 without a magnitude); 'sign': int64 (n, W, D);
    'magnitude': float64 (n, W, D), the signed magnitude (10 bins)}. W = mixture_width."""
    hyper = augmix_hyper(severity, mixture_width, chain_depth, alpha, all_ops)
    width, depth = int(hyper[0]), int(hyper[1])
    d = depth if depth > 0 else 3
    return draw_dict(_augmix_layout(width, d), AUGMIX, 2 + 2 * width + 4 * width * d, torch.float64, hyper,
                     augmix_blocks(width, depth), generator, *_size(n, indices, image_size, device))

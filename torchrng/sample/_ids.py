"""Native sampler ids of the photometric, erasing, auto-augment and mixing families (see
csrc/samplers/registry.h; the geometry ids 0-10 live in _geometry.py), and the block budgets that
depend on hyperparameters, computed exactly as the C++ samplers compute them."""

from __future__ import annotations

COLOR_JITTER = 11
PHOTOMETRIC_DISTORT = 12
PERMUTATION = 13
ERASING = 14
AUTO_AUGMENT = 15
RAND_AUGMENT = 16
TRIVIAL_AUGMENT_WIDE = 17
AUGMIX = 18
MIXUP = 19
CUTMIX = 20
CHOICE = 21

# Samplers reused from the geometry family (same draw): a p gate, one uniform, one bounded integer.
GATE = 0  # Flip
UNIFORM = 3  # Rotation
INTEGER = 9  # Resize

MAX_PERMUTATION = 1 << 16
_U64_MAX = (1 << 64) - 1

GAMMA_BLOCKS = 5
BETA_BLOCKS = 2 * GAMMA_BLOCKS


def permutation_blocks(count: int) -> int:
    """Blocks read by a uniform permutation of `count` values (csrc/samplers/permutation.h)."""
    blocks, k = 0, count - 1
    while k >= 1:
        prod = 1
        while k >= 1 and prod <= _U64_MAX // (k + 1):
            prod *= k + 1
            k -= 1
        blocks += 1
    return blocks

"""Suite `floor`: how far the six sampler speed targets sit from what the determinism contract costs.

For the transforms with targets (>= 1000x the torchvision loop and >= 10x Kornia at N = 4096, one
CPU thread), each at N = 4096:

* `philox floor`  the Philox4x32-10 blocks every sample of that sampler reads in stream layout 1,
  whatever it draws (docs/samplers.md lists the budgets), turned into one float32 each word and
  stored: torch.ops.torchrng.fill_uniform into a preallocated float32 buffer of 4 words a block,
  one op call for the batch. No Python wrapper, no parameter arithmetic, no output dict: every
  sampler does at least this much work per sample (it must make its blocks and turn each word it
  uses into a value). Blocks per sample: resized_crop 3 (the first attempt pair and the two
  offsets), affine 2 (six uniforms), perspective 9 (the gate and eight corner randints: the API
  returns corners and coefficients for every row, applied or not), color_jitter 2 (the order, four factors), erasing 4 (the
  gate, the first attempt pair, two offsets), rand_augment 3 (two op choices, the sign coins);
* `torchrng`      torchrng.sample.<name>(key, n=N, ...), as in the samplers suite;
* `torchvision`   the loop over torchvision's make_params (or forward's draws), as in the samplers suite;
* `kornia`        Kornia's generator, as in the samplers suite.

Where the floor is already slower than a tenth of Kornia's time ("philox floor: >= 10x kornia: not
met"), no sampler that keeps the contract's streams can meet that target on this CPU: the blocks
alone take longer. Where it is met, the column "torchrng / philox floor" is the room left.
"""

from __future__ import annotations

import torch

from . import bench_samplers as samplers
from .common import Case, Context

NAME = "floor"
TITLE = "Sampler targets against the Philox floor of the determinism contract"
DESCRIPTION = __doc__.split("\n\n", 1)[1]

N = 4096
QUICK_N = 64
FLOOR = "philox floor"
CPU_MIN_RUN_TIME = 0.3

# Philox blocks each sample reads whatever it draws (stream layout 1; see docs/samplers.md).
BLOCKS_PER_SAMPLE = {
    "resized_crop": 3,
    "affine": 2,
    "perspective": 9,
    "color_jitter": 2,
    "erasing": 4,
    "rand_augment": 3,
}

REPORT = {
    "summary": {
        "n": N, "threads": 1, "impl": FLOOR, "against": [samplers.TORCHVISION, samplers.KORNIA, samplers.TORCHRNG],
        "targets": {samplers.TORCHVISION: 1000.0, samplers.KORNIA: 10.0},
        "target_cases": list(BLOCKS_PER_SAMPLE),
        "title": (f"Summary: N = {N}, CPU, 1 thread. The verdicts are the floor's, not torchrng's (torchrng's "
                  "own are in samplers.md): a target the floor misses cannot be met by any sampler that keeps "
                  "the contract's streams on this CPU"),
    },
    "ratio_pairs": [[samplers.KORNIA, samplers.TORCHRNG]],
    "calls": True,
}


def _floor_fn(name: str, n: int, device: str):
    blocks = BLOCKS_PER_SAMPLE[name] * n
    stream = [1, 2, 0, 0]

    def setup():
        out = torch.empty(4 * blocks, dtype=torch.float32, device=device)
        op = torch.ops.torchrng.fill_uniform
        return lambda: op(out, 0.0, 1.0, stream)

    return setup, (f"torch.ops.torchrng.fill_uniform(out, 0, 1, stream) into float32 out of 4 x {blocks} words "
                   f"({BLOCKS_PER_SAMPLE[name]} blocks a sample)")


def cases(ctx: Context) -> list[Case]:
    dev = ctx.device
    n = QUICK_N if ctx.quick else N
    specs = {s.name: s for s in samplers._specs() if s.name in BLOCKS_PER_SAMPLE}
    have_kornia = samplers.kornia_available(ctx.notes)
    out: list[Case] = []
    for name, spec in specs.items():
        base = {"group": spec.group, "image_size": f"{spec.hw[0]}x{spec.hw[1]}"}
        setup, call = _floor_fn(name, n, dev)
        out.append(Case(name, FLOOR, n, setup, baseline=True, params=dict(base, call=call)))
        setup, call = samplers._torchrng_fn(spec, n, dev)
        out.append(Case(name, samplers.TORCHRNG, n, setup, params=dict(base, call=call)))
        if dev == "cpu" and spec.tv is not None:
            setup, call = samplers._torchvision_fn(spec, n)
            out.append(Case(name, samplers.TORCHVISION, n, setup, params=dict(base, call=call)))
        if have_kornia and isinstance(spec.kornia, samplers.KorniaAug):
            setup, call = samplers._kornia_fn(spec, n, dev)
            out.append(Case(name, samplers.KORNIA, n, setup, params=dict(base, call=call)))
    return out

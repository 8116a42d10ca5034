"""torch.library.opcheck on every operator, and torch.compile(fullgraph=True) over the wrappers."""

import pytest
import torch

import torchrng

from conftest import cpu_and_cuda

S = [1, 2, 3, 4]


def _cases(device):
    f = lambda *shape, dtype=torch.float32: torch.empty(*shape, dtype=dtype, device=device)  # noqa: E731
    ops = torch.ops.torchrng
    return [
        (ops.philox4x32_10, (torch.arange(12, device=device).view(3, 4), torch.ones(3, 2, dtype=torch.int64, device=device))),
        (ops.fill_uniform, (f(10), 0.0, 1.0, S)),
        (ops.fill_uniform, (f(7, dtype=torch.float64), -1.0, 1.0, S)),
        (ops.fill_normal, (f(5, 3), 0.0, 2.0, S)),
        (ops.fill_bernoulli, (f(9, dtype=torch.bool), 0.5, S)),
        (ops.fill_randint, (f(9, dtype=torch.int64), -3, 8, S)),
        (ops.fill_randperm, (f(4, 6, dtype=torch.int64), S)),
        (ops.fill_gamma, (f(6), 0.5, 1.0, S)),
        (ops.fill_beta, (f(6), 0.5, 2.0, S)),
        (ops.fill_dirichlet, (f(5, 3), [0.5, 1.0, 2.0], S)),
        (ops.normal_field, (f(3, 2, 5), 0.0, 1.0, None, S)),
        (ops.normal_field, (f(2, 7, dtype=torch.int16), 25.0, 5.0, None, S)),
    ]


@pytest.mark.parametrize("device", cpu_and_cuda())
def test_opcheck_every_operator(device):
    for op, args in _cases(device):
        torch.library.opcheck(op, args)


def test_compile_fullgraph_with_keys():
    key = torchrng.key(5)

    def sample(x):
        noise = torchrng.normal(x.shape, generator=key.fold_in(1))
        mask = torchrng.bernoulli(0.5, x.shape, generator=key.fold_in(2))
        scale = torchrng.uniform((x.shape[0], 1), 0.5, 1.5, generator=key)
        order = torchrng.randperm(x.shape[1], generator=key)
        return (x + noise) * mask * scale, order

    x = torch.randn(8, 16)
    compiled = torch.compile(sample, fullgraph=True, backend="inductor")
    got, order = compiled(x)
    want, want_order = sample(x)
    assert torch.equal(got, want) and torch.equal(order, want_order)

"""CUDA: bit-identical to the CPU, CUDA torch.Generator consumption, graph capture, no sync.
Skipped where there is no GPU or torchrng was built without CUDA kernels."""

import pytest
import torch

import torchrng

pytestmark = pytest.mark.needs_cuda

K = torchrng.key(99)
FLOATS = [torch.float32, torch.float64, torch.float16, torch.bfloat16]


def _both(fn):
    return fn("cpu"), fn("cuda")


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 3, 1000, 1_000_003])
def test_uniform_and_normal_bit_identical(dtype, n):
    for f in (torchrng.uniform, torchrng.normal):
        cpu, gpu = _both(lambda d: f(n, generator=K, device=d, dtype=dtype))
        assert torch.equal(cpu, gpu.cpu()), f.__name__


def test_other_ops_bit_identical():
    cases = [
        lambda d: torchrng.randint(-(2**40), 2**40, 100_001, generator=K, device=d),
        lambda d: torchrng.bernoulli(0.3, 100_001, generator=K, device=d),
        lambda d: torchrng.randperm(33, 1000, generator=K, device=d),
        lambda d: torchrng.gamma(0.3, 50_001, generator=K, device=d, dtype=torch.float64),
        lambda d: torchrng.gamma(4.0, 50_001, generator=K, device=d),
        lambda d: torchrng.beta(0.5, 2.0, 50_001, generator=K, device=d, dtype=torch.float64),
        lambda d: torchrng.dirichlet([0.2, 1.0, 3.0], 10_001, generator=K, device=d, dtype=torch.float64),
    ]
    for case in cases:
        cpu, gpu = _both(case)
        assert torch.equal(cpu, gpu.cpu())


def test_generator_offsets_match_between_devices():
    g_cpu, g_gpu = torchrng.Generator(3), torchrng.Generator(3)
    for n in (5, 17, 1000):
        assert torch.equal(torchrng.uniform(n, generator=g_cpu), torchrng.uniform(n, generator=g_gpu, device="cuda").cpu())


def test_philox_raw_bit_identical():
    counter = torch.randint(0, 2**32, (1000, 4), dtype=torch.int64)
    key = torch.randint(0, 2**32, (1000, 2), dtype=torch.int64)
    assert torch.equal(torchrng.philox4x32_10(counter, key), torchrng.philox4x32_10(counter.cuda(), key.cuda()).cpu())


def test_cuda_torch_generator_is_consumed_like_pytorch_kernels():
    g = torch.Generator(device="cuda").manual_seed(5)
    start = g.get_offset()
    a = torchrng.uniform(1000, generator=g, device="cuda")
    assert g.get_offset() == start + 4  # one block per element group
    torchrng.randperm(9, 10, generator=g, device="cuda")
    assert g.get_offset() == start + 4 + 4 * 8
    g.manual_seed(5)
    assert torch.equal(torchrng.uniform(1000, generator=g, device="cuda"), a)


def test_cuda_generator_fills_cpu_tensor_and_cpu_generator_fills_cuda_tensor():
    g = torch.Generator(device="cuda").manual_seed(5)
    on_cpu = torchrng.uniform(100, generator=g, device="cpu")
    g.manual_seed(5)
    on_gpu = torchrng.uniform(100, generator=g, device="cuda")
    assert on_cpu.device.type == "cpu" and torch.equal(on_cpu, on_gpu.cpu())
    c = torch.Generator().manual_seed(1)
    x = torchrng.normal(10, generator=c, device="cuda")
    c.manual_seed(1)
    assert torch.equal(x.cpu(), torchrng.normal(10, generator=c, device="cpu"))


def test_no_host_sync():
    g = torch.Generator(device="cuda").manual_seed(0)
    torch.cuda.set_sync_debug_mode("error")
    try:
        torchrng.uniform(1000, generator=K, device="cuda")
        torchrng.normal(1000, generator=torchrng.Generator(1), device="cuda")
        torchrng.randint(0, 10, 1000, generator=g, device="cuda")
        torchrng.randperm(10, 100, generator=g, device="cuda")
        torchrng.dirichlet([1.0, 2.0], 10, generator=g, device="cuda")
    finally:
        torch.cuda.set_sync_debug_mode("default")


def test_cuda_graph_capture_replays_with_fresh_values():
    g = torch.Generator(device="cuda").manual_seed(11)
    static = torch.empty(4096, device="cuda")
    torchrng.uniform(4096, generator=g, device="cuda")  # warm-up outside the graph
    graph = torch.cuda.CUDAGraph()
    graph.register_generator_state(g)
    with torch.cuda.graph(graph):
        static.copy_(torchrng.uniform(4096, generator=g, device="cuda"))
    seen = []
    for _ in range(3):
        graph.replay()
        torch.cuda.synchronize()
        seen.append(static.clone())
    assert not torch.equal(seen[0], seen[1]) and not torch.equal(seen[1], seen[2])
    assert ((seen[0] >= 0) & (seen[0] < 1)).all()
    # Replays draw exactly what eager calls would have drawn from the same generator state.
    g.manual_seed(11)
    eager = [torchrng.uniform(4096, generator=g, device="cuda") for _ in range(5)]
    assert any(torch.equal(seen[0], e) for e in eager)


def test_cuda_graph_capture_with_default_generator():
    static = torch.empty(1024, device="cuda")
    g = torch.cuda.default_generators[torch.cuda.current_device()]
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        static.copy_(torchrng.normal(1024, generator=g, device="cuda"))
    graph.replay()
    first = static.clone()
    graph.replay()
    assert not torch.equal(first, static)

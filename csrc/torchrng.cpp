// Operator schemas, declared once. Kernels are registered per dispatch key in cpu/ and cuda/.
#include <torch/library.h>

#include "core/config.h"
#include "cpu/philox_blocks.h"

#include <string>

#ifndef TORCHRNG_CUDA_VERSION
#define TORCHRNG_CUDA_VERSION -1
#endif
// The torch version this module was built against, passed by setup.py as a bare pp-number.
#define TORCHRNG_STRINGIFY_(x) #x
#define TORCHRNG_STRINGIFY(x) TORCHRNG_STRINGIFY_(x)
#ifdef TORCHRNG_TORCH_VERSION
#define TORCHRNG_TORCH_VERSION_STRING TORCHRNG_STRINGIFY(TORCHRNG_TORCH_VERSION)
#else
#define TORCHRNG_TORCH_VERSION_STRING "unknown"
#endif

namespace torchrng {

int64_t cuda_version() { return TORCHRNG_CUDA_VERSION; }
int64_t stream_version() { return core::kStreamVersion; }
std::string cpu_isa() { return cpu::isa_name(cpu::philox_blocks_isa()); }
std::string build_info() { return std::string("torch ") + TORCHRNG_TORCH_VERSION_STRING; }

}  // namespace torchrng

TORCH_LIBRARY(torchrng, m) {
  m.set_python_module("torchrng.ops");
  m.def("philox4x32_10(Tensor counter, Tensor key) -> Tensor");
  // The fills write into `out`; `stream` is [key0, key1, index_base, block_base] (see stream.h).
  m.def("fill_uniform(Tensor(a!) out, float low, float high, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_normal(Tensor(a!) out, float mean, float std, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_bernoulli(Tensor(a!) out, float p, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_randint(Tensor(a!) out, int low, int high, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_randperm(Tensor(a!) out, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_gamma(Tensor(a!) out, float alpha, float scale, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_beta(Tensor(a!) out, float a, float b, int[] stream, Generator? generator=None) -> ()");
  m.def("fill_dirichlet(Tensor(a!) out, float[] alpha, int[] stream, Generator? generator=None) -> ()");
  // One row of float64 parameters per sample for sampler `sampler` (see samplers/registry.h).
  m.def(
      "sample_rows(Tensor(a!) out, int sampler, float[] hyper, int[] image_size, Tensor? sizes, Tensor? indices, "
      "int[] stream, Generator? generator=None, Tensor? boxes=None, Tensor? box_counts=None) -> ()");
  // ElasticTransform's displacement fields, (n, H, W, 2) float32.
  m.def("elastic_field(Tensor(a!) out, float[] hyper, Tensor? indices, int[] stream, Generator? generator=None) -> ()");
  // Per-element normal fields (GaussianNoise, RandomErasing value='random'): out is (n, ...).
  m.def("normal_field(Tensor(a!) out, float mean, float std, Tensor? indices, int[] stream, Generator? generator=None) -> ()");
  // Reserve `increment` Philox offsets of a CUDA generator on the host: returns [seed, offset].
  m.def("_philox_reserve(Generator? generator, int increment) -> int[]");
  m.def("_cuda_version() -> int", &torchrng::cuda_version);
  m.def("_stream_version() -> int", &torchrng::stream_version);
  m.def("_build_info() -> str", &torchrng::build_info);
  m.def("_cpu_isa() -> str", &torchrng::cpu_isa);
  // torchrng.batch: per-sample crop + resize (+ flip, ColorJitter, ToDtype, Normalize) of a batch,
  // reading the input once and writing the output once (see csrc/batch/fused.h).
  m.def(
      "batch_resized_crop(Tensor images, Tensor crops, int[] size, int interpolation=2, bool antialias=True, "
      "Tensor? flip=None, Tensor? jitter=None, float[] mean=[], float[] std=[], bool scale=False, "
      "ScalarType? dtype=None, Tensor? offsets=None, Tensor? sizes=None, int channels=-1) -> Tensor");
}

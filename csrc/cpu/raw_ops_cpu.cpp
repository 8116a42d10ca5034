// CPU backend of the raw ops: blocks come from the SIMD block generator in tiles, then the shared
// functors turn them into values. Work is split with at::parallel_for; every value is a pure
// function of its index, so the result does not depend on the thread count.
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>

#include "../ops/raw_ops_entry.h"
#include "box_muller_simd.h"
#include "philox_blocks.h"
#include "word_transforms.h"

namespace torchrng {
namespace {

using ops::OptGen;

constexpr int64_t kGrainElements = 1 << 15;
constexpr int64_t kTileBlocks = 256;

template <class Fill>
struct IsNormal : std::false_type {};
template <typename T>
struct IsNormal<ops::NormalFill<T>> : std::true_type {};

// The standard normals of a tile's blocks in SIMD lanes: two words per pair for float32 and
// narrower types (box_muller_32), one whole block per pair for float64 (box_muller_53).
template <int kValuesPerBlock>
bool tile_normals(const uint32_t* words, int64_t blocks, double* z) {
  if constexpr (kValuesPerBlock == 4) {
    return cpu::box_muller_32_simd(words, blocks, z);
  } else {
    return cpu::box_muller_53_simd(words, blocks, z);
  }
}

struct CpuBackend {
  static void check_no_generator(const OptGen& gen) {
    TORCH_CHECK(!gen.has_value() || !gen->defined(),
                "torchrng: a torch.Generator reaches CPU kernels only as a key (torchrng.ops resolves it)");
  }

  template <typename T, class Fill>
  static void fill(const at::Tensor&, T* data, int64_t numel, core::Stream s, const Fill& f, const OptGen& gen) {
    check_no_generator(gen);
    constexpr int P = Fill::kValuesPerBlock;
    at::parallel_for(0, numel, kGrainElements, [&](int64_t begin, int64_t end) {
      uint32_t words[4 * kTileBlocks];
      int64_t i = begin;
      while (i < end) {
        // Element i is lane i % P of sample index index_base + i / P (wrapping modulo 2^64).
        const uint64_t group = s.index_base + static_cast<uint64_t>(i / P);
        const int64_t lane = i % P;
        const int64_t blocks = std::min<int64_t>(kTileBlocks, (lane + (end - i) + P - 1) / P);
        cpu::philox_blocks(s.key, s.block_base, group, blocks, words);
        if constexpr (Fill::kOneWordPerValue) {
          // Element e is word e - 4 * group of the tile: one straight loop the compiler vectorises.
          const int64_t m = std::min<int64_t>(end - i, 4 * blocks - lane);
          const uint32_t* w = words + lane;
          T* out = data + i;
          if constexpr (std::is_same_v<Fill, ops::UniformFill<float>>) {
            cpu::uniform_f32_from_words(w, m, f.low, f.range, f.high, f.below_high, out);
          } else {
            for (int64_t j = 0; j < m; ++j) out[j] = f.one(w[j]);
          }
          i += m;
        } else {
          if constexpr (IsNormal<Fill>::value) {
            // The Box-Muller pairs of the whole tile in SIMD lanes, where the CPU has them.
            double z[4 * kTileBlocks];
            if (tile_normals<P>(words, blocks, z)) {
              const int64_t m = std::min<int64_t>(end - i, P * blocks - lane);
              for (int64_t j = 0; j < m; ++j) data[i + j] = ops::to_output<T>(f.mean + f.std * z[lane + j]);
              i += m;
              continue;
            }
          }
          i = fill_groups(f, words, blocks, lane, data, i, end);
        }
      }
    });
  }

  // Values of whole blocks: a partial group at either end keeps only the lanes inside [i, end).
  template <typename T, class Fill>
  static int64_t fill_groups(const Fill& f, const uint32_t* words, int64_t blocks, int64_t lane, T* data, int64_t i,
                             int64_t end) {
    constexpr int P = Fill::kValuesPerBlock;
    T values[P];
    for (int64_t t = 0; t < blocks && i < end; ++t) {
      const uint32_t* w = words + 4 * t;
      const core::u32x4 block{{w[0], w[1], w[2], w[3]}};
      const int64_t first_lane = t == 0 ? lane : 0;
      if (first_lane == 0 && end - i >= P) {
        f(block, data + i);
        i += P;
      } else {
        f(block, values);
        for (int64_t l = first_lane; l < P && i < end; ++l) data[i++] = values[l];
      }
    }
    return i;
  }

  template <class Fn>
  static void per_index(const at::Tensor&, int64_t count, core::Stream s, int64_t /*blocks_per_index*/,
                        const Fn& fn, const OptGen& gen) {
    check_no_generator(gen);
    at::parallel_for(0, count, 64, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) fn(core::SampleBlocks{s, static_cast<uint64_t>(i)}, i);
    });
  }

  static void philox(const int64_t* counter, const int64_t* key, int64_t* out, int64_t count, const at::Tensor&) {
    at::parallel_for(0, count, 4096, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        core::u32x4 c;
        core::u32x2 k;
        for (int w = 0; w < 4; ++w) {
          const int64_t v = counter[4 * i + w];
          TORCH_CHECK(v >= 0 && v <= 0xFFFFFFFFLL, "torchrng.philox4x32_10: counter words must be in [0, 2**32), got ", v);
          c.v[w] = static_cast<uint32_t>(v);
        }
        for (int w = 0; w < 2; ++w) {
          const int64_t v = key[2 * i + w];
          TORCH_CHECK(v >= 0 && v <= 0xFFFFFFFFLL, "torchrng.philox4x32_10: key words must be in [0, 2**32), got ", v);
          k.v[w] = static_cast<uint32_t>(v);
        }
        const core::u32x4 r = core::philox4x32<10>(c, k);
        for (int w = 0; w < 4; ++w) out[4 * i + w] = static_cast<int64_t>(r.v[w]);
      }
    });
  }
};

using Ops = ops::RawOps<CpuBackend>;

}  // namespace

TORCH_LIBRARY_IMPL(torchrng, CPU, m) {
  m.impl("philox4x32_10", &Ops::philox);
  m.impl("fill_uniform", &Ops::uniform);
  m.impl("fill_normal", &Ops::normal);
  m.impl("fill_bernoulli", &Ops::bernoulli);
  m.impl("fill_randint", &Ops::randint);
  m.impl("fill_randperm", &Ops::randperm);
  m.impl("fill_gamma", &Ops::gamma);
  m.impl("fill_beta", &Ops::beta);
  m.impl("fill_dirichlet", &Ops::dirichlet);
}

}  // namespace torchrng

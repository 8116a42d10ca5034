// CPU backend of the parameter samplers. For a contiguous range of sample indices the blocks of a
// tile of samples come from the SIMD block generator, block number by block number, and the
// samplers with a SIMD kernel for part of their work (crop rows, affine rows, Beta draws, bounded
// integers) run it on the whole tile; otherwise (explicit indices, large budgets) each sample
// computes the blocks it reads.
#include <ATen/Parallel.h>
#include <torch/library.h>

#include <algorithm>

#include "samplers_cpu.h"

#include "../ops/sampler_entry.h"
#include "affine_simd.h"
#include "area_ratio_simd.h"
#include "beta_simd.h"
#include "bounded_ints_simd.h"
#include "color_jitter_simd.h"
#include "perspective_simd.h"
#include "philox_blocks.h"
#include "rand_augment_simd.h"

namespace torchrng {
namespace {

constexpr int64_t kTile = 64;             // samples per tile
static_assert(kTile <= cpu::kAreaRatioMaxCount && kTile <= cpu::kAffineMaxCount && kTile <= cpu::kBetaMaxCount);
constexpr int64_t kMaxTileBlocks = 16;    // larger budgets are computed lazily

// Block b of sample j of a tile: the first `eager` blocks were made in advance (layout
// [block][sample][4 words]); later ones, which few samples read, are made on demand.
struct TileBlocks {
  const uint32_t* words;
  int64_t tile;
  int64_t j;
  int64_t eager;
  core::SampleBlocks lazy;
  // Inlined into the samplers (a call per block cost ~5% of RandomErasing); the rare lazy block
  // stays a call.
  __attribute__((always_inline)) core::u32x4 operator()(uint64_t b) const {
    if (static_cast<int64_t>(b) >= eager) [[unlikely]] return make_lazy(b);
    const uint32_t* p = words + 4 * (static_cast<int64_t>(b) * tile + j);
    return core::u32x4{{p[0], p[1], p[2], p[3]}};
  }
  __attribute__((noinline)) core::u32x4 make_lazy(uint64_t b) const { return lazy(b); }
};

// The samplers with a SIMD kernel for whole rows: the tile's blocks in, its rows of `args.out`
// written; false (nothing written) where the kernel does not apply.
double* tile_rows(const ops::RowsArgs& args, int64_t i0) { return static_cast<double*>(args.out) + i0 * args.columns; }

bool tile_rows_simd(const samplers::Affine& s, const uint32_t* words, int64_t count, const ops::RowsArgs& args,
                    int64_t i0) {
  return cpu::affine_rows_simd(s, words, count, args.sizes ? args.sizes + 2 * i0 : nullptr, args.height, args.width,
                               tile_rows(args, i0));
}
bool tile_rows_simd(const samplers::ColorJitter& s, const uint32_t* words, int64_t count, const ops::RowsArgs& args,
                    int64_t i0) {
  return cpu::color_jitter_rows_simd(s, words, count, tile_rows(args, i0));
}
bool tile_rows_simd(const samplers::Perspective& s, const uint32_t* words, int64_t count, const ops::RowsArgs& args,
                    int64_t i0) {
  return cpu::perspective_rows_simd(s, words, count, tile_rows(args, i0));
}
bool tile_rows_simd(const samplers::RandAugment& s, const uint32_t* words, int64_t count, const ops::RowsArgs& args,
                    int64_t i0) {
  return cpu::rand_augment_rows_simd(s, words, count, tile_rows(args, i0));
}

// The samplers with a fused SIMD kernel (one that makes its own blocks) for a whole range of
// contiguous samples: rows [begin, end) of `args.out` written; false (nothing written) where it
// does not apply.
bool range_rows_simd(const samplers::Affine& s, core::Stream stream, const ops::RowsArgs& args, int64_t begin,
                     int64_t end) {
  return cpu::affine_range_simd(s, stream.key, stream.block_base, stream.index_base + static_cast<uint64_t>(begin),
                                end - begin, args.sizes ? args.sizes + 2 * begin : nullptr, args.height, args.width,
                                tile_rows(args, begin));
}

struct CpuRows {
  template <class S>
  static void rows(const at::Tensor&, const S& sampler, const ops::RowsArgs& args, core::Stream s,
                   int64_t blocks_per_sample, const std::optional<at::Generator>& gen) {
    TORCH_CHECK(!gen.has_value() || !gen->defined(),
                "torchrng: a torch.Generator reaches CPU kernels only as a key (torchrng.sample resolves it)");
    if constexpr (requires { sampler.with_image_size(args.height, args.width); }) {
      // RandAugment, RandomPerspective: a batch of one image size fixes the size-dependent
      // magnitudes or corner ranges once.
      if (args.sizes == nullptr) return tiles(sampler.with_image_size(args.height, args.width), args, s, blocks_per_sample);
    }
    tiles(sampler, args, s, blocks_per_sample);
  }

  template <class S>
  static void tiles(const S& sampler, const ops::RowsArgs& args, core::Stream s, int64_t blocks_per_sample) {
    const bool tiled = args.indices == nullptr && blocks_per_sample <= kMaxTileBlocks;
    // A grain of many tiles: waking a second thread costs more than a few thousand cheap samples.
    at::parallel_for(0, args.n, 32 * kTile, [&](int64_t begin, int64_t end) {
      if (!tiled) {
        for (int64_t i = begin; i < end; ++i) {
          ops::run_sample(sampler, core::SampleBlocks{s, ops::sample_index(args, i)}, args, i);
        }
        return;
      }
      if constexpr (requires { range_rows_simd(sampler, s, args, begin, end); }) {
        // RandomAffine: blocks made in the lanes where they are used, no tile of stored blocks.
        if (range_rows_simd(sampler, s, args, begin, end)) return;
      }
      uint32_t words[4 * kTile * kMaxTileBlocks];
      for (int64_t i0 = begin; i0 < end; i0 += kTile) {
        const int64_t count = std::min(kTile, end - i0);
        const int64_t eager = std::min(samplers::eager_blocks_of(sampler), blocks_per_sample);
        for (int64_t b = 0; b < eager; ++b) {
          cpu::philox_blocks(s.key, s.block_base + static_cast<uint64_t>(b), s.index_base + static_cast<uint64_t>(i0),
                             count, words + 4 * b * count);
        }
        // Sample j of the tile through the scalar sampler, handed what a kernel evaluated for it.
        const auto run = [&](int64_t j, const auto&... given) {
          const core::SampleBlocks lazy{s, static_cast<uint64_t>(i0 + j)};
          ops::run_sample(sampler, TileBlocks{words, count, j, eager, lazy}, args, i0 + j, given...);
        };
        if constexpr (requires { tile_rows_simd(sampler, words, count, args, i0); }) {
          // RandomAffine, ColorJitter, RandomPerspective, RandAugment: whole rows of the tile from
          // a SIMD kernel, where it applies (every block made in advance).
          if (eager == blocks_per_sample && tile_rows_simd(sampler, words, count, args, i0)) continue;
        }
        if constexpr (requires { S::kFirstAttemptBlock; }) {
          // RandomResizedCrop / RandomErasing: the first attempts of the whole tile and the rows
          // they fit in SIMD lanes, where they apply; the samples left (tile.misses) run the
          // scalar sampler, handed attempt 0.
          cpu::AreaRatioTile tile;
          if (S::kLeftBlock < eager &&
              cpu::area_ratio_rows_simd(sampler, words, count, args.sizes ? args.sizes + 2 * i0 : nullptr, args.height,
                                        args.width, static_cast<int64_t*>(args.out) + i0 * args.columns, tile)) {
            for (uint64_t misses = tile.misses; misses != 0; misses &= misses - 1) {
              const int64_t j = __builtin_ctzll(misses);
              run(j, tile.first[j]);
            }
            continue;
          }
        }
        if constexpr (requires { sampler.beta_shape(); }) {
          // MixUp / CutMix: the tile's Beta lambdas in SIMD lanes, where they apply.
          double lam[kTile];
          const core::GammaShape& shape = sampler.beta_shape();
          if (core::kBetaBlocks <= eager && cpu::beta_simd(shape, shape, words, count, lam)) {
            for (int64_t j = 0; j < count; ++j) run(j, samplers::GivenLam{lam[j]});
            continue;
          }
        }
        if constexpr (requires { sampler.drawn_blocks(); }) {
          // ColorJitter's order, RandAugment's op choices, RandomPerspective's corners: the bounded
          // integers of the whole tile in SIMD lanes, where they apply.
          const samplers::DrawnBlocks d = sampler.drawn_blocks();
          int64_t drawn[kMaxTileBlocks * kTile];
          bool simd = d.count >= 1 && d.first + d.count <= eager;
          for (int64_t k = 0; simd && k < d.count; ++k) {
            simd = cpu::bounded_ints_simd(words + 4 * (d.first + k) * count, count, d.range_of(k), drawn + k * kTile);
          }
          if (simd) {
            for (int64_t j = 0; j < count; ++j) run(j, samplers::DrawnInts{drawn + j, kTile});
            continue;
          }
        }
        for (int64_t j = 0; j < count; ++j) run(j);
      }
    });
  }
};

}  // namespace

namespace cpu {

void sample_rows(const at::Tensor& out, int64_t sampler, c10::ArrayRef<double> hyper, c10::IntArrayRef image_size,
                 const std::optional<at::Tensor>& sizes, const std::optional<at::Tensor>& indices,
                 c10::IntArrayRef stream, const std::optional<at::Generator>& gen,
                 const std::optional<at::Tensor>& boxes, const std::optional<at::Tensor>& box_counts) {
  ops::sample_rows<CpuRows>(out, sampler, hyper, image_size, sizes, indices, stream, gen, boxes, box_counts);
}

}  // namespace cpu

TORCH_LIBRARY_IMPL(torchrng, CPU, m) { m.impl("sample_rows", &cpu::sample_rows); }

}  // namespace torchrng

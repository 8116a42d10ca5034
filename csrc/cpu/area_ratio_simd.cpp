// SIMD RandomResizedCrop / RandomErasing rows (see area_ratio_simd.h): the kernel of
// area_ratio_lanes.inc reads the tile's blocks in AVX-512 or AVX2 lanes, then the rows are written
// from its columns.
#include "area_ratio_simd.h"

#include <cmath>
#include <cstring>

#include "simd_lanes.h"
#include "tile_layout.h"

namespace torchrng {
namespace cpu {
namespace {

// The operands of one pass of the kernel: the blocks of the attempt and of the two offsets (whole
// vectors of samples: a partial last vector, or the samples of a second pass, are read from a
// zero-padded copy), which words of its block the attempt reads, the image sides when they vary per
// sample, and the kernel's columns.
struct AreaRatioLanes {
  const uint32_t* attempt_block;
  const uint32_t* top_block;
  const uint32_t* left_block;
  int scale_word;  // 0 for attempt 0 (words 0-1), 2 for attempt 1 (words 2-3)
  bool sized;
  double constant_height, constant_width;
  alignas(64) double height[kAreaRatioMaxCount];
  alignas(64) double width[kAreaRatioMaxCount];
  alignas(64) double with_ratio[kAreaRatioMaxCount];
  alignas(64) double against_ratio[kAreaRatioMaxCount];
  alignas(64) int64_t top[kAreaRatioMaxCount];
  alignas(64) int64_t left[kAreaRatioMaxCount];
  alignas(64) int64_t h[kAreaRatioMaxCount];
  alignas(64) int64_t w[kAreaRatioMaxCount];
  uint64_t fits;  // bit j: the attempt fits sample j
  alignas(64) uint32_t padded_blocks[3][4 * kAreaRatioMaxCount];
};

constexpr double kTwo52 = 0x1p52;
constexpr int kSecondAttemptMisses = 4;  // tiles with at least this many misses get attempt 1 in lanes

// Where the vector exp is exact: finite ranges, a non-negative scale, |log ratio| <= 700 (so
// 2^k stays a normal double and pm_exp's overflow and underflow branches never fire).
bool in_domain(const samplers::AreaRatioRange& r) {
  const double v[4] = {r.scale_lo, r.scale_hi, r.log_ratio_lo, r.log_ratio_hi};
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  return r.scale_lo >= 0 && r.scale_hi >= 0 && std::isfinite(r.scale_hi - r.scale_lo) &&
         std::isfinite(r.log_ratio_hi - r.log_ratio_lo) && std::fabs(r.log_ratio_lo) <= 700 &&
         std::fabs(r.log_ratio_hi) <= 700;
}

// The row's leading columns that do not depend on the attempt: RandomErasing's p gate (block 0).
void write_gate(const samplers::ResizedCrop&, const uint32_t*, int64_t, int64_t*) {}
void write_gate(const samplers::Erasing& erasing, const uint32_t* words, int64_t j, int64_t* row) {
  row[0] = erasing.gate(words[4 * j]) ? 1 : 0;
}

}  // namespace

#define TORCHRNG_LANES_KERNEL "area_ratio_lanes.inc"
#include "simd_lanes_kernel.h"

namespace {

#if TORCHRNG_X86_SIMD
template <class S>
void run_lanes(Isa isa, const S& sampler, AreaRatioLanes& l, int64_t padded) {
  if (isa == Isa::Avx512) {
    lanes_avx512::area_ratio_rows_lanes(sampler, l, padded);
  } else {
    lanes_avx2::area_ratio_rows_lanes(sampler, l, padded);
  }
}

int64_t whole_vectors(Isa isa, int64_t count) {
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  return (count + lanes - 1) / lanes * lanes;
}

// Attempt 1 (words 2-3 of attempt 0's block) in lanes for the samples of the tile that attempt 0
// missed, gathered into a short run of their own: a scalar attempt costs a mispredicted branch and
// an exp, and about one RandomResizedCrop sample in seven (defaults) takes it. Writes the rows of
// those it fits; returns the samples that still miss.
template <class S>
uint64_t second_attempt(Isa isa, const S& sampler, AreaRatioLanes& l, const uint32_t* words, int64_t count,
                        const int64_t* sizes, uint64_t misses, int64_t* rows) {
  int64_t which[kAreaRatioMaxCount];
  int64_t m = 0;
  for (uint64_t left = misses; left != 0; left &= left - 1) which[m++] = __builtin_ctzll(left);
  const int64_t padded = whole_vectors(isa, m);
  const int blocks[3] = {S::kFirstAttemptBlock, S::kTopBlock, S::kLeftBlock};
  for (int k = 0; k < 3; ++k) {
    for (int64_t i = 0; i < m; ++i) {
      std::memcpy(l.padded_blocks[k] + 4 * i, words + 4 * (blocks[k] * count + which[i]), 4 * sizeof(uint32_t));
    }
    std::memset(l.padded_blocks[k] + 4 * m, 0, sizeof(uint32_t) * 4 * static_cast<size_t>(padded - m));
  }
  l.attempt_block = l.padded_blocks[0];
  l.top_block = l.padded_blocks[1];
  l.left_block = l.padded_blocks[2];
  l.scale_word = 2;
  if (sizes) {
    for (int64_t i = 0; i < padded; ++i) {
      l.height[i] = i < m ? static_cast<double>(sizes[2 * which[i]]) : 1.0;
      l.width[i] = i < m ? static_cast<double>(sizes[2 * which[i] + 1]) : 1.0;
    }
  }
  run_lanes(isa, sampler, l, padded);
  uint64_t still = 0;
  for (int64_t i = 0; i < m; ++i) {
    S::write_box(rows + S::kColumns * which[i], l.top[i], l.left[i], l.h[i], l.w[i]);
    still |= ((~l.fits >> i) & 1) << which[i];
  }
  return still;
}
#endif

template <class S>
bool rows_with(Isa isa, const S& sampler, const uint32_t* words, int64_t count, const int64_t* sizes, int64_t height,
               int64_t width, int64_t* rows, AreaRatioTile& tile) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || count > kAreaRatioMaxCount ||
      !in_domain(sampler.area_ratio_range())) {
    return false;
  }
  AreaRatioLanes l;
  const int64_t padded = whole_vectors(isa, count);
  l.attempt_block = padded_block(words, S::kFirstAttemptBlock, count, padded, l.padded_blocks[0]);
  l.top_block = padded_block(words, S::kTopBlock, count, padded, l.padded_blocks[1]);
  l.left_block = padded_block(words, S::kLeftBlock, count, padded, l.padded_blocks[2]);
  l.scale_word = 0;
  l.sized = sizes != nullptr;
  l.constant_height = static_cast<double>(height);
  l.constant_width = static_cast<double>(width);
  if (sizes) {
    for (int64_t j = 0; j < padded; ++j) {
      l.height[j] = j < count ? static_cast<double>(sizes[2 * j]) : 1.0;
      l.width[j] = j < count ? static_cast<double>(sizes[2 * j + 1]) : 1.0;
    }
  }
  run_lanes(isa, sampler, l, padded);
  // Every row is written, without a branch on the (random) fit: a miss's row is overwritten later.
  for (int64_t j = 0; j < count; ++j) {
    int64_t* row = rows + S::kColumns * j;
    write_gate(sampler, words, j, row);
    S::write_box(row, l.top[j], l.left[j], l.h[j], l.w[j]);
    tile.first[j] = {l.with_ratio[j], l.against_ratio[j]};
  }
  const uint64_t all = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
  const uint64_t misses = ~l.fits & all;
  // A second run pays for itself from about half a vector of misses (RandomResizedCrop's defaults
  // miss ~9 of 64; RandomErasing's ~1, cheaper in scalar code).
  tile.misses = __builtin_popcountll(misses) >= kSecondAttemptMisses
                    ? second_attempt(isa, sampler, l, words, count, sizes, misses, rows)
                    : misses;
  return true;
#else
  (void)isa, (void)sampler, (void)words, (void)count, (void)sizes, (void)height, (void)width, (void)rows, (void)tile;
  return false;
#endif
}

}  // namespace

bool area_ratio_rows_simd_with(Isa isa, const samplers::ResizedCrop& crop, const uint32_t* words, int64_t count,
                               const int64_t* sizes, int64_t height, int64_t width, int64_t* rows,
                               AreaRatioTile& tile) {
  return rows_with(isa, crop, words, count, sizes, height, width, rows, tile);
}

bool area_ratio_rows_simd_with(Isa isa, const samplers::Erasing& erasing, const uint32_t* words, int64_t count,
                               const int64_t* sizes, int64_t height, int64_t width, int64_t* rows,
                               AreaRatioTile& tile) {
  return rows_with(isa, erasing, words, count, sizes, height, width, rows, tile);
}

bool area_ratio_rows_simd(const samplers::ResizedCrop& crop, const uint32_t* words, int64_t count,
                          const int64_t* sizes, int64_t height, int64_t width, int64_t* rows, AreaRatioTile& tile) {
  return rows_with(philox_blocks_isa(), crop, words, count, sizes, height, width, rows, tile);
}

bool area_ratio_rows_simd(const samplers::Erasing& erasing, const uint32_t* words, int64_t count,
                          const int64_t* sizes, int64_t height, int64_t width, int64_t* rows, AreaRatioTile& tile) {
  return rows_with(philox_blocks_isa(), erasing, words, count, sizes, height, width, rows, tile);
}

}  // namespace cpu
}  // namespace torchrng

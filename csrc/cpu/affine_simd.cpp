// SIMD evaluation of samplers::Affine (see affine_simd.h): the kernels of affine_lanes.inc, in
// AVX-512 or AVX2 lanes, either read a tile's blocks and write the six columns as rows afterwards,
// or (affine_range_simd) make the blocks themselves and write the rows in place.
#include "affine_simd.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "simd_lanes.h"
#include "tile_layout.h"
#include "word_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

// The operands of one tile: its blocks 0 and 1 (whole vectors of samples: a partial last vector
// is read from a zero-padded copy), the image sides (per sample when sizes is set), and the six
// output columns.
struct AffineLanes {
  const uint32_t* block0;
  const uint32_t* block1;
  const int64_t* sizes;
  double constant_height, constant_width;
  bool small_translations;  // every translation below 2^30 in magnitude: out[1], out[2] hold int64 bits
  alignas(64) double height[kAffineMaxCount];
  alignas(64) double width[kAffineMaxCount];
  alignas(64) double out[6][kAffineMaxCount];
  alignas(64) uint32_t padded_blocks[2][4 * kAffineMaxCount];
};

// The operands of affine_range_simd: the Philox plans of blocks 0 and 1 (one index high word for
// every sample), the first index's low word, each column's uniform bounds in float32 as
// samplers::uniform_f32 rounds them (lo and hi - lo; the translations' for one image size), and
// the per-sample sizes or null.
struct AffineRange {
  philox_simd::Plan block0, block1;
  uint32_t index_lo;
  float lo[6], width[6];
  const int64_t* sizes;
};

// Where the lanes compute what the scalar code does: every range and translation bound finite
// (then no NaN or infinity arises, and pm_rint's special cases never fire).
bool in_domain(const samplers::Affine& a) {
  const double v[] = {a.deg_lo, a.deg_hi, a.deg_hi - a.deg_lo, a.translate_x, a.translate_y, a.scale_lo, a.scale_hi,
                      a.scale_hi - a.scale_lo, a.shear[0], a.shear[1], a.shear[1] - a.shear[0], a.shear[2], a.shear[3],
                      a.shear[3] - a.shear[2]};
  for (double x : v) {
    if (!std::isfinite(x)) return false;
  }
  // max_dx = translate_x * width with width < 2^31, and its range 2 * max_dx, must stay finite.
  return std::fabs(a.translate_x) < 0x1p900 && std::fabs(a.translate_y) < 0x1p900;
}

}  // namespace

#define TORCHRNG_LANES_KERNEL "affine_lanes.inc"
#include "simd_lanes_kernel.h"

bool affine_rows_simd_with(Isa isa, const samplers::Affine& affine, const uint32_t* words, int64_t count,
                           const int64_t* sizes, int64_t height, int64_t width, double* rows) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || count > kAffineMaxCount || !in_domain(affine)) {
    return false;
  }
  AffineLanes l;
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  const int64_t padded = (count + lanes - 1) / lanes * lanes;
  l.block0 = padded_block(words, 0, count, padded, l.padded_blocks[0]);
  l.block1 = padded_block(words, 1, count, padded, l.padded_blocks[1]);
  l.sizes = sizes;
  l.constant_height = static_cast<double>(height);
  l.constant_width = static_cast<double>(width);
  double max_height = l.constant_height, max_width = l.constant_width;
  if (sizes) {
    max_height = max_width = 1.0;
    for (int64_t j = 0; j < padded; ++j) {
      l.height[j] = j < count ? static_cast<double>(sizes[2 * j]) : 1.0;
      l.width[j] = j < count ? static_cast<double>(sizes[2 * j + 1]) : 1.0;
      max_height = std::max(max_height, l.height[j]);
      max_width = std::max(max_width, l.width[j]);
    }
  }
  // |translation| <= round(translate * side), so below 2^30 the lanes may convert it to int64.
  l.small_translations =
      std::fabs(affine.translate_x) * max_width < 0x1p30 && std::fabs(affine.translate_y) * max_height < 0x1p30;
  if (isa == Isa::Avx512) {
    lanes_avx512::affine_lanes(affine, l, padded);
  } else {
    lanes_avx2::affine_lanes(affine, l, padded);
  }
  if (l.small_translations) {  // every column as stored: a plain transposition
    for (int64_t j = 0; j < count; ++j) {
      for (int c = 0; c < 6; ++c) rows[6 * j + c] = l.out[c][j];
    }
    return true;
  }
  for (int64_t j = 0; j < count; ++j) {
    double* row = rows + 6 * j;
    row[0] = l.out[0][j];
    // The translation as the CPU backend stores it (samplers::Affine::int_columns).
    for (int c = 1; c < 3; ++c) row[c] = samplers::stored_int(samplers::to_i64(l.out[c][j]));
    for (int c = 3; c < 6; ++c) row[c] = l.out[c][j];
  }
  return true;
#else
  (void)isa, (void)affine, (void)words, (void)count, (void)sizes, (void)height, (void)width, (void)rows;
  return false;
#endif
}

bool affine_range_simd_with(Isa isa, const samplers::Affine& affine, core::u32x2 key, uint64_t block,
                            uint64_t first_index, int64_t count, const int64_t* sizes, int64_t height, int64_t width,
                            double* rows) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || !in_domain(affine)) return false;
  // One high index word for every sample (the low word does not wrap), translations within 31 bits.
  if (static_cast<uint64_t>(core::lo32(first_index)) + static_cast<uint64_t>(count) > (uint64_t{1} << 32)) return false;
  int64_t max_height = height, max_width = width;
  if (sizes) {
    max_height = max_width = 1;
    for (int64_t j = 0; j < count; ++j) {
      max_height = std::max(max_height, sizes[2 * j]);
      max_width = std::max(max_width, sizes[2 * j + 1]);
    }
  }
  if (!(std::fabs(affine.translate_x) * static_cast<double>(max_width) < 0x1p30 &&
        std::fabs(affine.translate_y) * static_cast<double>(max_height) < 0x1p30)) {
    return false;
  }
  AffineRange r;
  r.block0 = philox_simd::make_plan(key, block, core::hi32(first_index));
  r.block1 = philox_simd::make_plan(key, block + 1, core::hi32(first_index));
  r.index_lo = core::lo32(first_index);
  r.sizes = sizes;
  // torchvision's translation bounds are float(translate * side) in float64, rounded to float32 by
  // uniform_ (samplers::Affine); -float32(m) is float32(-m). (Unused with per-sample sizes.)
  const float max_dx = static_cast<float>(affine.translate_x * static_cast<double>(width));
  const float max_dy = static_cast<float>(affine.translate_y * static_cast<double>(height));
  const double bounds[6][2] = {{affine.deg_lo, affine.deg_hi},     {-max_dx, max_dx},
                               {-max_dy, max_dy},                  {affine.scale_lo, affine.scale_hi},
                               {affine.shear[0], affine.shear[1]}, {affine.shear[2], affine.shear[3]}};
  for (int c = 0; c < 6; ++c) {
    r.lo[c] = static_cast<float>(bounds[c][0]);
    r.width[c] = static_cast<float>(bounds[c][1]) - r.lo[c];
  }
  if (isa == Isa::Avx512) {
    lanes_avx512::affine_range_lanes(affine, r, count, rows);
  } else {
    lanes_avx2::affine_range_lanes(affine, r, count, rows);
  }
  return true;
#else
  (void)isa, (void)affine, (void)key, (void)block, (void)first_index, (void)count, (void)sizes, (void)height,
      (void)width, (void)rows;
  return false;
#endif
}

bool affine_range_simd(const samplers::Affine& affine, core::u32x2 key, uint64_t block, uint64_t first_index,
                       int64_t count, const int64_t* sizes, int64_t height, int64_t width, double* rows) {
  return affine_range_simd_with(philox_blocks_isa(), affine, key, block, first_index, count, sizes, height, width,
                                rows);
}

bool affine_rows_simd(const samplers::Affine& affine, const uint32_t* words, int64_t count, const int64_t* sizes,
                      int64_t height, int64_t width, double* rows) {
  return affine_rows_simd_with(philox_blocks_isa(), affine, words, count, sizes, height, width, rows);
}

}  // namespace cpu
}  // namespace torchrng

// SIMD RandomPerspective rows (see perspective_simd.h): the corner draws in bounded_ints_simd, the
// coefficients in the kernel of perspective_lanes.inc, the rest of the row in scalar code.
#include "perspective_simd.h"

#include "bounded_ints_simd.h"
#include "simd_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr int64_t kColumns = samplers::Perspective::kColumns;

// The operands of one tile, one array per corner coordinate, padded to a whole number of vectors
// (padding lanes are flagged degenerate), and the eight coefficient columns.
struct PerspectiveLanes {
  double sx, sy;  // the image rectangle's far corner: width - 1, height - 1
  alignas(64) double end[8][kPerspectiveMaxCount];
  alignas(64) double degenerate[kPerspectiveMaxCount];  // 1.0 where three corners are collinear
  alignas(64) double out[8][kPerspectiveMaxCount];
};

}  // namespace

#define TORCHRNG_LANES_KERNEL "perspective_lanes.inc"
#include "simd_lanes_kernel.h"

bool perspective_rows_simd_with(Isa isa, const samplers::Perspective& perspective, const uint32_t* words,
                                int64_t count, double* rows) {
#if TORCHRNG_X86_SIMD
  const int64_t height = perspective.sized_height, width = perspective.sized_width;
  if (isa == Isa::Scalar || !isa_supported(isa) || height < 1 || width < 1 || count <= 0 ||
      count > kPerspectiveMaxCount) {
    return false;
  }
  const samplers::DrawnBlocks drawn = perspective.drawn_blocks();
  int64_t draws[8 * kPerspectiveMaxCount];
  for (int64_t k = 0; k < 8; ++k) {
    if (!bounded_ints_simd_with(isa, words + 4 * (drawn.first + k) * count, count, drawn.range_of(k),
                                draws + k * kPerspectiveMaxCount)) {
      return false;
    }
  }
  PerspectiveLanes l;
  l.sx = static_cast<double>(width - 1);
  l.sy = static_cast<double>(height - 1);
  // A rectangle without width or height has three collinear corners: the identity everywhere.
  const bool flat = l.sx == 0 || l.sy == 0;
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  const int64_t padded = (count + lanes - 1) / lanes * lanes;
  for (int64_t j = 0; j < padded; ++j) {
    double end[8] = {};
    if (j < count) {
      perspective.endpoints(height, width, samplers::DrawnInts{draws + j, kPerspectiveMaxCount}, end);
      double* row = rows + kColumns * j;
      row[0] = core::bernoulli_from32(words[4 * j], perspective.p) ? 1.0 : 0.0;
      for (int k = 0; k < 8; ++k) row[9 + k] = samplers::stored_int(samplers::to_i64(end[k]));
    }
    for (int k = 0; k < 8; ++k) l.end[k][j] = end[k];
    l.degenerate[j] = (j >= count || flat || samplers::degenerate_quad(end)) ? 1.0 : 0.0;
  }
  if (isa == Isa::Avx512) {
    lanes_avx512::perspective_lanes(l, padded);
  } else {
    lanes_avx2::perspective_lanes(l, padded);
  }
  for (int64_t j = 0; j < count; ++j) {
    for (int k = 0; k < 8; ++k) rows[kColumns * j + 1 + k] = l.out[k][j];
  }
  return true;
#else
  (void)isa, (void)perspective, (void)words, (void)count, (void)rows;
  return false;
#endif
}

bool perspective_rows_simd(const samplers::Perspective& perspective, const uint32_t* words, int64_t count,
                           double* rows) {
  return perspective_rows_simd_with(philox_blocks_isa(), perspective, words, count, rows);
}

}  // namespace cpu
}  // namespace torchrng

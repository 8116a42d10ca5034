// SIMD RandomPerspective rows (see perspective_simd.h): the corner draws in bounded_ints_simd, the
// corners, collinearity and coefficients in the kernel of perspective_lanes.inc, then the rows.
#include "perspective_simd.h"

#include "bounded_ints_simd.h"
#include "simd_lanes.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr int64_t kColumns = samplers::Perspective::kColumns;

// The operands of one tile: the eight corner draws, padded with zeros to a whole number of
// vectors (the padding lanes' results are dropped); and the kernel's columns, the corners as int64
// and the eight coefficients.
struct PerspectiveLanes {
  double sx, sy;         // the image rectangle's far corner: width - 1, height - 1
  bool flat;             // sx or sy is 0: three corners of the rectangle are collinear
  int64_t far_x, far_y;  // the lowest x of the right corners, the lowest y of the bottom ones
  alignas(64) int64_t draw[8][kPerspectiveMaxCount];
  alignas(64) int64_t end[8][kPerspectiveMaxCount];
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
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  const int64_t padded = (count + lanes - 1) / lanes * lanes;
  PerspectiveLanes l;
  const samplers::DrawnBlocks drawn = perspective.drawn_blocks();
  for (int64_t k = 0; k < 8; ++k) {
    if (!bounded_ints_simd_with(isa, words + 4 * (drawn.first + k) * count, count, drawn.range_of(k), l.draw[k])) {
      return false;
    }
    for (int64_t j = count; j < padded; ++j) l.draw[k][j] = 0;
  }
  l.sx = static_cast<double>(width - 1);
  l.sy = static_cast<double>(height - 1);
  l.flat = l.sx == 0 || l.sy == 0;
  l.far_x = width - perspective.bound(width);
  l.far_y = height - perspective.bound(height);
  if (isa == Isa::Avx512) {
    lanes_avx512::perspective_lanes(l, padded);
  } else {
    lanes_avx2::perspective_lanes(l, padded);
  }
  for (int64_t j = 0; j < count; ++j) {
    double* row = rows + kColumns * j;
    row[0] = core::bernoulli_from32(words[4 * j], perspective.p) ? 1.0 : 0.0;
    for (int k = 0; k < 8; ++k) row[1 + k] = l.out[k][j];
    for (int k = 0; k < 8; ++k) row[9 + k] = samplers::stored_int(l.end[k][j]);
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

// SIMD uniform integers below a bound (see bounded_ints_simd.h): whole vectors of blocks in lanes,
// the last partial vector with the scalar core::uniform_below (the lanes would read past the tile).
#include "bounded_ints_simd.h"

#include "../core/uniform.h"
#include "simd_lanes.h"

namespace torchrng {
namespace cpu {

#define TORCHRNG_LANES_KERNEL "bounded_ints_lanes.inc"
#include "simd_lanes_kernel.h"

bool bounded_ints_simd_with(Isa isa, const uint32_t* words, int64_t count, uint64_t range, int64_t* out) {
#if TORCHRNG_X86_SIMD
  if (isa == Isa::Scalar || !isa_supported(isa) || count <= 0 || range < 1 || range >= (uint64_t{1} << 32)) {
    return false;
  }
  const int64_t lanes = isa == Isa::Avx512 ? lanes_avx512::kLanes : lanes_avx2::kLanes;
  const int64_t whole = count / lanes * lanes;
  if (isa == Isa::Avx512) {
    lanes_avx512::bounded_ints_lanes(words, whole, range, out);
  } else {
    lanes_avx2::bounded_ints_lanes(words, whole, range, out);
  }
  for (int64_t j = whole; j < count; ++j) {
    const uint32_t* p = words + 4 * j;
    out[j] = static_cast<int64_t>(core::uniform_below(core::u32x4{{p[0], p[1], p[2], p[3]}}, range));
  }
  return true;
#else
  (void)isa, (void)words, (void)count, (void)range, (void)out;
  return false;
#endif
}

bool bounded_ints_simd(const uint32_t* words, int64_t count, uint64_t range, int64_t* out) {
  return bounded_ints_simd_with(philox_blocks_isa(), words, count, range, out);
}

}  // namespace cpu
}  // namespace torchrng

// Box-Muller pairs (core::box_muller_32 and box_muller_53) for a run of Philox blocks at once, with AVX-512 or AVX2:
// the normal fill's cost is the portable log, square root and sincos of each pair, and 8 or 4 lanes
// of the same IEEE operations in the same order (no FMA, correctly rounded division and square root)
// give the scalar code's bits. The angle 2 pi u lies in [0, 2 pi), so sincos needs only the
// medium (Cody-Waite) argument reduction, evaluated in all its stages and blended per lane.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

// For t in [0, blocks): with block t's words w = words[4t .. 4t+3], writes
//   z[4t], z[4t+1]   = box_muller_32(w[0], w[1]) (the cosine, then the sine branch)
//   z[4t+2], z[4t+3] = box_muller_32(w[2], w[3]).
// Returns false, writing nothing, when no SIMD path applies.
bool box_muller_32_simd(const uint32_t* words, int64_t blocks, double* z);

// For t in [0, blocks): z[2t], z[2t+1] = box_muller_53(block t) (the float64 normal fill).
bool box_muller_53_simd(const uint32_t* words, int64_t blocks, double* z);

// The same on a given ISA (for tests): false for Isa::Scalar or an ISA this CPU lacks.
bool box_muller_32_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z);
bool box_muller_53_simd_with(Isa isa, const uint32_t* words, int64_t blocks, double* z);

}  // namespace cpu
}  // namespace torchrng

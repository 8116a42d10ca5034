// ColorJitter's parameters for a tile of samples at once (samplers::ColorJitter in
// samplers/photometric.h is the scalar definition, reproduced bit for bit).
//
// The orders are indices below 4! made in SIMD lanes (bounded_ints_simd), each a lookup in the
// table of the 24 permutations permutation_from_index<4> makes; a sample's four factors are one
// 4-wide float32 vector of uniform_f32's IEEE operations, NaN where the factor is not configured. One
// sample at a time, the permutation's swaps and the int64 column conversions cost several times
// the arithmetic.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "../samplers/photometric.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

// For j in [0, count): sample j's block 0 is words[4*j .. 4*j + 3] and its block 1
// words[4*count + 4*j ..] (the tile layout [block][sample][4 words]). Writes the sampler's eight
// columns of sample j to rows[8*j .. 8*j + 7] as the CPU backend stores them (fn_idx as int64
// bits). Returns false, writing nothing, when no SIMD path applies.
bool color_jitter_rows_simd(const samplers::ColorJitter& jitter, const uint32_t* words, int64_t count, double* rows);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool color_jitter_rows_simd_with(Isa isa, const samplers::ColorJitter& jitter, const uint32_t* words, int64_t count,
                                 double* rows);

}  // namespace cpu
}  // namespace torchrng

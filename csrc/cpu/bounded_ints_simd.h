// Uniform integers below a small bound, one per Philox block, for a tile of samples at once with
// AVX-512 or AVX2: core::uniform_below bit for bit. ColorJitter's order (an index below 4! = 24)
// and RandAugment's op choices (below 14) are such draws; one at a time, their 128-bit products
// cost as much as making the blocks.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

// For j in [0, count): out[j] = core::uniform_below(block j, range), block j being
// words[4*j .. 4*j + 3]. Returns false, writing nothing, when no SIMD path applies: range outside
// [1, 2^32), count <= 0, no SIMD ISA.
bool bounded_ints_simd(const uint32_t* words, int64_t count, uint64_t range, int64_t* out);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool bounded_ints_simd_with(Isa isa, const uint32_t* words, int64_t count, uint64_t range, int64_t* out);

}  // namespace cpu
}  // namespace torchrng

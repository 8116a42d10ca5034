// Attempt 0 of RandomResizedCrop / RandomErasing for a tile of samples at once, with AVX-512 or
// AVX2 (samplers/area_ratio.h has the scalar definition it reproduces bit for bit).
//
// The attempt is a chain of divisions, square roots and an exp; evaluated one sample at a time it
// dominates those samplers' cost, and 4 or 8 lanes of the same IEEE operations (no FMA, correctly
// rounded division and square root) give the same bits as the scalar code. The vector exp follows
// core::pm_exp's reduction and polynomial exactly on |x| <= 700, so ranges reaching beyond that,
// or any non-finite or negative-scale range the raw op may be handed, take the scalar path.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, like
// philox_blocks.cpp, so the C++ tests link it.
#pragma once

#include <cstdint>

#include "../samplers/area_ratio.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

constexpr int64_t kAreaRatioMaxCount = 64;

// For j in [0, count), count <= kAreaRatioMaxCount: sample j's words are words[4*j] (scale) and
// words[4*j + 1] (log ratio), its image is sizes[2*j] x sizes[2*j + 1] (sizes may be null: then
// height x width); writes area_ratio_sides(...) of it to sides[j]. Returns false, writing nothing,
// when no SIMD path applies (the caller then evaluates the attempt itself).
bool area_ratio_sides_simd(const samplers::AreaRatioRange& range, const uint32_t* words, int64_t count,
                           const int64_t* sizes, int64_t height, int64_t width, samplers::AreaRatioSides* sides);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool area_ratio_sides_simd_with(Isa isa, const samplers::AreaRatioRange& range, const uint32_t* words, int64_t count,
                                const int64_t* sizes, int64_t height, int64_t width, samplers::AreaRatioSides* sides);

}  // namespace cpu
}  // namespace torchrng

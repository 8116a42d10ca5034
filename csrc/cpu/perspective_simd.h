// RandomPerspective's parameters for a tile of samples of one image size at once
// (samplers::Perspective in samplers/geometry.h is the scalar definition, reproduced bit for bit).
//
// The eight corner draws are bounded integers made in SIMD lanes (bounded_ints_simd); the corners,
// the collinearity test (the same exact integer cross products) and the coefficients, fourteen
// divisions a sample, are evaluated in 4 or 8 lanes with the same operations as
// samplers::endpoints, degenerate_quad and perspective_coefficients. One sample at a time, the
// divisions were half of the sampler's cost, and the collinearity test's branches much of the rest.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "../samplers/geometry.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

constexpr int64_t kPerspectiveMaxCount = 64;

// For j in [0, count), count <= kPerspectiveMaxCount: sample j's block b is
// words[4*(b*count + j) .. + 3] (the tile layout [block][sample][4 words]). Writes the sampler's 17
// columns of sample j to rows[17*j ..] as the CPU backend stores them (the endpoints as int64
// bits). Needs a sampler made by with_image_size(); returns false, writing nothing, otherwise or
// when no SIMD path applies.
bool perspective_rows_simd(const samplers::Perspective& perspective, const uint32_t* words, int64_t count, double* rows);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool perspective_rows_simd_with(Isa isa, const samplers::Perspective& perspective, const uint32_t* words, int64_t count,
                                double* rows);

}  // namespace cpu
}  // namespace torchrng

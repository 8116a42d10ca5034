// Beta(a, b) variates (core::beta_variate, MixUp's and CutMix's lambda) for a tile of samples at
// once, with AVX-512 or AVX2 (core/distributions.h holds the scalar definition, reproduced bit for
// bit).
//
// One variate is two Marsaglia-Tsang Gammas, each a Box-Muller pair, two logs and, for shapes
// below 1, a third: one sample at a time those portable logs, square roots and sines were nearly
// all of MixUp's cost. The lanes evaluate each Gamma's first two attempts (the two halves of its
// first Box-Muller pair), which accept all but a fraction of a percent of the samples, and the
// final ratio's exp; a Gamma whose two attempts both fail (or whose v = t^3 is not a normal
// double), and a ratio beyond the vector exp's range, are finished by the scalar code.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "../core/distributions.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

constexpr int64_t kBetaMaxCount = 64;

// For j in [0, count), count <= kBetaMaxCount: sample j's blocks 0 .. core::kBetaBlocks - 1 are
// words[4 * (b * count + j) ..] (the tile layout [block][sample][4 words]); writes
// core::beta_variate(blocks, 0, a, b) to lam[j]. Returns false, writing nothing, when no SIMD path
// applies (the caller then runs the scalar code).
bool beta_simd(const core::GammaShape& a, const core::GammaShape& b, const uint32_t* words, int64_t count,
               double* lam);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool beta_simd_with(Isa isa, const core::GammaShape& a, const core::GammaShape& b, const uint32_t* words,
                    int64_t count, double* lam);

}  // namespace cpu
}  // namespace torchrng

// RandomAffine's parameters for a tile of samples at once, with AVX-512 or AVX2
// (samplers::Affine in samplers/geometry.h is the scalar definition reproduced bit for bit).
//
// One sample is six uniforms, two of them rounded half to even: evaluated one sample at a time
// the rounding's branches on the (random) sign and the row bookkeeping cost several times the
// arithmetic. In 4 or 8 lanes the same IEEE operations give the same bits. Hyperparameters whose
// products are not finite (the raw op takes any) keep the scalar path.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "../samplers/geometry.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

constexpr int64_t kAffineMaxCount = 64;

// For j in [0, count), count <= kAffineMaxCount: sample j's block 0 is words[4*j .. 4*j + 3] and
// its block 1 words[4*count + 4*j ..] (the tile layout [block][sample][4 words]); its image is
// sizes[2*j] x sizes[2*j + 1] (sizes may be null: then height x width). Writes the sampler's six
// columns of sample j to rows[6*j .. 6*j + 5]. Returns false, writing nothing, when no SIMD path
// applies (the caller then runs the sampler itself).
bool affine_rows_simd(const samplers::Affine& affine, const uint32_t* words, int64_t count, const int64_t* sizes,
                      int64_t height, int64_t width, double* rows);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool affine_rows_simd_with(Isa isa, const samplers::Affine& affine, const uint32_t* words, int64_t count,
                           const int64_t* sizes, int64_t height, int64_t width, double* rows);

// The fused path: rows[6*j .. 6*j + 5] = the six columns of the sample of index first_index + j,
// j in [0, count), of image size sizes[2*j] x sizes[2*j + 1] (or height x width when sizes is
// null), its blocks 0 and 1 being block numbers `block` and `block + 1` of key `key` (as
// core::stream_block). The blocks are made in the lanes, never stored. Returns false, writing
// nothing, where it does not apply: no SIMD ISA, hyperparameters outside the domain of
// affine_rows_simd, a translation bound of 2^30 or more, or indices whose low word wraps within
// the range (one Philox plan per range).
bool affine_range_simd(const samplers::Affine& affine, core::u32x2 key, uint64_t block, uint64_t first_index,
                       int64_t count, const int64_t* sizes, int64_t height, int64_t width, double* rows);
bool affine_range_simd_with(Isa isa, const samplers::Affine& affine, core::u32x2 key, uint64_t block,
                            uint64_t first_index, int64_t count, const int64_t* sizes, int64_t height, int64_t width,
                            double* rows);

}  // namespace cpu
}  // namespace torchrng

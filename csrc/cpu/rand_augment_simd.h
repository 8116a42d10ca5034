// RandAugment's parameters for a tile of samples of one image size at once (samplers::RandAugment
// in samplers/auto_augment.h is the scalar definition, reproduced bit for bit).
//
// The op choices are bounded integers made in SIMD lanes (bounded_ints_simd); each op then reads
// per-op tables of the stored bits (the op, magnitude_bin and sign columns as the int64 bits the
// CPU backend stores, the magnitude and its negation), so a row is written once, with no integer
// conversion pass over it and no branch on the op.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, so the
// C++ tests link it.
#pragma once

#include <cstdint>

#include "../samplers/auto_augment.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

// For j in [0, count), count <= 64: sample j's block b is words[4*(b*count + j) .. + 3] (the tile
// layout [block][sample][4 words]). Writes the sampler's 4 * num_ops columns of sample j to
// rows[4*num_ops*j ..]. Needs a sampler made by with_image_size() and 1 <= num_ops <= 12 (the
// blocks of a tile); returns false, writing nothing, otherwise or when no SIMD path applies.
bool rand_augment_rows_simd(const samplers::RandAugment& augment, const uint32_t* words, int64_t count, double* rows);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool rand_augment_rows_simd_with(Isa isa, const samplers::RandAugment& augment, const uint32_t* words, int64_t count,
                                 double* rows);

}  // namespace cpu
}  // namespace torchrng

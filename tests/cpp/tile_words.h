// Helpers for the tests that compare a SIMD tile kernel with the scalar sampler it mirrors: the
// tile's block layout as the CPU backend makes it, and a row's integer columns as it stores them.
#pragma once

#include <cstdint>

#include "cpu/tile_layout.h"
#include "samplers/common.h"

namespace torchrng_test {

// Block b of sample j of a tile laid out as the CPU backend makes it: [block][sample][4 words].
using TileWords = torchrng::cpu::TileView;

// Columns [begin, end) of a sampler's float64 row as the CPU backend stores its int_columns():
// the int64 bit patterns of the values.
inline void store_as_int64_bits(double* row, int64_t begin, int64_t end) {
  for (int64_t c = begin; c < end; ++c) row[c] = torchrng::samplers::stored_int(torchrng::samplers::to_i64(row[c]));
}

}  // namespace torchrng_test

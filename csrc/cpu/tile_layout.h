// The layout in which the CPU backend makes a tile's Philox blocks: block b of sample j of a tile
// of `count` samples is words[4 * (b * count + j) .. + 3]. What the SIMD kernels and the scalar code
// beside them need to read it. Torch-free (the C++ tests use it too).
#pragma once

#include <cstdint>
#include <cstring>

#include "../core/philox.h"

namespace torchrng {
namespace cpu {

// Block b of sample j, for scalar code: a block source like core::SampleBlocks.
struct TileView {
  const uint32_t* words;
  int64_t count, j;
  core::u32x4 operator()(uint64_t b) const {
    const uint32_t* p = words + 4 * (static_cast<int64_t>(b) * count + j);
    return core::u32x4{{p[0], p[1], p[2], p[3]}};
  }
};

// Block b of the tile as a SIMD kernel reads it, in whole vectors of `padded` >= count samples: the
// tile's own words when padded == count, else a zero-padded copy in `copy` (4 * padded words).
inline const uint32_t* padded_block(const uint32_t* words, int64_t b, int64_t count, int64_t padded, uint32_t* copy) {
  const uint32_t* block = words + 4 * b * count;
  if (padded == count) return block;
  std::memcpy(copy, block, sizeof(uint32_t) * 4 * static_cast<size_t>(count));
  std::memset(copy + 4 * count, 0, sizeof(uint32_t) * 4 * static_cast<size_t>(padded - count));
  return copy;
}

}  // namespace cpu
}  // namespace torchrng

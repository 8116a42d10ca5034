// RandomResizedCrop / RandomErasing rows for a tile of samples at once, with AVX-512 or AVX2
// (samplers/area_ratio.h, geometry.h and erasing.h hold the scalar definitions reproduced bit for
// bit).
//
// Attempt 0 is a chain of divisions, square roots and an exp; evaluated one sample at a time it
// dominates those samplers' cost, and 4 or 8 lanes of the same IEEE operations (no FMA, correctly
// rounded division and square root) give the same bits as the scalar code. The vector exp follows
// core::pm_exp's reduction and polynomial exactly on |x| <= 700, so ranges reaching beyond that,
// or any non-finite or negative-scale range the raw op may be handed, take the scalar path. Where
// attempt 0 fits (most samples), the box's two offsets are drawn in lanes too and the whole row is
// written here; when it misses several samples of the tile, they get attempt 1 the same way, in a
// second short run of lanes. The rest (attempts 2-9 or the fallback: a branchy loop over blocks made on demand)
// are left to the scalar sampler, handed attempt 0.
//
// Uses the ISA of philox_blocks_isa() (TORCHRNG_CPU_ISA=scalar turns it off). Torch-free, like
// philox_blocks.cpp, so the C++ tests link it.
#pragma once

#include <cstdint>

#include "../samplers/erasing.h"
#include "../samplers/geometry.h"
#include "philox_blocks.h"

namespace torchrng {
namespace cpu {

constexpr int64_t kAreaRatioMaxCount = 64;  // at most the bits of AreaRatioTile::misses

// What the kernel leaves to its caller.
struct AreaRatioTile {
  samplers::AreaRatioSides first[kAreaRatioMaxCount];  // attempt 0 of every sample
  // Bit j: sample j's row is not written. Attempt 0 misses it, and attempt 1 too if the kernel
  // tried that (it does for tiles with several misses).
  uint64_t misses;
};

// For j in [0, count), count <= kAreaRatioMaxCount: sample j's blocks 0 .. kLeftBlock are those of
// the tile layout [block][sample][4 words] (block b at words[4 * (b * count + j)]), its image is
// sizes[2*j] x sizes[2*j + 1] (sizes may be null: then height x width). Writes attempt 0 of every
// sample to tile.first and, for those it (or attempt 1) fits, the sampler's whole row to
// rows[kColumns * j .. kColumns * (j + 1) - 1]; sets tile.misses. Returns false, writing nothing,
// when no SIMD path applies (the caller then runs the sampler itself).
bool area_ratio_rows_simd(const samplers::ResizedCrop& crop, const uint32_t* words, int64_t count,
                          const int64_t* sizes, int64_t height, int64_t width, int64_t* rows, AreaRatioTile& tile);
bool area_ratio_rows_simd(const samplers::Erasing& erasing, const uint32_t* words, int64_t count,
                          const int64_t* sizes, int64_t height, int64_t width, int64_t* rows, AreaRatioTile& tile);

// The same on a given ISA (for tests): false also for Isa::Scalar or an ISA this CPU lacks.
bool area_ratio_rows_simd_with(Isa isa, const samplers::ResizedCrop& crop, const uint32_t* words, int64_t count,
                               const int64_t* sizes, int64_t height, int64_t width, int64_t* rows,
                               AreaRatioTile& tile);
bool area_ratio_rows_simd_with(Isa isa, const samplers::Erasing& erasing, const uint32_t* words, int64_t count,
                               const int64_t* sizes, int64_t height, int64_t width, int64_t* rows,
                               AreaRatioTile& tile);

}  // namespace cpu
}  // namespace torchrng

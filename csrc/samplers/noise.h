// Per-element normal fields generated on the target device: GaussianNoise's noise and RandomErasing's
// value='random' fill.
//
// Sample i's field is keyed by words 0 and 1 of block 0 of its stream (the op's stream; erasing
// passes its own stream moved past the rows' blocks, so the key is block 8 of the sample's erasing
// stream). Element e of the sample (row-major over its per-sample shape) is a Box-Muller normal
// from block e / 4 under that key (counter [0, 0, lo(e / 4), hi(e / 4)], as the elastic field):
// words 0-1 give elements 4q and 4q + 1 (cosine and sine branch), words 2-3 elements 4q + 2 and
// 4q + 3. The value is mean + std * z in float64, rounded once to the output type, or for int16
// output truncated toward zero (torchvision's `.to(torch.int16)` of the uint8 path) and clamped to
// the int16 range.
#pragma once

#include <type_traits>

#include "common.h"

namespace torchrng {
namespace samplers {

TORCHRNG_HD core::u32x2 field_key(const core::Stream& s, uint64_t index) {
  const u32x4 b = core::stream_block(s, index, 0);
  return core::u32x2{{b.v[0], b.v[1]}};
}

// The four standard normals of group q (elements 4q .. 4q + 3).
TORCHRNG_HD void field_normals(core::u32x2 key, uint64_t q, double* z) {
  const u32x4 b = core::philox4x32<10>(u32x4{{0, 0, core::lo32(q), core::hi32(q)}}, key);
  core::box_muller_32(b.v[0], b.v[1], &z[0], &z[1]);
  core::box_muller_32(b.v[2], b.v[3], &z[2], &z[3]);
}

// mean + std * z as the output type.
template <typename T>
TORCHRNG_HD T field_value(double mean, double std, double z) {
  const double v = mean + std * z;
  if constexpr (std::is_same_v<T, int16_t>) {
    const double t = core::pm_trunc(v);
    return static_cast<int16_t>(t < -32768.0 ? -32768.0 : (t > 32767.0 ? 32767.0 : t));
  } else if constexpr (std::is_same_v<T, double>) {
    return v;
  } else {
    return static_cast<T>(static_cast<float>(v));
  }
}

}  // namespace samplers
}  // namespace torchrng

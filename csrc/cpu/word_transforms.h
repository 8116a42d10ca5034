// Hot loops that turn a run of Philox words into values, compiled for several instruction sets
// (GCC target_clones picks one at load time). Each computes exactly what the shared functor in
// ops/raw_ops.h computes for one word, in the same order, so every clone gives the same bits.
#pragma once

#include <cstdint>

namespace torchrng {
namespace cpu {

// out[j] = low + u01_f32(w[j]) * range, or below_high where that rounds to >= high.
void uniform_f32_from_words(const uint32_t* w, int64_t n, float low, float range, float high, float below_high,
                            float* out);

}  // namespace cpu
}  // namespace torchrng

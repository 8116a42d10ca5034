#include "word_transforms.h"

#include "../core/uniform.h"

namespace torchrng {
namespace cpu {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define TORCHRNG_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TORCHRNG_CLONES
#endif

TORCHRNG_CLONES
void uniform_f32_from_words(const uint32_t* w, int64_t n, float low, float range, float high, float below_high,
                            float* out) {
  for (int64_t j = 0; j < n; ++j) {
    const float v = low + core::u01_f32(w[j]) * range;
    out[j] = v < high ? v : below_high;
  }
}

}  // namespace cpu
}  // namespace torchrng

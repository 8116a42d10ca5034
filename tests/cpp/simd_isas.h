// The SIMD ISAs this CPU runs (AVX2, AVX-512), for the tests that compare each SIMD kernel with the
// scalar code it mirrors.
#pragma once

#include <cstdio>
#include <vector>

#include "cpu/philox_blocks.h"

namespace torchrng_test {

inline std::vector<torchrng::cpu::Isa> simd_isas() {
  std::vector<torchrng::cpu::Isa> v;
  for (torchrng::cpu::Isa isa : {torchrng::cpu::Isa::Avx2, torchrng::cpu::Isa::Avx512}) {
    if (torchrng::cpu::isa_supported(isa)) v.push_back(isa);
  }
  return v;
}

// simd_isas() for a test's opening: says so when there is nothing to compare (no AVX2 here).
inline std::vector<torchrng::cpu::Isa> simd_isas_to_compare() {
  std::vector<torchrng::cpu::Isa> v = simd_isas();
  if (v.empty()) std::printf("  (no AVX2 on this CPU: nothing to compare)\n");
  return v;
}

}  // namespace torchrng_test

// Many Philox4x32-10 blocks at once on the CPU, with the instruction set picked at run time.
//
// Every path (scalar, AVX2, AVX-512) gives exactly the bits of the scalar reference
// core::philox4x32<10>; the SIMD paths only change how fast they come. The translation unit is
// compiled with the project's ordinary flags (no -mavx2 / -march): the SIMD kernels carry GCC/Clang
// target attributes and are only called when the CPU reports the features they need, so the
// extension runs on any x86-64 (and builds on other architectures with only the scalar path).
//
// Depends on the core headers and the standard library only (no torch), so the C++ tests link it.
#pragma once

#include <cstdint>

#include "../core/philox.h"

namespace torchrng {
namespace cpu {

// For j in [0, count):
//   out[4*j + w] = word w of philox4x32<10>(counter = [lo32(block), hi32(block),
//                                                      lo32(first_index + j), hi32(first_index + j)], key)
// first_index + j wraps modulo 2^64 (the low word carries into the high word). count <= 0 writes
// nothing. out needs no particular alignment. Uses the ISA returned by philox_blocks_isa().
void philox_blocks(core::u32x2 key, uint64_t block, uint64_t first_index, int64_t count, uint32_t* out);

enum class Isa { Scalar, Avx2, Avx512 };

// The ISA philox_blocks uses, chosen once (thread-safe) on first use: the best one this CPU
// supports (Avx512 if it has AVX-512F, else Avx2 if it has AVX2, else Scalar), unless the
// environment variable TORCHRNG_CPU_ISA = scalar | avx2 | avx512 names another. An unknown or
// unsupported value falls back to the best supported ISA with a one-line warning on stderr.
Isa philox_blocks_isa();

// "scalar", "avx2", "avx512".
const char* isa_name(Isa isa);

// Whether this build and this CPU can run the given ISA (Scalar always can).
bool isa_supported(Isa isa);

// philox_blocks on a given ISA, for tests and benchmarks. Throws std::invalid_argument if
// !isa_supported(isa).
void philox_blocks_with(Isa isa, core::u32x2 key, uint64_t block, uint64_t first_index, int64_t count,
                        uint32_t* out);

}  // namespace cpu
}  // namespace torchrng

// <immintrin.h> for the CPU kernels with SIMD paths, and TORCHRNG_X86_SIMD: 1 where their
// AVX2 / AVX-512 functions (GCC/Clang target attributes, chosen at run time) can be compiled
// (x86-64), 0 elsewhere, where only the scalar paths exist.
#pragma once

#if (defined(__x86_64__) || defined(_M_X64)) && defined(__GNUC__)
#define TORCHRNG_X86_SIMD 1
// GCC 12's AVX-512 intrinsics trip -Wuninitialized (_mm512_undefined_epi32, GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#else
#define TORCHRNG_X86_SIMD 0
#endif

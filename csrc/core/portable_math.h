// Portable double-precision math: the same bits on the CPU (g++/clang) and on CUDA (nvcc).
//
// glibc's libm and CUDA's libdevice both round exp, log, sin, ... to within an ulp, but not to the
// same ulp, so a parameter computed with std::exp on the CPU and ::exp in a kernel can differ in
// the last bit. Every function here is built only from integer operations, bit reinterpretation
// and the IEEE basic operations (+ - * / and sqrt, all correctly rounded on both sides), written
// in a fixed evaluation order, so it gives bit-identical results wherever it is compiled.
// Requirements on the build: no FMA contraction (-ffp-contract=off on the host, --fmad=false for
// nvcc, and so no --use_fast_math), no -ffast-math, no x87 excess precision (x86-64 SSE2 is fine).
// -ffast-math and x87 are refused at compile time below; contraction has no macro to test, so
// pm_detail::contraction_probe() exists for tests to check it (GCC contracts by default when the
// target has FMA, e.g. -march=native, even in -std=c++17 mode; nvcc does unless --fmad=false).
//
// Algorithms: fdlibm's (Sun, 1993; as kept in musl), rewritten: exp with a Cody-Waite k*ln2 hi/lo
// reduction and the P1..P5 Remez polynomial; log/log1p with s = f/(2+f) and Lg1..Lg7; expm1 with
// Q1..Q5; sin/cos with the __kernel_sin/__kernel_cos polynomials after a reduction by pi/2 in up
// to three parts (|x| < 2^20*pi/2) or an exact integer Payne-Hanek reduction (larger |x|, with a
// 1280-bit table of 2/pi, full accuracy up to DBL_MAX). pow, log2 and exp2 go through a
// double-double logarithm (relative error < 2^-69, Dekker products without FMA) and an exp of a
// double-double argument, so pow stays accurate when |y*log(x)| is large.
//
// Special values follow C99 Annex F (exp(-inf) = +0, log(0) = -inf, log(x<0) = NaN,
// sin(inf) = NaN, pow's table, signed zeros, ...). Every NaN result is the one canonical quiet NaN
// 0x7ff8000000000000, whatever the input NaN's payload, since NaN propagation in hardware differs
// between x86 and NVIDIA GPUs.
//
// Measured error, tests/cpp/test_portable_math.cpp (about 45 million points; docs/portable_math.md
// lists the sweeps). "glibc": the largest distance, in ulps, from glibc 2.36's double function.
// "exact": the largest error, in ulps, against glibc's x87 long double function (64-bit
// significand). The test asserts <= 1 and < 1 ulp (log2: <= 0.51).
//
//   function   domain swept                                              glibc   exact
//   exp        [-746, 710] dense, subnormal results, thresholds, all bits     1     0.875
//   expm1      [-40, 710], |x| in [2^-60, 2^6], range cuts, all bits          1     0.870
//   log        (0, inf) log-spaced incl. subnormals, near 1, all bits         1     0.827
//   log1p      (-1, inf) log-spaced, near 0 and -1, all bits                  1     0.838
//   sin, cos   |x| < 8pi dense, up to 2^1024 (Payne-Hanek), near k*pi/2       1     0.779
//   pow        x > 0 with |y log x| < 760, x = 1 +- 2^-k with huge y,         1     0.872
//              x < 0 with integer y, thresholds, all bits, Annex F table
//   log2       (0, inf) log-spaced, near 1                                    1     0.500
//   exp2       [-1076, 1025], |x| in [2^-60, 16]                              1     0.862
//   sqrt, floor, ceil, trunc, rint, fabs, ldexp: correctly rounded / exact, bit-identical to glibc.
// Exact results come out exact: log2(2^k), exp2(k) for every integer k in range, and pow(i, j)
// for all integers |i|, |j| <= 60 with a representable value (checked). Beyond 2^20*pi/2, glibc's own sin/cos can be further off: 8 ulps at
// 0x1.6ac5b262ca1ffp+849, where pm_cos is correctly rounded.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "config.h"

#if !defined(TORCHRNG_ON_DEVICE)
#if defined(__FAST_MATH__)
#error "portable_math.h needs IEEE arithmetic: do not build with -ffast-math"
#endif
#if defined(__FLT_EVAL_METHOD__) && (__FLT_EVAL_METHOD__ == 1 || __FLT_EVAL_METHOD__ == 2)
#error "portable_math.h needs doubles evaluated in double precision (SSE2, not x87)"
#endif
#endif

// The rarely taken Payne-Hanek path is kept out of line on the device to spare register pressure
// and code size at every sin/cos call site.
#if defined(__CUDACC__) || defined(__HIPCC__)
#define TORCHRNG_PM_COLD inline __host__ __device__ __noinline__
#else
#define TORCHRNG_PM_COLD inline
#endif

namespace torchrng {
namespace core {
namespace pm_detail {

// ---------------------------------------------------------------------------------------------
// Bits, constants, integer helpers.

TORCHRNG_HD uint64_t bits_of(double x) {
#if defined(TORCHRNG_ON_DEVICE)
  return static_cast<uint64_t>(__double_as_longlong(x));
#else
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
#endif
}

TORCHRNG_HD double double_of(uint64_t u) {
#if defined(TORCHRNG_ON_DEVICE)
  return __longlong_as_double(static_cast<long long>(u));
#else
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
#endif
}

constexpr uint64_t kSignMask = 0x8000000000000000ull;
constexpr uint64_t kAbsMask = 0x7fffffffffffffffull;
constexpr uint64_t kInfBits = 0x7ff0000000000000ull;
constexpr uint64_t kOneBits = 0x3ff0000000000000ull;
constexpr uint64_t kMantMask = 0x000fffffffffffffull;
constexpr uint64_t kCanonicalNaNBits = 0x7ff8000000000000ull;

TORCHRNG_HD uint32_t high_word(double x) { return static_cast<uint32_t>(bits_of(x) >> 32); }
TORCHRNG_HD double nan_value() { return double_of(kCanonicalNaNBits); }
TORCHRNG_HD double inf_value() { return double_of(kInfBits); }
TORCHRNG_HD bool is_nan(double x) { return (bits_of(x) & kAbsMask) > kInfBits; }
// 2^k for -1022 <= k <= 1023, exactly.
TORCHRNG_HD double pow2i(int k) { return double_of(static_cast<uint64_t>(k + 1023) << 52); }

// 64 x 64 -> 128-bit product: returns the low word, *hi gets the high word.
TORCHRNG_HD uint64_t mul_wide(uint64_t a, uint64_t b, uint64_t* hi) {
#if defined(TORCHRNG_ON_DEVICE)
  *hi = __umul64hi(a, b);
  return a * b;
#else
  const uint64_t a0 = a & 0xffffffffull, a1 = a >> 32, b0 = b & 0xffffffffull, b1 = b >> 32;
  const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffull) + (p10 & 0xffffffffull);
  *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  return (mid << 32) | (p00 & 0xffffffffull);
#endif
}

// Leading zeros of a nonzero 64-bit word.
TORCHRNG_HD int clz64(uint64_t x) {
#if defined(TORCHRNG_ON_DEVICE)
  return __clzll(static_cast<long long>(x));
#elif defined(__GNUC__) || defined(__clang__)
  return __builtin_clzll(x);
#else
  int n = 0;
  while (!(x & kSignMask)) {
    x <<= 1;
    ++n;
  }
  return n;
#endif
}

// ---------------------------------------------------------------------------------------------
// Double-double building blocks (Dekker / Knuth; no FMA). A value is hi + lo with |lo| <= ulp(hi).

// s + e == a + b exactly, for any a, b (no overflow).
TORCHRNG_HD void two_sum(double a, double b, double* s, double* e) {
  const double sum = a + b;
  const double bb = sum - a;
  *e = (a - (sum - bb)) + (b - bb);
  *s = sum;
}

// s + e == a + b exactly, for |a| >= |b| (or a == 0).
TORCHRNG_HD void fast_two_sum(double a, double b, double* s, double* e) {
  const double sum = a + b;
  *e = b - (sum - a);
  *s = sum;
}

// Veltkamp split: a == hi + lo with hi, lo of at most 26 significant bits each. |a| < 2^995.
TORCHRNG_HD void split(double a, double* hi, double* lo) {
  const double t = 134217729.0 * a;  // 2^27 + 1
  const double h = t - (t - a);
  *hi = h;
  *lo = a - h;
}

// p + e == a * b exactly (Dekker), barring overflow and underflow of the partial products.
TORCHRNG_HD void two_prod(double a, double b, double* p, double* e) {
  double ah, al, bh, bl;
  split(a, &ah, &al);
  split(b, &bh, &bl);
  const double prod = a * b;
  *e = (((ah * bh - prod) + ah * bl) + al * bh) + al * bl;
  *p = prod;
}

struct dd {
  double hi, lo;
};

TORCHRNG_HD dd dd_mul(dd a, dd b) {
  double p, e;
  two_prod(a.hi, b.hi, &p, &e);
  e = e + ((a.hi * b.lo) + (a.lo * b.hi));
  dd r;
  fast_two_sum(p, e, &r.hi, &r.lo);
  return r;
}

// Sloppy double-double addition: fine unless a + b cancels heavily (never the case below).
TORCHRNG_HD dd dd_add(dd a, dd b) {
  double s, e;
  two_sum(a.hi, b.hi, &s, &e);
  e = e + (a.lo + b.lo);
  dd r;
  fast_two_sum(s, e, &r.hi, &r.lo);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Constants (hex literals: exact).

// ln2 in two parts for exp/log (fdlibm): kLn2Hi has 32 significant bits, so k * kLn2Hi is exact
// for |k| < 2^21.
constexpr double kLn2Hi = 0x1.62e42feep-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 0x1.71547652b82fep+0;
// ln2 and 1/ln2 as double-doubles (round-to-nearest hi, then the rounded remainder).
constexpr double kLn2DdHi = 0x1.62e42fefa39efp-1;
constexpr double kLn2DdLo = 0x1.abc9e3b39803fp-56;
constexpr double kInvLn2DdHi = 0x1.71547652b82fep+0;
constexpr double kInvLn2DdLo = 0x1.777d0ffda0d24p-56;

// exp: Remez polynomial for r*(e^r+1)/(e^r-1) on [-0.5 ln2, 0.5 ln2] (fdlibm P1..P5).
constexpr double kExpP1 = 0x1.555555555553ep-3;
constexpr double kExpP2 = -0x1.6c16c16bebd93p-9;
constexpr double kExpP3 = 0x1.1566aaf25de2cp-14;
constexpr double kExpP4 = -0x1.bbd41c5d26bf1p-20;
constexpr double kExpP5 = 0x1.6376972bea4d0p-25;
constexpr double kExpOverflow = 0x1.62e42fefa39efp+9;     // 709.78...: above, exp(x) = inf
constexpr double kExpUnderflow = -0x1.74910d52d3051p+9;   // -745.13...: below, exp(x) = 0

// log: Remez polynomial for (log(1+f) - 2s)/s - s^2-terms (fdlibm Lg1..Lg7).
constexpr double kLg1 = 0x1.5555555555593p-1;
constexpr double kLg2 = 0x1.999999997fa04p-2;
constexpr double kLg3 = 0x1.2492494229359p-2;
constexpr double kLg4 = 0x1.c71c51d8e78afp-3;
constexpr double kLg5 = 0x1.7466496cb03dep-3;
constexpr double kLg6 = 0x1.39a09d078c69fp-3;
constexpr double kLg7 = 0x1.2f112df3e5244p-3;

// expm1: scaled Q1..Q5 (fdlibm).
constexpr double kQ1 = -0x1.11111111110f4p-5;
constexpr double kQ2 = 0x1.a01a019fe5585p-10;
constexpr double kQ3 = -0x1.4ce199eaadbb7p-14;
constexpr double kQ4 = 0x1.0cfca86e65239p-18;
constexpr double kQ5 = -0x1.afdb76e09c32dp-23;

// sin/cos kernels on [-pi/4, pi/4] (fdlibm S1..S6, C1..C6).
constexpr double kS1 = -0x1.5555555555549p-3;
constexpr double kS2 = 0x1.111111110f8a6p-7;
constexpr double kS3 = -0x1.a01a019c161d5p-13;
constexpr double kS4 = 0x1.71de357b1fe7dp-19;
constexpr double kS5 = -0x1.ae5e68a2b9cebp-26;
constexpr double kS6 = 0x1.5d93a5acfd57cp-33;
constexpr double kC1 = 0x1.555555555554cp-5;
constexpr double kC2 = -0x1.6c16c16c15177p-10;
constexpr double kC3 = 0x1.a01a019cb1590p-16;
constexpr double kC4 = -0x1.27e4f809c52adp-22;
constexpr double kC5 = 0x1.1ee9ebdb4b1c4p-29;
constexpr double kC6 = -0x1.8fae9be8838d4p-37;

// pi/2 in three 33-bit parts plus tails (fdlibm), 2/pi, and pi/2 as a double-double.
constexpr double kInvPio2 = 0x1.45f306dc9c883p-1;
constexpr double kPio2_1 = 0x1.921fb544p+0;
constexpr double kPio2_1t = 0x1.0b4611a626331p-34;
constexpr double kPio2_2 = 0x1.0b4611a6p-34;
constexpr double kPio2_2t = 0x1.3198a2e037073p-69;
constexpr double kPio2_3 = 0x1.3198a2ep-69;
constexpr double kPio2_3t = 0x1.b839a252049c1p-104;
constexpr double kPio2DdHi = 0x1.921fb54442d18p+0;
constexpr double kPio2DdLo = 0x1.1a62633145c07p-54;

// ---------------------------------------------------------------------------------------------
// Scaling by 2^n, correctly rounded (one rounding at most, also into the subnormal range).

TORCHRNG_HD double ldexp_impl(double x, int n) {
  uint64_t u = bits_of(x);
  const uint64_t sign = u & kSignMask;
  const uint64_t a = u & kAbsMask;
  if (a > kInfBits) return nan_value();
  if (a == 0 || a == kInfBits) return x;
  if (n > 4000) n = 4000;
  if (n < -4000) n = -4000;
  int e = static_cast<int>(a >> 52);  // biased exponent
  uint64_t mant = a & kMantMask;
  if (e == 0) {  // subnormal: normalize the significand
    const int shift = clz64(mant) - 11;  // bring the leading 1 to bit 52
    mant = (mant << shift) & kMantMask;
    e = 1 - shift;
  }
  const int target = e + n;  // biased exponent of the result if it is normal
  if (target >= 2047) return double_of(sign | kInfBits);
  if (target >= 1) return double_of(sign | (static_cast<uint64_t>(target) << 52) | mant);
  if (target < -60) return double_of(sign);  // below 2^-1083: rounds to zero
  // Subnormal result: build m * 2^(target - 1 + 1022 - 1023) exactly (a normal number), then one
  // multiplication by 2^-1022 rounds it once, to nearest even.
  const double y = double_of(sign | (static_cast<uint64_t>(target + 1022) << 52) | mant);
  return y * 0x1p-1022;
}

// ---------------------------------------------------------------------------------------------
// exp core: e^(hi - lo) * 2^k, where hi - lo is the reduced argument, |hi - lo| <~ 0.5 ln2.

TORCHRNG_HD double exp_kernel(double hi, double lo, int k) {
  const double r = hi - lo;
  const double rr = r * r;
  const double c = r - rr * (kExpP1 + rr * (kExpP2 + rr * (kExpP3 + rr * (kExpP4 + rr * kExpP5))));
  const double y = 1.0 + ((((r * c) / (2.0 - c)) - lo) + hi);
  if (k == 0) return y;
  // y * 2^k with 2^k a normal double is exactly ldexp: one rounding at most (into the subnormal
  // range, or to inf), as ldexp_impl would round.
  if (k >= -1022 && k <= 1023) return y * double_of(static_cast<uint64_t>(k + 1023) << 52);
  return ldexp_impl(y, k);
}

// e^(ph + pl) for a double-double argument with -746 <= ph <= 710 and |pl| <= ulp(ph).
TORCHRNG_HD double exp_dd(double ph, double pl) {
  const int k = static_cast<int>(kInvLn2 * ph + (ph < 0.0 ? -0.5 : 0.5));
  const double dk = static_cast<double>(k);
  const double hi = ph - dk * kLn2Hi;  // exact
  const double lo = dk * kLn2Lo - pl;
  return exp_kernel(hi, lo, k);
}

// ---------------------------------------------------------------------------------------------
// Double-double natural logarithm of a positive finite x (normal or subnormal). The result's
// relative error is below 2^-69 (the z^3 tail is in plain double); enough for pow: an error of
// 2^-69 in log x moves y log x <= 745 by less than 2^-59.

TORCHRNG_HD dd log_dd(double x) {
  uint64_t u = bits_of(x);
  int k = 0;
  if ((u >> 52) == 0) {  // subnormal
    x = x * 0x1p54;
    u = bits_of(x);
    k = -54;
  }
  // x = 2^k * m with m in [sqrt(2)/2, sqrt(2)).
  uint32_t hx = static_cast<uint32_t>(u >> 32);
  hx += 0x3ff00000u - 0x3fe6a09eu;
  k += static_cast<int>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffffu) + 0x3fe6a09eu;
  const double m = double_of((static_cast<uint64_t>(hx) << 32) | (u & 0xffffffffull));

  // log(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...), s = (m - 1) / (m + 1), |s| < 0.1716.
  const double f = m - 1.0;  // exact
  double dh, dl;
  two_sum(1.0, m, &dh, &dl);  // m + 1, exactly
  const double sh = f / dh;
  double ph, pe;
  two_prod(sh, dh, &ph, &pe);
  const double sl = (((f - ph) - pe) - sh * dl) / dh;
  dd s;
  fast_two_sum(sh, sl, &s.hi, &s.lo);

  dd z;  // s^2
  {
    double zh, ze;
    two_prod(s.hi, s.hi, &zh, &ze);
    ze = ze + (2.0 * s.hi) * s.lo;
    fast_two_sum(zh, ze, &z.hi, &z.lo);
  }
  const dd z2 = dd_mul(z, z);
  // Q = z/3 + z^2/5 + z^3 (1/7 + z/9 + ... + z^11/29); the first two terms in double-double.
  const dd a = dd_mul(z, dd{0x1.5555555555555p-2, 0x1.5555555555555p-56});   // z / 3
  const dd b = dd_mul(z2, dd{0x1.999999999999ap-3, -0x1.999999999999ap-57});  // z^2 / 5
  const double w = z.hi;
  const double tail =
      0x1.2492492492492p-3 +
      w * (0x1.c71c71c71c71cp-4 +
           w * (0x1.745d1745d1746p-4 +
                w * (0x1.3b13b13b13b14p-4 +
                     w * (0x1.1111111111111p-4 +
                          w * (0x1.e1e1e1e1e1e1ep-5 +
                               w * (0x1.af286bca1af28p-5 +
                                    w * (0x1.8618618618618p-5 +
                                         w * (0x1.642c8590b2164p-5 +
                                              w * (0x1.47ae147ae147bp-5 +
                                                   w * (0x1.2f684bda12f68p-5 +
                                                        w * 0x1.1a7b9611a7b96p-5))))))))));
  const double c = (z2.hi * w) * tail;
  dd q = dd_add(a, b);
  q = dd_add(q, dd{c, 0.0});
  dd logm = dd_add(s, dd_mul(s, q));  // s (1 + Q)
  logm.hi = 2.0 * logm.hi;
  logm.lo = 2.0 * logm.lo;

  // k ln2 as a double-double: k*kLn2Hi is exact, k*kLn2Lo is split exactly.
  const double dk = static_cast<double>(k);
  double kh, kl, th, tl;
  two_prod(dk, kLn2Lo, &kh, &kl);
  fast_two_sum(dk * kLn2Hi, kh, &th, &tl);
  const dd kln2 = {th, tl + kl};
  if (k == 0) return logm;
  return dd_add(kln2, logm);  // |k ln2| >= ln2 > 2 |log m|: no cancellation
}

// ---------------------------------------------------------------------------------------------
// sin/cos kernels on [-pi/4, pi/4]; x + y is the argument, |y| <= ulp(x)/2.

TORCHRNG_HD double kernel_sin(double x, double y, int iy) {
  const double z = x * x;
  const double w = z * z;
  const double r = (kS2 + z * (kS3 + z * kS4)) + (z * w) * (kS5 + z * kS6);
  const double v = z * x;
  if (iy == 0) return x + v * (kS1 + z * r);
  return x - (((z * (0.5 * y - v * r)) - y) - v * kS1);
}

TORCHRNG_HD double kernel_cos(double x, double y) {
  const double z = x * x;
  const double w = z * z;
  const double r = z * (kC1 + z * (kC2 + z * kC3)) + (w * w) * (kC4 + z * (kC5 + z * kC6));
  const double hz = 0.5 * z;
  const double one_minus = 1.0 - hz;
  return one_minus + (((1.0 - one_minus) - hz) + (z * r - x * y));
}

// Payne-Hanek reduction for |x| >= 2^20 * pi/2 (finite): returns n and y0 + y1 = x - n pi/2,
// |y0 + y1| <= pi/4, with a relative error below 2^-74 even for the worst-case double (whose
// reduced argument is ~2^-61: the 192-bit window of 2/pi leaves an error below 2^-137).
TORCHRNG_PM_COLD int rem_pio2_large(double x, double* y0, double* y1) {
  // Bits of 2/pi after the binary point, preceded by one zero word: bit b_i of 2/pi (weight 2^-i)
  // is bit number i + 63 of this table, counted from the most significant bit of word 0.
  const uint64_t kTwoOverPi[20] = {
      0x0000000000000000ull, 0xa2f9836e4e441529ull, 0xfc2757d1f534ddc0ull, 0xdb6295993c439041ull,
      0xfe5163abdebbc561ull, 0xb7246e3a424dd2e0ull, 0x06492eea09d1921cull, 0xfe1deb1cb129a73eull,
      0xe88235f52ebb4484ull, 0xe99c7026b45f7e41ull, 0x3991d639835339f4ull, 0x9c845f8bbdf9283bull,
      0x1ff897ffde05980full, 0xef2f118b5a0a6d1full, 0x6d367ecf27cb09b7ull, 0x4f463f669e5fea2dull,
      0x7527bac7ebe5f17bull, 0x3d0739f78a5292eaull, 0x6bfb5fb11f8d5d08ull, 0x56033046fc7b6babull};
  const uint64_t u = bits_of(x);
  const bool negative = (u >> 63) != 0;
  // |x| = m * 2^E with m a 53-bit integer; here E >= -32.
  const uint64_t m = (u & kMantMask) | (1ull << 52);
  const int E = static_cast<int>((u >> 52) & 0x7ff) - 1075;
  // x * 2/pi mod 4 only needs the bits b_i with i >= E - 1: take 192 of them, b_{E-1} onwards,
  // as the integer W; then x * 2/pi == m * W * 2^-190 (mod 4), up to less than 2^-137.
  const int p0 = E + 62;  // table bit index of b_{E-1}; 30 <= p0 <= 1033
  const int w = p0 >> 6, sh = p0 & 63;
  uint64_t win[3];
  for (int i = 0; i < 3; ++i) {
    win[i] = sh == 0 ? kTwoOverPi[w + i]
                     : (kTwoOverPi[w + i] << sh) | (kTwoOverPi[w + i + 1] >> (64 - sh));
  }
  // P = m * W mod 2^192, as three words P2:P1:P0.
  uint64_t h0, h1;
  const uint64_t l0 = mul_wide(m, win[2], &h0);
  const uint64_t l1 = mul_wide(m, win[1], &h1);
  const uint64_t l2 = m * win[0];
  const uint64_t P0 = l0;
  const uint64_t P1 = l1 + h0;
  const uint64_t P2 = l2 + h1 + (P1 < h0 ? 1u : 0u);
  int n = static_cast<int>(P2 >> 62);
  // The fraction, bits 189..0 of P, as a 192-bit fixed-point number F / 2^192 in [0, 1):
  // f2:f1:f0, most significant word first (the two lowest bits are zero).
  uint64_t f2 = (P2 << 2) | (P1 >> 62);
  uint64_t f1 = (P1 << 2) | (P0 >> 62);
  uint64_t f0 = P0 << 2;
  bool flip = false;
  if (f2 >> 63) {  // fraction >= 1/2: round the quadrant up and take 1 - fraction
    n += 1;
    flip = true;
    f0 = ~f0 + 1;
    f1 = ~f1 + (f0 == 0 ? 1u : 0u);
    f2 = ~f2 + ((f0 == 0 && f1 == 0) ? 1u : 0u);
  }
  double r0 = 0.0, r1 = 0.0;
  if (f2 != 0 || f1 != 0) {  // (a fraction below 2^-128 cannot occur for a double)
    // Normalize: shift left by whole words, then by the remaining bits, so bit 191 is set.
    int lz = 0;
    if (f2 == 0) {
      f2 = f1;
      f1 = f0;
      f0 = 0;
      lz = 64;
    }
    const int b = clz64(f2);
    if (b > 0) {
      f2 = (f2 << b) | (f1 >> (64 - b));
      f1 = (f1 << b) | (f0 >> (64 - b));
    }
    lz += b;
    // fraction = top53 * 2^(-53-lz) + next53 * 2^(-106-lz) + (less than 2^(-106-lz)).
    const uint64_t top53 = f2 >> 11;
    const uint64_t next53 = ((f2 & 0x7ffull) << 42) | (f1 >> 22);
    const double d_hi = static_cast<double>(top53) * pow2i(-53 - lz);
    const double d_lo = static_cast<double>(next53) * pow2i(-106 - lz);
    // (d_hi + d_lo) * pi/2 in double-double.
    double p, e;
    two_prod(d_hi, kPio2DdHi, &p, &e);
    e = e + ((d_hi * kPio2DdLo) + (d_lo * kPio2DdHi));
    fast_two_sum(p, e, &r0, &r1);
    if (flip) {
      r0 = -r0;
      r1 = -r1;
    }
  }
  if (negative) {
    *y0 = -r0;
    *y1 = -r1;
    return -n;
  }
  *y0 = r0;
  *y1 = r1;
  return n;
}

// x = n pi/2 + (y0 + y1), |y0 + y1| <~ pi/4, for finite |x| > pi/4. Only n mod 4 matters.
TORCHRNG_HD int rem_pio2(double x, double* y0, double* y1) {
  const uint32_t ix = high_word(x) & 0x7fffffffu;
  if (ix >= 0x413921fbu) return rem_pio2_large(x, y0, y1);  // |x| >= ~2^20 pi/2
  // Cody-Waite with pi/2 in up to three parts (fdlibm's "medium" case).
  const double fn = (x * kInvPio2 + 0x1.8p52) - 0x1.8p52;  // rint(x * 2/pi)
  const int n = static_cast<int>(fn);
  double r = x - fn * kPio2_1;  // exact: fn has <= 21 bits, kPio2_1 33
  double w = fn * kPio2_1t;
  double y = r - w;
  const int ex = static_cast<int>(ix >> 20);
  int ey = static_cast<int>((bits_of(y) >> 52) & 0x7ff);
  if (ex - ey > 16) {  // cancellation: second part, good to 118 bits
    double t = r;
    w = fn * kPio2_2;
    r = t - w;
    w = fn * kPio2_2t - ((t - r) - w);
    y = r - w;
    ey = static_cast<int>((bits_of(y) >> 52) & 0x7ff);
    if (ex - ey > 49) {  // third part, good to 151 bits
      t = r;
      w = fn * kPio2_3;
      r = t - w;
      w = fn * kPio2_3t - ((t - r) - w);
      y = r - w;
    }
  }
  *y0 = y;
  *y1 = (r - y) - w;
  return n;
}

// Integer class of a finite nonzero y: 0 not an integer, 1 odd integer, 2 even integer.
TORCHRNG_HD int integer_class(double y) {
  const uint64_t u = bits_of(y) & kAbsMask;
  const int e = static_cast<int>(u >> 52) - 1023;
  if (e < 0) return 0;
  if (e > 52) return 2;
  const int frac_bits = 52 - e;
  if (frac_bits > 0 && (u & ((1ull << frac_bits) - 1)) != 0) return 0;
  if (e == 0) return 1;  // |y| == 1
  return ((u >> frac_bits) & 1) ? 1 : 2;
}

// a * b + c, rounded twice. With (1 + 2^-30, 1 - 2^-30, -1) it returns 0; a compiler that fuses
// it into an FMA (contraction not turned off: -ffp-contract=fast, nvcc --fmad=true) returns
// -2^-60. Tests call it with values the compiler cannot see, on the host and in a kernel, to
// catch a build that would break the bit-identity of everything in this file.
TORCHRNG_HD double contraction_probe(double a, double b, double c) { return a * b + c; }

}  // namespace pm_detail

// =============================================================================================
// Public functions.

// Correctly rounded square root (sqrt(-0) = -0, sqrt(x < 0) = NaN).
TORCHRNG_HD double pm_sqrt(double x) {
  if (pm_detail::is_nan(x) || x < 0.0) return pm_detail::nan_value();
#if defined(TORCHRNG_ON_DEVICE)
  return __dsqrt_rn(x);
#else
  return std::sqrt(x);
#endif
}

TORCHRNG_HD double pm_fabs(double x) {
  if (pm_detail::is_nan(x)) return pm_detail::nan_value();
  return pm_detail::double_of(pm_detail::bits_of(x) & pm_detail::kAbsMask);
}

namespace pm_detail {
// |r| (r >= 0 or +0) with the sign of x, as bits: no branch on the sign, which is random data for
// the samplers that round signed values (a mispredicted branch costs more than the rounding).
TORCHRNG_HD double with_sign_of(double r, double x) { return double_of(bits_of(r) | (bits_of(x) & kSignMask)); }
}  // namespace pm_detail

// Round toward zero. For |x| < 2^52, adding and subtracting 2^52 rounds to nearest (IEEE
// default rounding) with plain floating-point operations, which is much faster than moving the
// bits to integer registers; a rounded-up result is stepped back. The host converts to int64 and
// back instead (exact below 2^52): the step back, taken for half of all inputs, was a branch.
TORCHRNG_HD double pm_trunc(double x) {
  using namespace pm_detail;
  if (!(x == x)) return nan_value();
  const double ax = x < 0 ? -x : x;
  if (!(ax < 0x1p52)) return x;  // integer, or inf
#if defined(__CUDA_ARCH__)
  double t = (ax + 0x1p52) - 0x1p52;
  if (t > ax) t = t - 1.0;
#else
  const double t = static_cast<double>(static_cast<int64_t>(ax));
#endif
  return with_sign_of(t, x);
}

// Round toward -inf. Integer operations only.
TORCHRNG_HD double pm_floor(double x) {
  using namespace pm_detail;
  const uint64_t u = bits_of(x);
  if ((u & kAbsMask) > kInfBits) return nan_value();
  const int e = static_cast<int>((u >> 52) & 0x7ff) - 1023;
  if (e >= 52) return x;
  const bool neg = (u >> 63) != 0;
  if (e < 0) {
    if (!neg) return 0.0;
    return (u & kAbsMask) == 0 ? x : -1.0;
  }
  const uint64_t frac = kMantMask >> e;
  if ((u & frac) == 0) return x;
  // Negative non-integer: |x| rounds up; the carry may ripple into the exponent, which is right.
  return double_of(neg ? (u & ~frac) + (frac + 1) : (u & ~frac));
}

// Round toward +inf. Integer operations only.
TORCHRNG_HD double pm_ceil(double x) {
  using namespace pm_detail;
  const uint64_t u = bits_of(x);
  if ((u & kAbsMask) > kInfBits) return nan_value();
  const int e = static_cast<int>((u >> 52) & 0x7ff) - 1023;
  if (e >= 52) return x;
  const bool neg = (u >> 63) != 0;
  if (e < 0) {
    if (neg) return double_of(kSignMask);  // -0
    return (u & kAbsMask) == 0 ? x : 1.0;
  }
  const uint64_t frac = kMantMask >> e;
  if ((u & frac) == 0) return x;
  return double_of(neg ? (u & ~frac) : (u & ~frac) + (frac + 1));
}

// Round to nearest, ties to even (like rint/nearbyint in the default mode, and Python's round()).
// For |x| < 2^52 the addition of 2^52 itself rounds to nearest even; the sign of zero is kept
// (rint(-0.3) = -0).
TORCHRNG_HD double pm_rint(double x) {
  using namespace pm_detail;
  if (!(x == x)) return nan_value();
  const double ax = x < 0 ? -x : x;
  if (!(ax < 0x1p52)) return x;  // integer, or inf
  return with_sign_of((ax + 0x1p52) - 0x1p52, x);
}

// x * 2^n, correctly rounded (also when the result is subnormal).
TORCHRNG_HD double pm_ldexp(double x, int n) { return pm_detail::ldexp_impl(x, n); }

// e^x, error < 1 ulp.
TORCHRNG_HD double pm_exp(double x) {
  using namespace pm_detail;
  const uint32_t hw = high_word(x);
  const int sign = static_cast<int>(hw >> 31);
  const uint32_t hx = hw & 0x7fffffffu;
  if (hx >= 0x4086232bu) {  // |x| >= 708.39, inf or NaN
    if (is_nan(x)) return nan_value();
    if (x > kExpOverflow) return inf_value();
    if (x < kExpUnderflow) return 0.0;
  }
  double hi, lo;
  int k;
  if (hx > 0x3fd62e42u) {  // |x| > 0.5 ln2
    if (hx >= 0x3ff0a2b2u) {  // |x| >= 1.5 ln2
      k = static_cast<int>(kInvLn2 * x + (sign ? -0.5 : 0.5));
    } else {
      k = 1 - sign - sign;
    }
    const double dk = static_cast<double>(k);
    hi = x - dk * kLn2Hi;  // exact
    lo = dk * kLn2Lo;
  } else if (hx > 0x3e300000u) {  // |x| > 2^-28
    k = 0;
    hi = x;
    lo = 0.0;
  } else {
    return 1.0 + x;
  }
  return exp_kernel(hi, lo, k);
}

// e^x - 1, accurate near 0; error < 1 ulp.
TORCHRNG_HD double pm_expm1(double x) {
  using namespace pm_detail;
  const uint32_t hw = high_word(x);
  const int sign = static_cast<int>(hw >> 31);
  const uint32_t hx = hw & 0x7fffffffu;
  if (hx >= 0x4043687au) {  // |x| >= 56 ln2, inf or NaN
    if (is_nan(x)) return nan_value();
    if (sign) return -1.0;
    if (x > kExpOverflow) return inf_value();
  }
  double hi, lo, c = 0.0;
  int k;
  if (hx > 0x3fd62e42u) {  // |x| > 0.5 ln2
    if (hx < 0x3ff0a2b2u) {  // and |x| < 1.5 ln2
      if (!sign) {
        hi = x - kLn2Hi;
        lo = kLn2Lo;
        k = 1;
      } else {
        hi = x + kLn2Hi;
        lo = -kLn2Lo;
        k = -1;
      }
    } else {
      k = static_cast<int>(kInvLn2 * x + (sign ? -0.5 : 0.5));
      const double t = static_cast<double>(k);
      hi = x - t * kLn2Hi;  // exact
      lo = t * kLn2Lo;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3c900000u) {  // |x| < 2^-54
    return x;
  } else {
    k = 0;
  }
  // x is now in [-0.5 ln2, 0.5 ln2] (plus the correction c).
  const double hfx = 0.5 * x;
  const double hxs = x * hfx;
  const double r1 = 1.0 + hxs * (kQ1 + hxs * (kQ2 + hxs * (kQ3 + hxs * (kQ4 + hxs * kQ5))));
  const double t = 3.0 - r1 * hfx;
  double e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  e = x * (e - c) - c;
  e = e - hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) {
    if (x < -0.25) return -2.0 * (e - (x + 0.5));
    return 1.0 + 2.0 * (x - e);
  }
  if (k < 0 || k > 56) {  // e^x - 1 ~ e^x
    double y = (x - e) + 1.0;
    if (k == 1024) {
      y = (y * 2.0) * 0x1p1023;
    } else {
      y = y * pow2i(k);
    }
    return y - 1.0;
  }
  const double twopk = pow2i(k);
  const double twomk = pow2i(-k);
  double y;
  if (k < 20) {
    y = ((x - e) + (1.0 - twomk)) * twopk;
  } else {
    y = (((x - e) - twomk) + 1.0) * twopk;
  }
  return y;
}

// Natural logarithm, error < 1 ulp. log(+-0) = -inf, log(x < 0) = NaN, log(+inf) = +inf.
TORCHRNG_HD double pm_log(double x) {
  using namespace pm_detail;
  uint64_t u = bits_of(x);
  uint32_t hx = static_cast<uint32_t>(u >> 32);
  int k = 0;
  if (hx < 0x00100000u || (hx >> 31)) {
    if ((u << 1) == 0) return -inf_value();
    if (hx >> 31) return nan_value();  // x < 0 or negative NaN
    // subnormal: scale up
    k -= 54;
    x = x * 0x1p54;
    u = bits_of(x);
    hx = static_cast<uint32_t>(u >> 32);
  } else if (hx >= 0x7ff00000u) {
    return is_nan(x) ? nan_value() : x;
  } else if (hx == 0x3ff00000u && (u << 32) == 0) {
    return 0.0;
  }
  // x = 2^k * m, m in [sqrt(2)/2, sqrt(2)).
  hx += 0x3ff00000u - 0x3fe6a09eu;
  k += static_cast<int>(hx >> 20) - 0x3ff;
  hx = (hx & 0x000fffffu) + 0x3fe6a09eu;
  x = double_of((static_cast<uint64_t>(hx) << 32) | (u & 0xffffffffull));
  const double f = x - 1.0;
  const double hfsq = (0.5 * f) * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const double R = t2 + t1;
  const double dk = static_cast<double>(k);
  return ((((s * (hfsq + R)) + dk * kLn2Lo) - hfsq) + f) + dk * kLn2Hi;
}

// log(1 + x), accurate near 0; error < 1 ulp. log1p(-1) = -inf, log1p(x < -1) = NaN.
TORCHRNG_HD double pm_log1p(double x) {
  using namespace pm_detail;
  const uint64_t ux = bits_of(x);
  const uint32_t hx = static_cast<uint32_t>(ux >> 32);
  if (is_nan(x)) return nan_value();
  int k = 1;
  double f = 0.0, c = 0.0;
  if (hx < 0x3fda827au || (hx >> 31)) {  // 1 + x < sqrt(2)+
    if (hx >= 0xbff00000u) {  // x <= -1
      if (x == -1.0) return -inf_value();
      return nan_value();
    }
    if ((hx << 1) < (0x3ca00000u << 1)) return x;  // |x| < 2^-53
    if (hx <= 0xbfd2bec4u) {  // sqrt(2)/2- <= 1 + x < sqrt(2)+
      k = 0;
      c = 0.0;
      f = x;
    }
  } else if (hx >= 0x7ff00000u) {
    return x;  // +inf
  }
  if (k) {
    const double uf = 1.0 + x;
    uint64_t uu = bits_of(uf);
    uint32_t hu = static_cast<uint32_t>(uu >> 32);
    hu += 0x3ff00000u - 0x3fe6a09eu;
    k = static_cast<int>(hu >> 20) - 0x3ff;
    // correction term ~ log(1+x) - log(uf)
    if (k < 54) {
      c = k >= 2 ? 1.0 - (uf - x) : x - (uf - 1.0);
      c = c / uf;
    } else {
      c = 0.0;
    }
    hu = (hu & 0x000fffffu) + 0x3fe6a09eu;
    uu = (static_cast<uint64_t>(hu) << 32) | (uu & 0xffffffffull);
    f = double_of(uu) - 1.0;
  }
  const double hfsq = (0.5 * f) * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const double t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const double R = t2 + t1;
  const double dk = static_cast<double>(k);
  return ((((s * (hfsq + R)) + (dk * kLn2Lo + c)) - hfsq) + f) + dk * kLn2Hi;
}

// sin(x), error < 1 ulp for all finite x. sin(+-inf) = NaN.
TORCHRNG_HD double pm_sin(double x) {
  using namespace pm_detail;
  const uint32_t ix = high_word(x) & 0x7fffffffu;
  if (ix <= 0x3fe921fbu) {  // |x| <~ pi/4
    if (ix < 0x3e500000u) return x;  // |x| < 2^-26
    return kernel_sin(x, 0.0, 0);
  }
  if (ix >= 0x7ff00000u) return nan_value();
  double y0, y1;
  const int n = rem_pio2(x, &y0, &y1);
  switch (n & 3) {
    case 0: return kernel_sin(y0, y1, 1);
    case 1: return kernel_cos(y0, y1);
    case 2: return -kernel_sin(y0, y1, 1);
    default: return -kernel_cos(y0, y1);
  }
}

// cos(x), error < 1 ulp for all finite x. cos(+-inf) = NaN.
TORCHRNG_HD double pm_cos(double x) {
  using namespace pm_detail;
  const uint32_t ix = high_word(x) & 0x7fffffffu;
  if (ix <= 0x3fe921fbu) {
    if (ix < 0x3e46a09eu) return 1.0;  // |x| < 2^-27 sqrt(2)
    return kernel_cos(x, 0.0);
  }
  if (ix >= 0x7ff00000u) return nan_value();
  double y0, y1;
  const int n = rem_pio2(x, &y0, &y1);
  switch (n & 3) {
    case 0: return kernel_cos(y0, y1);
    case 1: return -kernel_sin(y0, y1, 1);
    case 2: return -kernel_cos(y0, y1);
    default: return kernel_sin(y0, y1, 1);
  }
}

// Both at once, one argument reduction; bit-identical to pm_sin(x) and pm_cos(x).
TORCHRNG_HD void pm_sincos(double x, double* s, double* c) {
  using namespace pm_detail;
  const uint32_t ix = high_word(x) & 0x7fffffffu;
  if (ix <= 0x3fe921fbu) {
    *s = ix < 0x3e500000u ? x : kernel_sin(x, 0.0, 0);
    *c = ix < 0x3e46a09eu ? 1.0 : kernel_cos(x, 0.0);
    return;
  }
  if (ix >= 0x7ff00000u) {
    *s = nan_value();
    *c = nan_value();
    return;
  }
  double y0, y1;
  const int n = rem_pio2(x, &y0, &y1);
  const double sn = kernel_sin(y0, y1, 1);
  const double cs = kernel_cos(y0, y1);
  switch (n & 3) {
    case 0: *s = sn; *c = cs; break;
    case 1: *s = cs; *c = -sn; break;
    case 2: *s = -sn; *c = -cs; break;
    default: *s = -cs; *c = sn; break;
  }
}

// log2(x) through the double-double logarithm: error ~0.5 ulp, exact for powers of two.
TORCHRNG_HD double pm_log2(double x) {
  using namespace pm_detail;
  const uint64_t u = bits_of(x);
  if ((u & kAbsMask) > kInfBits) return nan_value();
  if ((u << 1) == 0) return -inf_value();
  if (u >> 63) return nan_value();
  if (u == kInfBits) return x;
  if (u == kOneBits) return 0.0;
  const dd l = log_dd(x);
  return dd_mul(l, dd{kInvLn2DdHi, kInvLn2DdLo}).hi;
}

// 2^x through an exp of a double-double argument: error < 1 ulp, exact for integer x.
TORCHRNG_HD double pm_exp2(double x) {
  using namespace pm_detail;
  if (is_nan(x)) return nan_value();
  if (x >= 1024.0) return inf_value();
  if (x <= -1075.0) return 0.0;
  if (pm_fabs(x) < 0x1p-56) return 1.0;
  double ph, pl;
  two_prod(x, kLn2DdHi, &ph, &pl);
  pl = pl + x * kLn2DdLo;
  fast_two_sum(ph, pl, &ph, &pl);
  return exp_dd(ph, pl);
}

// x^y with the special cases of C99 Annex F. For finite x > 0: e^(y log x) with log x in
// double-double and an exp of the double-double product, so the error stays below 1 ulp even when
// |y log x| is large. Negative x: NaN unless y is an integer, then the sign of (-1)^y.
TORCHRNG_HD double pm_pow(double x, double y) {
  using namespace pm_detail;
  const uint64_t ux = bits_of(x), uy = bits_of(y);
  const uint64_t ax = ux & kAbsMask, ay = uy & kAbsMask;
  if (ay == 0) return 1.0;        // x^+-0 = 1, even for NaN x
  if (ux == kOneBits) return 1.0;  // 1^y = 1, even for NaN y
  if (ax > kInfBits || ay > kInfBits) return nan_value();
  const bool xneg = (ux >> 63) != 0;
  const bool yneg = (uy >> 63) != 0;
  if (ay == kInfBits) {  // y = +-inf
    if (ax == kOneBits) return 1.0;  // (-1)^+-inf = 1
    return ((ax > kOneBits) != yneg) ? inf_value() : 0.0;
  }
  const int yclass = integer_class(y);
  const bool odd = yclass == 1;
  const uint64_t rsign = (xneg && odd) ? kSignMask : 0;
  if (ax == 0 || ax == kInfBits) {  // x = +-0 or +-inf
    const bool big = (ax == kInfBits) != yneg;  // 0^(y<0) and inf^(y>0) are infinite
    return double_of(rsign | (big ? kInfBits : 0));
  }
  if (xneg && yclass == 0) return nan_value();  // negative base, non-integer exponent
  if (ax == kOneBits) return double_of(rsign | kOneBits);  // (-1)^integer
  const dd l = log_dd(double_of(ax));
  const double p = y * l.hi;
  double r;
  if (p > 710.0) {
    r = inf_value();
  } else if (p < -746.0) {
    r = 0.0;
  } else if (pm_fabs(p) < 0x1p-60) {
    r = 1.0;
  } else {
    double ph, pl;
    two_prod(y, l.hi, &ph, &pl);  // |y| < 2^63 here, so the split cannot overflow
    pl = pl + y * l.lo;
    fast_two_sum(ph, pl, &ph, &pl);
    r = exp_dd(ph, pl);
  }
  return double_of(bits_of(r) | rsign);
}

}  // namespace core
}  // namespace torchrng

// A minimal test harness for the C++ tests: no third-party framework to download or install.
//
//   TORCHRNG_TEST(name) { CHECK(cond); CHECK_EQ(a, b); }
//
// Each test registers itself; main() in test_main.cpp runs them all, prints a line per failure and
// returns non-zero if any check failed, which is what ctest looks at.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace torchrng_test {

struct Registry {
  std::vector<std::pair<std::string, std::function<void()>>> tests;
  int failures = 0;
  static Registry& get() {
    static Registry r;
    return r;
  }
};

struct Register {
  Register(const char* name, std::function<void()> fn) { Registry::get().tests.emplace_back(name, fn); }
};

inline void fail(const char* file, int line, const std::string& what) {
  ++Registry::get().failures;
  std::fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what.c_str());
}

// The bits of a double, and the double of some bits (for exact comparisons).
inline uint64_t bits(double x) {
  uint64_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}

inline double from_bits(uint64_t u) {
  double x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

}  // namespace torchrng_test

#define TORCHRNG_TEST(name)                                                          \
  static void name();                                                                \
  static ::torchrng_test::Register name##_registration(#name, name);                 \
  static void name()

// libtorch's logging headers define their own CHECK; tests use this one.
#ifdef CHECK
#undef CHECK
#endif
#ifdef CHECK_EQ
#undef CHECK_EQ
#endif

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) ::torchrng_test::fail(__FILE__, __LINE__, #cond);                   \
  } while (0)

#define CHECK_EQ(a, b)                                                               \
  do {                                                                               \
    const auto va_ = (a);                                                            \
    const auto vb_ = (b);                                                            \
    if (!(va_ == vb_)) {                                                             \
      std::ostringstream os_;                                                        \
      os_ << #a << " == " << #b << " (" << va_ << " vs " << vb_ << ")";              \
      ::torchrng_test::fail(__FILE__, __LINE__, os_.str());                          \
    }                                                                                \
  } while (0)

// Philox4x32 against Random123's known-answer vectors: every philox4x32 line (R = 7 and R = 10)
// of tests/kat_vectors and tests/old_kat_vectors, copied into tests/data.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "core/philox.h"
#include "harness.h"

#ifndef TORCHRNG_TEST_DATA
#define TORCHRNG_TEST_DATA "tests/data"
#endif

using torchrng::core::philox4x32;
using torchrng::core::u32x2;
using torchrng::core::u32x4;

static int check_file(const std::string& path) {
  std::ifstream in(path);
  CHECK(in.good());
  int lines = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream is(line);
    std::string name;
    int rounds = 0;
    if (!(is >> name) || name != "philox4x32" || !(is >> rounds)) continue;
    uint32_t w[10];
    for (auto& x : w) is >> std::hex >> x;
    CHECK(!is.fail());
    const u32x4 ctr{{w[0], w[1], w[2], w[3]}};
    const u32x2 key{{w[4], w[5]}};
    u32x4 got{};
    if (rounds == 10) {
      got = philox4x32<10>(ctr, key);
    } else if (rounds == 7) {
      got = philox4x32<7>(ctr, key);
    } else {
      CHECK(rounds == 7 || rounds == 10);
      continue;
    }
    for (int i = 0; i < 4; ++i) CHECK_EQ(got.v[i], w[6 + i]);
    ++lines;
  }
  return lines;
}

TORCHRNG_TEST(philox_kat_vectors) {
  const int n = check_file(std::string(TORCHRNG_TEST_DATA) + "/random123_kat_vectors.txt");
  CHECK_EQ(n, 6);
}

TORCHRNG_TEST(philox_old_kat_vectors) {
  const int n = check_file(std::string(TORCHRNG_TEST_DATA) + "/random123_old_kat_vectors_philox.txt");
  CHECK_EQ(n, 104);
}

// SIMD RandAugment rows (see rand_augment_simd.h).
#include "rand_augment_simd.h"

#include "bounded_ints_simd.h"

namespace torchrng {
namespace cpu {
namespace {

constexpr int64_t kMaxCount = 64;  // the CPU backend's tile
constexpr int64_t kMaxOps = 12;    // num_ops + ceil(num_ops / 4) <= 16 blocks

constexpr int kOps = 14;

// Per op, every column as the CPU backend stores it (op, magnitude_bin and sign as int64 bits);
// [negative] picks the sign. A row is then four plain 8-byte stores per op.
struct OpTable {
  double op[kOps];
  double bin[kOps];
  uint32_t negatable[kOps];  // 1 where the op draws a sign
  double sign[2];            // +1 and -1
  double magnitude[2][kOps];
  explicit OpTable(const samplers::RandAugment& a) {
    for (int o = 0; o < kOps; ++o) {
      op[o] = samplers::stored_int(o);
      bin[o] = samplers::stored_int(static_cast<int64_t>(a.bin_column[o]));
      negatable[o] = a.negatable[o] ? 1u : 0u;
      magnitude[0][o] = a.value[o] * 1.0;
      magnitude[1][o] = a.value[o] * -1.0;  // as the scalar code: times -1.0
    }
    sign[0] = samplers::stored_int(1);
    sign[1] = samplers::stored_int(-1);
  }
};

}  // namespace

bool rand_augment_rows_simd_with(Isa isa, const samplers::RandAugment& augment, const uint32_t* words, int64_t count,
                                 double* rows) {
  const int64_t n = augment.num_ops;
  if (!augment.translations_known || n < 1 || n > kMaxOps || count <= 0 || count > kMaxCount) return false;
  int64_t ops[kMaxOps * kMaxCount];
  for (int64_t k = 0; k < n; ++k) {
    if (!bounded_ints_simd_with(isa, words + 4 * k * count, count, kOps, ops + k * count)) return false;
  }
  const OpTable t(augment);
  const uint32_t* sign_words = words + 4 * n * count;  // blocks num_ops .. num_ops + ceil(n / 4) - 1
  for (int64_t j = 0; j < count; ++j) {
    double* row = rows + 4 * n * j;
    for (int64_t k = 0; k < n; ++k) {
      const int64_t op = ops[k * count + j];
      const uint32_t sign_word = sign_words[4 * ((k / 4) * count + j) + k % 4];
      // unit(w) <= 0.5 exactly when w <= 2^31.
      const uint32_t negative = t.negatable[op] & static_cast<uint32_t>(sign_word <= 0x80000000u);
      row[k] = t.op[op];
      row[n + k] = t.bin[op];
      row[2 * n + k] = t.sign[negative];
      row[3 * n + k] = t.magnitude[negative][op];
    }
  }
  return true;
}

bool rand_augment_rows_simd(const samplers::RandAugment& augment, const uint32_t* words, int64_t count, double* rows) {
  return rand_augment_rows_simd_with(philox_blocks_isa(), augment, words, count, rows);
}

}  // namespace cpu
}  // namespace torchrng

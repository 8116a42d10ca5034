// The decisions AutoAugment, RandAugment, TrivialAugmentWide and AugMix (torchvision.transforms.v2,
// 0.29) draw inside forward: sub-policies, op choices, magnitude bins, signs, application coins and
// the Dirichlet/Beta mixing weights, as parameter rows.
//
// Ops are numbered once for all four transforms (AugOp below, torchrng.sample.AUGMENT_OPS in
// Python); each transform picks among its own ops in torchvision's dict order. Magnitudes are
// computed as torchvision does (torch.linspace in float32, the posterize levels), so a row also
// carries the signed magnitude torchvision passes to the op. Output rows are float64: integers
// (op ids, bins, signs, flags) are exact.
#pragma once

#include "common.h"

namespace torchrng {
namespace samplers {

enum AugOp : int {
  kIdentity = 0,
  kShearX,
  kShearY,
  kTranslateX,
  kTranslateY,
  kRotate,
  kBrightness,
  kColor,
  kContrast,
  kSharpness,
  kPosterize,
  kSolarize,
  kAutoContrast,
  kEqualize,
  kInvert,
  kNumAugOps
};

// Magnitude spaces: AutoAugment and RandAugment share one; TrivialAugmentWide and AugMix have
// their own ranges.
enum AugSpace : int { kSpaceAutoAugment = 0, kSpaceTrivialWide = 1, kSpaceAugMix = 2 };

// a * b + c for floats, rounded once (an IEEE fused multiply-add), from basic double operations so
// that it is the same on every device: a * b is exact in double, two_sum gives the exact sum as
// s + e, and s rounds to the correct float unless it lies exactly halfway between two floats,
// where the sign of e decides.
TORCHRNG_HD float fused_multiply_add_f32(float a, float b, float c) {
  const double p = static_cast<double>(a) * static_cast<double>(b);
  double s, e;
  core::pm_detail::two_sum(p, static_cast<double>(c), &s, &e);
  const float f = static_cast<float>(s);
  const double t = static_cast<double>(f);
  if (e != 0.0 && s != t) {
    const double other = s + (s - t);  // the neighbour of f on the far side of s, if s is a midpoint
    const float o = static_cast<float>(other);
    if (static_cast<double>(o) == other && (e > 0.0) == (other > t)) return o;
  }
  return f;
}

// torch.linspace(start, end, steps)[i] in float32, as ATen's scalar loop computes it: start + step
// * i in the first half, end - step * (steps - 1 - i) in the second, each a fused multiply-add as
// the compiler contracts them in ATen's AVX2/AVX-512 CPU kernels. (ATen's vector loop, used from
// 16 steps on with AVX2 and 32 with AVX-512, and builds without FMA can round the last bit
// differently; this value is the same on every device.)
TORCHRNG_HD float linspace_at(float start, float end, int64_t steps, int64_t i) {
  if (steps == 1) return start;
  const float step = (end - start) / static_cast<float>(steps - 1);
  if (i < steps / 2) return fused_multiply_add_f32(step, static_cast<float>(i), start);
  return fused_multiply_add_f32(-step, static_cast<float>(steps - i - 1), end);
}

// (base - arange(steps) / ((steps - 1) / div)).round().int()[i], in float32 like torch.
TORCHRNG_HD double posterize_level(float base, double div, int64_t steps, int64_t i) {
  const float scale = static_cast<float>(static_cast<double>(steps - 1) / div);
  const float x = base - static_cast<float>(i) / scale;
  return core::pm_rint(static_cast<double>(x));
}

struct OpMagnitude {
  bool has;     // the op takes a magnitude (its torchvision magnitudes_fn is not None)
  bool signed_;  // and draws a sign for it
  double value;  // unsigned magnitude at the bin
};

TORCHRNG_HD OpMagnitude op_magnitude(int space, int op, int64_t bin, int64_t bins, int64_t height, int64_t width) {
  const double H = static_cast<double>(height), W = static_cast<double>(width);
  float end = 0.0f;
  switch (op) {
    case kShearX:
    case kShearY:
      end = space == kSpaceTrivialWide ? 0.99f : 0.3f;
      break;
    case kTranslateX:
    case kTranslateY: {
      const double side = op == kTranslateX ? W : H;
      end = space == kSpaceTrivialWide ? 32.0f
            : space == kSpaceAugMix    ? static_cast<float>(side / 3.0)
                                       : static_cast<float>(150.0 / 331.0 * side);
      break;
    }
    case kRotate:
      end = space == kSpaceTrivialWide ? 135.0f : 30.0f;
      break;
    case kBrightness:
    case kColor:
    case kContrast:
    case kSharpness:
      end = space == kSpaceTrivialWide ? 0.99f : 0.9f;
      break;
    case kPosterize: {
      const float base = space == kSpaceAugMix ? 4.0f : 8.0f;
      const double div = space == kSpaceTrivialWide ? 6.0 : 4.0;
      return OpMagnitude{true, false, posterize_level(base, div, bins, bin)};
    }
    case kSolarize:
      return OpMagnitude{true, false, static_cast<double>(linspace_at(1.0f, 0.0f, bins, bin))};
    default:  // Identity, AutoContrast, Equalize, Invert
      return OpMagnitude{false, false, 0.0};
  }
  return OpMagnitude{true, true, static_cast<double>(linspace_at(0.0f, end, bins, bin))};
}

// One op's columns: op id, magnitude bin (-1 without a magnitude), sign (-1 or +1; +1 when the op
// draws no sign), signed magnitude (0 without one). `sign_word` decides the sign as torchvision's
// `torch.rand(()) <= 0.5` (negative).
TORCHRNG_HD void write_op(int space, int op, int64_t bin, int64_t bins, int64_t height, int64_t width,
                          uint32_t sign_word, double* op_col, double* bin_col, double* sign_col, double* mag_col) {
  const OpMagnitude m = op_magnitude(space, op, bin, bins, height, width);
  const bool negative = m.has && m.signed_ && unit(sign_word) <= 0.5;
  *op_col = static_cast<double>(op);
  *bin_col = m.has ? static_cast<double>(bin) : -1.0;
  *sign_col = negative ? -1.0 : 1.0;
  *mag_col = negative ? -m.value : m.value;
}

constexpr int kMaxSubPolicies = 32;

// AutoAugment: the sub-policy (randint over the policy's sub-policies, block 0), then for each of
// its two ops the application coin (torch.rand(()) <= probability: block 1, words 0 and 2) and the
// sign coin of signed ops (words 1 and 3). Magnitudes use 10 bins. Columns, a pair per op:
// applied[2], policy, op[2], magnitude_bin[2], sign[2], magnitude[2]; the integer ones (policy to
// sign) are consecutive, so the op stores them as int64 bits (int_columns) for torchrng.sample to
// view in place.
struct AutoAugment {
  using Value = double;
  static constexpr int kBlocks = 2;
  static constexpr int kColumns = 11;
  int count;
  int op[kMaxSubPolicies][2];
  int bin[kMaxSubPolicies][2];  // -1 for ops without a magnitude
  double prob[kMaxSubPolicies][2];
  TORCHRNG_HD ColumnRange int_columns() const { return {2, 9}; }  // policy, op, magnitude_bin, sign
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const int64_t policy = randint_in(blocks(0), 0, count);
    const u32x4 b = blocks(1);
    row[2] = static_cast<double>(policy);
    for (int k = 0; k < 2; ++k) {
      row[k] = unit(b.v[2 * k]) <= prob[policy][k] ? 1.0 : 0.0;
      const int64_t mag_bin = bin[policy][k] < 0 ? 0 : bin[policy][k];
      write_op(kSpaceAutoAugment, op[policy][k], mag_bin, 10, height, width, b.v[2 * k + 1], row + 3 + k,
               row + 5 + k, row + 7 + k, row + 9 + k);
    }
  }
};

// RandAugment: num_ops op choices (randint(14), block k for op k) in torchvision's order Identity,
// ShearX, ..., Equalize (the AugOp ids 0-13), all at the fixed magnitude bin; the sign coins of
// signed ops are word k % 4 of block num_ops + k / 4. Columns: op[num_ops], magnitude_bin[num_ops],
// sign[num_ops], magnitude[num_ops].
struct RandAugment {
  using Value = double;
  static constexpr int kBlocks = -1;  // num_ops + ceil(num_ops / 4)
  int64_t num_ops, bin, bins;
  // Per op, made once on the host by prepare() (the same values write_op would compute): the fixed
  // bin's magnitude (Translate's depends on the image size and is computed per sample unless
  // with_image_size fixed it), the magnitude_bin column, and whether a sign is drawn. The
  // per-sample code reads these tables instead of branching on the op, which is a uniform choice
  // of 14 and defeats branch prediction.
  double value[14];
  double bin_column[14];
  bool negatable[14];
  bool translations_known = false;  // value[] also holds the translations' for one image size
  void prepare() {
    for (int op = 0; op < 14; ++op) {
      const OpMagnitude m = op_magnitude(kSpaceAutoAugment, op, bin, bins, 1, 1);
      value[op] = m.value;
      bin_column[op] = m.has ? static_cast<double>(bin) : -1.0;
      negatable[op] = m.has && m.signed_;
    }
  }
  // The sampler for a batch of one image size: no per-sample branch on the translations.
  RandAugment with_image_size(int64_t height, int64_t width) const {
    RandAugment r = *this;
    r.value[kTranslateX] = op_magnitude(kSpaceAutoAugment, kTranslateX, bin, bins, height, width).value;
    r.value[kTranslateY] = op_magnitude(kSpaceAutoAugment, kTranslateY, bin, bins, height, width).value;
    r.translations_known = true;
    return r;
  }
  TORCHRNG_HD int64_t blocks_per_sample() const { return num_ops + (num_ops + 3) / 4; }
  TORCHRNG_HD int64_t columns() const { return 4 * num_ops; }
  TORCHRNG_HD ColumnRange int_columns() const { return {0, 3 * num_ops}; }  // op, magnitude_bin, sign
  TORCHRNG_HD int64_t eager_blocks() const { return blocks_per_sample(); }
  TORCHRNG_HD DrawnBlocks drawn_blocks() const { return {0, num_ops, {14, 14}}; }  // the op choices
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    write(blocks, height, width, row, OwnDraws<Blocks>{blocks, drawn_blocks()});
  }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row, DrawnInts ops) const {
    write(blocks, height, width, row, ops);
  }
  template <class Blocks, class Draws>
  TORCHRNG_HD void write(const Blocks& blocks, int64_t height, int64_t width, double* row, const Draws& ops) const {
    const double signs[2] = {1.0, -1.0};
    for (int64_t k = 0; k < num_ops; ++k) {
      const int op = static_cast<int>(ops[k]);  // randint(14)
      const uint32_t sign_word = blocks(static_cast<uint64_t>(num_ops + k / 4)).v[k % 4];
      // Only the translations' magnitudes depend on the image size (2 ops in 14: a rare branch).
      double magnitude = value[op];
      if (!translations_known && (op == kTranslateX || op == kTranslateY)) {
        magnitude = op_magnitude(kSpaceAutoAugment, op, bin, bins, height, width).value;
      }
      // unit(w) <= 0.5 exactly when w <= 2^31 (unit(w) = w * 2^-32, exact).
      const int negative = static_cast<int>(negatable[op]) & static_cast<int>(sign_word <= 0x80000000u);
      row[k] = static_cast<double>(op);
      row[num_ops + k] = bin_column[op];
      row[2 * num_ops + k] = signs[negative];
      row[3 * num_ops + k] = magnitude * signs[negative];  // times -1.0 is exact negation
    }
  }
};

// TrivialAugmentWide: the op (randint(14), block 0; ids 0-13 as RandAugment), the magnitude bin
// (randint(num_magnitude_bins), block 1, used by ops with a magnitude) and the sign coin (block 2,
// word 0). Columns: op, magnitude_bin, sign, magnitude.
struct TrivialAugmentWide {
  using Value = double;
  static constexpr int kBlocks = 3;
  static constexpr int kColumns = 4;
  int64_t bins;
  TORCHRNG_HD ColumnRange int_columns() const { return {0, 3}; }  // op, magnitude_bin, sign
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width, double* row) const {
    const int op = static_cast<int>(randint_in(blocks(0), 0, 14));
    const OpMagnitude probe = op_magnitude(kSpaceTrivialWide, op, 0, bins, height, width);
    const int64_t bin = probe.has ? randint_in(blocks(1), 0, bins) : 0;
    write_op(kSpaceTrivialWide, op, bin, bins, height, width, blocks(2).v[0], row, row + 1, row + 2, row + 3);
  }
};

// AugMix's op list in torchvision's order (0 <= k < 13); the partial space (all_ops=False) is the
// first 9.
TORCHRNG_HD int augmix_op(int64_t k) {
  const int ops[13] = {kShearX,  kShearY,    kTranslateX, kTranslateY, kRotate,    kPosterize, kSolarize,
                       kAutoContrast, kEqualize, kBrightness, kColor, kContrast, kSharpness};
  return ops[k];
}

// AugMix, per sample: the Beta weights of the original and the augmented mix (a Dirichlet over
// [alpha, alpha]: two Gamma(alpha) variates, blocks 0-9), the chains' Dirichlet weights (Gamma
// variate c in blocks 10 + 5c .. 14 + 5c) times the augmented weight, and for each of the `width`
// chains its depth (randint(1, 4), one block per chain, only when chain_depth <= 0) and up to
// max_depth ops. Op slot s (chain c, step d: s = c * max_depth + d) takes one block for the op and
// its magnitude bin together (a uniform integer below ops * severity: op = r / severity,
// bin = r % severity), and word s % 4 of the sign blocks. Slots past a chain's depth are unused
// (op -1, bin -1, sign +1, magnitude 0).
// Columns: beta_weights[2], chain_weights[width], depth[width], op[width * max_depth],
// magnitude_bin[...], sign[...], magnitude[...].
struct AugMix {
  using Value = double;
  static constexpr int kBlocks = -1;
  int64_t width, chain_depth, severity;
  int ops;  // 13 (all_ops) or 9
  double alpha;
  TORCHRNG_HD int64_t max_depth() const { return chain_depth > 0 ? chain_depth : 3; }
  TORCHRNG_HD int64_t depth_base() const { return 2 * core::kGammaBlocks + width * core::kGammaBlocks; }
  TORCHRNG_HD int64_t op_base() const { return depth_base() + (chain_depth > 0 ? 0 : width); }
  TORCHRNG_HD int64_t sign_base() const { return op_base() + width * max_depth(); }
  TORCHRNG_HD int64_t blocks_per_sample() const { return sign_base() + (width * max_depth() + 3) / 4; }
  TORCHRNG_HD int64_t columns() const { return 2 + 2 * width + 4 * width * max_depth(); }
  TORCHRNG_HD int64_t eager_blocks() const { return 0; }
  template <class Blocks>
  TORCHRNG_HD void operator()(const Blocks& blocks, int64_t height, int64_t width_px, double* row) const {
    // Beta weights: [original, augmented] = Dirichlet([alpha, alpha]).
    const core::GammaShape shape = core::gamma_shape(alpha);  // once for the sample's 2 + width draws
    const double log_x = core::log_gamma_variate(blocks, 0, shape);
    const double log_y = core::log_gamma_variate(blocks, core::kGammaBlocks, shape);
    row[0] = core::ratio_from_logs(log_x, log_y);
    row[1] = core::ratio_from_logs(log_y, log_x);
    // Chain weights: Dirichlet([alpha] * width) * augmented weight, normalised from the logs.
    double* weights = row + 2;
    double max_log = 0.0;
    for (int64_t c = 0; c < width; ++c) {
      weights[c] = core::log_gamma_variate(blocks, static_cast<uint64_t>((2 + c) * core::kGammaBlocks), shape);
      if (c == 0 || weights[c] > max_log) max_log = weights[c];
    }
    double sum = 0.0;
    for (int64_t c = 0; c < width; ++c) {
      // All logs -inf (alpha below about 1e-307): equal weights rather than exp(NaN).
      weights[c] = max_log > -1.7976931348623157e308 ? core::pm_exp(weights[c] - max_log) : 1.0;
      sum = sum + weights[c];
    }
    for (int64_t c = 0; c < width; ++c) weights[c] = weights[c] / sum * row[1];
    // Chains.
    const int64_t D = max_depth(), slots = width * D;
    double* depth_col = row + 2 + width;
    double* op_col = depth_col + width;
    double* bin_col = op_col + slots;
    double* sign_col = bin_col + slots;
    double* mag_col = sign_col + slots;
    for (int64_t c = 0; c < width; ++c) {
      const int64_t depth = chain_depth > 0 ? chain_depth : randint_in(blocks(static_cast<uint64_t>(depth_base() + c)), 1, 4);
      depth_col[c] = static_cast<double>(depth);
      for (int64_t d = 0; d < D; ++d) {
        const int64_t s = c * D + d;
        if (d >= depth) {
          op_col[s] = -1.0;
          bin_col[s] = -1.0;
          sign_col[s] = 1.0;
          mag_col[s] = 0.0;
          continue;
        }
        const int64_t r = randint_in(blocks(static_cast<uint64_t>(op_base() + s)), 0, ops * severity);
        const int op = augmix_op(r / severity);
        const uint32_t sign_word = blocks(static_cast<uint64_t>(sign_base() + s / 4)).v[s % 4];
        write_op(kSpaceAugMix, op, r % severity, 10, height, width_px, sign_word, op_col + s, bin_col + s,
                 sign_col + s, mag_col + s);
      }
    }
  }
};

}  // namespace samplers
}  // namespace torchrng

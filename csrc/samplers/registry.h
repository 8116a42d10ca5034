// The sampler table: an id per sampler, how its hyperparameters arrive (a flat list of doubles,
// in the order torchrng/sample/_specs.py sends them), and a visitor that builds the sampler struct
// so that the CPU and CUDA backends instantiate one kernel per sampler type.
#pragma once

#include <c10/util/ArrayRef.h>
#include <c10/util/Exception.h>

#include <cmath>
#include <limits>
#include <type_traits>

#include "auto_augment.h"
#include "detection.h"
#include "erasing.h"
#include "geometry.h"
#include "mixing.h"
#include "permutation.h"
#include "photometric.h"

namespace torchrng {
namespace samplers {

enum SamplerId : int64_t {
  kFlip = 0,
  kResizedCrop = 1,
  kCrop = 2,
  kRotation = 3,
  kAffine = 4,
  kPerspective = 5,
  kZoomOut = 6,
  kScaleJitter = 7,
  kShortestSize = 8,
  kResize = 9,
  kIoUCrop = 10,
  // photometric.h, permutation.h (p gates, GaussianBlur and JPEG reuse kFlip, kRotation, kResize)
  kColorJitter = 11,
  kPhotometricDistort = 12,
  kPermutation = 13,
  // erasing.h
  kErasing = 14,
  // auto_augment.h
  kAutoAugment = 15,
  kRandAugment = 16,
  kTrivialAugmentWide = 17,
  kAugMix = 18,
  // mixing.h (RandomApply reuses kFlip, RandomOrder kPermutation)
  kMixUp = 19,
  kCutMix = 20,
  kChoice = 21,
};

template <class S>
struct UsesBoxes : std::false_type {};
template <>
struct UsesBoxes<IoUCrop> : std::true_type {};

template <class S>
TORCHRNG_HD int64_t blocks_of(const S& s) {
  if constexpr (S::kBlocks < 0) {
    return s.blocks_per_sample();
  } else {
    return S::kBlocks;
  }
}

// How many leading blocks the CPU makes in advance for a tile of samples (a sampler whose budget
// depends on its hyperparameters says so with eager_blocks(); the backend caps it by the budget).
template <class S>
int64_t eager_blocks_of(const S& s) {
  if constexpr (requires { s.eager_blocks(); }) {
    return s.eager_blocks();
  } else if constexpr (requires { S::kEagerBlocks; }) {
    return S::kEagerBlocks;
  } else if constexpr (S::kBlocks >= 0) {
    return S::kBlocks;
  } else {
    return 0;
  }
}

// A sampler's int_columns() (see ColumnRange in common.h), or none.
template <class S>
TORCHRNG_HD ColumnRange int_columns_of(const S& s) {
  if constexpr (requires { s.int_columns(); }) {
    return s.int_columns();
  } else {
    return {0, 0};
  }
}

// Values per sample: kColumns, or columns() where it depends on the hyperparameters.
template <class S>
int64_t columns_of(const S& s) {
  if constexpr (requires { s.columns(); }) {
    return s.columns();
  } else {
    return S::kColumns;
  }
}

namespace detail {

inline void need(c10::ArrayRef<double> h, size_t n, const char* name) {
  TORCH_CHECK(h.size() == n, "torchrng.sample.", name, ": expected ", n, " hyperparameters, got ", h.size());
  for (double v : h) TORCH_CHECK(!std::isnan(v), "torchrng.sample.", name, ": hyperparameters must not be NaN");
}

// Integer hyperparameters travel as doubles: they must be exact integers of at most 2^53 in
// magnitude (a larger or infinite value would make the cast to int64 undefined).
inline int64_t as_int(double v) {
  TORCH_CHECK(std::isfinite(v) && v >= -9007199254740992.0 && v <= 9007199254740992.0,
              "torchrng.sample: an integer hyperparameter must be finite and at most 2**53 in magnitude, got ", v);
  return static_cast<int64_t>(v);
}

// A range drawn as a float32 uniform (samplers::uniform_f32): torch's uniform_ requires both bounds
// and their difference within float32's range, and the casts to float must not overflow.
inline void float32_range(double lo, double hi, const char* name, const char* what) {
  constexpr double kMax = std::numeric_limits<float>::max();
  TORCH_CHECK(lo >= -kMax && lo <= kMax && hi >= -kMax && hi <= kMax && lo <= hi && hi - lo <= kMax,
              "torchrng.sample.", name, ": ", what, " must be a range (lo <= hi) within float32's range, with hi - lo "
              "too, as torch.empty(1).uniform_ requires; got (", lo, ", ", hi, ")");
}

}  // namespace detail

template <class Visitor>
void visit_sampler(int64_t id, c10::ArrayRef<double> h, Visitor&& visit) {
  using detail::as_int;
  using detail::need;
  switch (id) {
    case kFlip:
      need(h, 1, "flip");
      return visit(Flip{h[0]});
    case kResizedCrop:
      need(h, 6, "resized_crop");
      return visit(ResizedCrop{{h[0], h[1], h[2], h[3]}, h[4], h[5]});
    case kCrop:
      need(h, 7, "crop");
      return visit(Crop{as_int(h[0]), as_int(h[1]), as_int(h[2]), as_int(h[3]), as_int(h[4]), as_int(h[5]), h[6] != 0});
    case kRotation:
      need(h, 2, "rotation");
      detail::float32_range(h[0], h[1], "rotation", "the range");
      return visit(Rotation{static_cast<float>(h[0]), static_cast<float>(h[1])});
    case kAffine: {
      need(h, 11, "affine");
      const int64_t shear_count = as_int(h[6]);
      TORCH_CHECK(shear_count == 0 || shear_count == 2 || shear_count == 4, "torchrng.sample.affine: bad shear");
      Affine a{h[0], h[1], h[2], h[3], h[4], h[5], static_cast<int>(shear_count), {h[7], h[8], h[9], h[10]}};
      detail::float32_range(a.deg_lo, a.deg_hi, "affine", "degrees");
      if (a.scale_lo >= 0) detail::float32_range(a.scale_lo, a.scale_hi, "affine", "scale");
      for (int k = 0; k < a.shear_count; k += 2) detail::float32_range(a.shear[k], a.shear[k + 1], "affine", "shear");
      TORCH_CHECK(a.translate_x <= 1 && a.translate_y <= 1, "torchrng.sample.affine: translate must be at most 1");
      return visit(a);
    }
    case kPerspective:
      need(h, 2, "perspective");
      // The corner offsets stay inside the image only for a scale in [0, 1]: the collinearity test
      // relies on that (whole coordinates below 2^31).
      TORCH_CHECK(h[0] >= 0 && h[0] <= 1 && h[1] >= 0 && h[1] <= 1,
                  "torchrng.sample.perspective: p and distortion_scale must lie in [0, 1], got ", h[0], " and ", h[1]);
      return visit(Perspective{h[0], h[1]});
    case kZoomOut:
      need(h, 3, "zoom_out");
      return visit(ZoomOut{h[0], h[1], h[2]});
    case kScaleJitter:
      need(h, 4, "scale_jitter");
      return visit(ScaleJitter{h[0], h[1], h[2], h[3]});
    case kShortestSize: {
      TORCH_CHECK(h.size() >= 2 && h.size() <= 1 + kMaxListValues,
                  "torchrng.sample.shortest_size: expected max_size and 1 to ", kMaxListValues, " sizes");
      ShortestSize s{static_cast<int>(h.size() - 1), {}, h[0]};
      for (size_t i = 1; i < h.size(); ++i) s.sizes[i - 1] = h[i];
      return visit(s);
    }
    case kResize:
      need(h, 2, "resize");
      TORCH_CHECK(h[0] < h[1], "torchrng.sample.resize: min_size must be < max_size");
      return visit(Resize{as_int(h[0]), as_int(h[1])});
    case kIoUCrop: {
      TORCH_CHECK(h.size() >= 8 && h.size() <= 7 + kMaxListValues,
                  "torchrng.sample.iou_crop: expected 7 hyperparameters and 1 to ", kMaxListValues, " options");
      IoUCrop s{h[0], h[1], h[2], h[3], as_int(h[4]), as_int(h[5]), as_int(h[6]), static_cast<int>(h.size() - 7), {}};
      for (size_t i = 7; i < h.size(); ++i) s.options[i - 7] = h[i];
      TORCH_CHECK(s.trials >= 1 && s.rounds >= 1 && s.max_boxes >= 0 && s.trials < (1 << 24) && s.rounds < (1 << 24) &&
                      s.rounds * (1 + s.trials) <= (1 << 24),
                  "torchrng.sample.iou_crop: bad budget: need trials, rounds >= 1 and rounds * (1 + trials) <= 2**24");
      return visit(s);
    }
    case kColorJitter: {
      need(h, 12, "color_jitter");
      ColorJitter s{};
      for (int k = 0; k < 4; ++k) {
        s.enabled[k] = h[3 * k] != 0;
        s.lo[k] = h[3 * k + 1];
        s.hi[k] = h[3 * k + 2];
        if (s.enabled[k]) detail::float32_range(s.lo[k], s.hi[k], "color_jitter", "a factor range");
      }
      return visit(s);
    }
    case kPhotometricDistort: {
      need(h, 10, "photometric_distort");
      PhotometricDistort s{};
      for (int k = 0; k < 4; ++k) {
        s.lo[k] = h[2 * k];
        s.hi[k] = h[2 * k + 1];
        detail::float32_range(s.lo[k], s.hi[k], "photometric_distort", "a factor range");
      }
      s.p = h[8];
      s.channels = as_int(h[9]);
      TORCH_CHECK(s.channels >= 1 && s.channels <= kMaxPermutationSize,
                  "torchrng.sample.photometric_distort: num_channels must be in [1, ", kMaxPermutationSize, "]");
      return visit(s);
    }
    case kPermutation: {
      need(h, 1, "permutation");
      const int64_t count = as_int(h[0]);
      TORCH_CHECK(count >= 1 && count <= kMaxPermutationSize, "torchrng.sample: permutation size must be in [1, ",
                  kMaxPermutationSize, "], got ", count);
      return visit(Permutation{count});
    }
    case kErasing:
      need(h, 5, "erasing");
      return visit(Erasing{h[0], {h[1], h[2], h[3], h[4]}});
    case kAutoAugment: {
      TORCH_CHECK(h.size() >= 7 && (h.size() - 1) % 6 == 0 && (h.size() - 1) / 6 <= kMaxSubPolicies,
                  "torchrng.sample.auto_augment: expected a count and 6 values per sub-policy");
      AutoAugment s{};
      s.count = static_cast<int>((h.size() - 1) / 6);
      for (int i = 0; i < s.count; ++i) {
        for (int k = 0; k < 2; ++k) {
          const double* e = h.data() + 1 + 6 * i + 3 * k;
          const int64_t op = as_int(e[0]), bin = as_int(e[2]);
          TORCH_CHECK(op >= 0 && op < kNumAugOps && bin >= -1 && bin < 10,
                      "torchrng.sample.auto_augment: bad sub-policy ", i);
          s.op[i][k] = static_cast<int>(op);
          s.prob[i][k] = e[1];
          s.bin[i][k] = static_cast<int>(bin);
        }
      }
      return visit(s);
    }
    case kRandAugment: {
      need(h, 3, "rand_augment");
      RandAugment s{as_int(h[0]), as_int(h[1]), as_int(h[2]), {}, {}, {}};
      TORCH_CHECK(s.num_ops >= 0 && s.bins >= 2 && s.bin >= 0 && s.bin < s.bins,
                  "torchrng.sample.rand_augment: bad num_ops, magnitude or num_magnitude_bins");
      s.prepare();
      return visit(s);
    }
    case kTrivialAugmentWide: {
      need(h, 1, "trivial_augment_wide");
      TrivialAugmentWide s{as_int(h[0])};
      TORCH_CHECK(s.bins >= 2, "torchrng.sample.trivial_augment_wide: num_magnitude_bins must be >= 2");
      return visit(s);
    }
    case kAugMix: {
      need(h, 5, "augmix");
      AugMix s{as_int(h[0]), as_int(h[1]), as_int(h[2]), h[3] != 0 ? 13 : 9, h[4]};
      TORCH_CHECK(s.width >= 1 && s.severity >= 1 && s.severity <= 10 && s.alpha > 0 && std::isfinite(s.alpha),
                  "torchrng.sample.augmix: bad mixture_width, severity or alpha");
      return visit(s);
    }
    case kMixUp:
      need(h, 1, "mixup");
      TORCH_CHECK(h[0] > 0 && std::isfinite(h[0]), "torchrng.sample.mixup: alpha must be finite and > 0");
      return visit(MixUp{core::gamma_shape(h[0])});
    case kCutMix:
      need(h, 1, "cutmix");
      TORCH_CHECK(h[0] > 0 && std::isfinite(h[0]), "torchrng.sample.cutmix: alpha must be finite and > 0");
      return visit(CutMix{core::gamma_shape(h[0])});
    case kChoice: {
      TORCH_CHECK(h.size() >= 1 && h.size() <= kMaxChoices, "torchrng.sample.random_choice: expected 1 to ",
                  kMaxChoices, " cumulative weights");
      need(h, h.size(), "random_choice");
      Choice s{static_cast<int>(h.size()), {}};
      for (size_t i = 0; i < h.size(); ++i) s.cumulative[i] = h[i];
      return visit(s);
    }
    default:
      TORCH_CHECK(false, "torchrng: unknown sampler id ", id);
  }
}

}  // namespace samplers
}  // namespace torchrng

// The sampler table: an id per sampler, how its hyperparameters arrive (a flat list of doubles,
// in the order torchrng/sample/_specs.py sends them), and a visitor that builds the sampler struct
// so that the CPU and CUDA backends instantiate one kernel per sampler type.
#pragma once

#include <c10/util/ArrayRef.h>
#include <c10/util/Exception.h>

#include <cmath>
#include <type_traits>

#include "detection.h"
#include "geometry.h"

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

// How many leading blocks the CPU makes in advance for a tile of samples.
template <class S>
constexpr int64_t eager_blocks_of() {
  if constexpr (requires { S::kEagerBlocks; }) {
    return S::kEagerBlocks;
  } else {
    return S::kBlocks;
  }
}

template <class S>
int64_t columns_of(const S& s) {
  if constexpr (UsesBoxes<S>::value) {
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

inline int64_t as_int(double v) { return static_cast<int64_t>(v); }

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
      return visit(ResizedCrop{h[0], h[1], h[2], h[3], h[4], h[5]});
    case kCrop:
      need(h, 7, "crop");
      return visit(Crop{as_int(h[0]), as_int(h[1]), as_int(h[2]), as_int(h[3]), as_int(h[4]), as_int(h[5]), h[6] != 0});
    case kRotation:
      need(h, 2, "rotation");
      return visit(Rotation{h[0], h[1]});
    case kAffine: {
      need(h, 11, "affine");
      Affine a{h[0], h[1], h[2], h[3], h[4], h[5], static_cast<int>(h[6]), {h[7], h[8], h[9], h[10]}};
      TORCH_CHECK(a.shear_count == 0 || a.shear_count == 2 || a.shear_count == 4, "torchrng.sample.affine: bad shear");
      return visit(a);
    }
    case kPerspective:
      need(h, 2, "perspective");
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
      TORCH_CHECK(s.trials >= 1 && s.rounds >= 1 && s.max_boxes >= 0, "torchrng.sample.iou_crop: bad budget");
      return visit(s);
    }
    default:
      TORCH_CHECK(false, "torchrng: unknown sampler id ", id);
  }
}

}  // namespace samplers
}  // namespace torchrng

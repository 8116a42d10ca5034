// The CPU operators through the dispatcher, as a libtorch C++ user would call them: values equal
// the scalar core formula, the thread count does not matter, bad arguments throw c10::Error.
#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <ATen/core/dispatch/Dispatcher.h>

#include <optional>

#include "core/stream.h"
#include "core/uniform.h"
#include "harness.h"

namespace {

using FillUniform = void(const at::Tensor&, double, double, c10::IntArrayRef, const std::optional<at::Generator>&);

c10::TypedOperatorHandle<FillUniform> fill_uniform() {
  return c10::Dispatcher::singleton().findSchemaOrThrow("torchrng::fill_uniform", "").typed<FillUniform>();
}

// Element e of a float32 fill whose stream base is sample index `base` (stream v3): word e % 4 of
// block 0 of sample index base + e / 4.
float expected_uniform(uint32_t k0, uint32_t k1, uint64_t base, uint64_t e) {
  const torchrng::core::Stream s{{{k0, k1}}, 0, 0};
  const auto block = torchrng::core::stream_block(s, base + e / 4, 0);
  return torchrng::core::u01_f32(block.v[e % 4]);
}

}  // namespace

TORCHRNG_TEST(ops_uniform_matches_core_formula) {
  const int64_t base = (int64_t{1} << 32) - 6;  // crosses a carry into the high index word
  at::Tensor out = at::empty({1001}, at::kFloat);
  fill_uniform().call(out, 0.0, 1.0, {7, 9, base, 0}, std::nullopt);
  const float* p = out.data_ptr<float>();
  for (int64_t i = 0; i < out.numel(); ++i) {
    CHECK_EQ(p[i], expected_uniform(7, 9, static_cast<uint64_t>(base), static_cast<uint64_t>(i)));
  }
}

TORCHRNG_TEST(ops_uniform_thread_count_invariance) {
  const int before = at::get_num_threads();
  at::Tensor reference;
  for (int threads : {1, 2, 4}) {
    at::set_num_threads(threads);
    at::Tensor out = at::empty({1 << 20}, at::kFloat);
    fill_uniform().call(out, -1.0, 1.0, {1, 2, 3, 0}, std::nullopt);
    if (!reference.defined()) {
      reference = out;
    } else {
      CHECK(at::equal(reference, out));
    }
  }
  at::set_num_threads(before);
}

TORCHRNG_TEST(ops_bad_arguments_throw) {
  at::Tensor out = at::empty({4}, at::kFloat);
  bool threw = false;
  try {
    fill_uniform().call(out, 1.0, 0.0, {0, 0, 0, 0}, std::nullopt);
  } catch (const c10::Error& e) {
    threw = std::string(e.what()).find("low must be < high") != std::string::npos;
  }
  CHECK(threw);
}

// Runs every registered C++ test. Exit status 0 only if all checks passed.
#include "harness.h"

int main() {
  auto& registry = torchrng_test::Registry::get();
  for (auto& [name, fn] : registry.tests) {
    const int before = registry.failures;
    fn();
    std::printf("[%s] %s\n", registry.failures == before ? "  OK  " : " FAIL ", name.c_str());
  }
  std::printf("%zu tests, %d failed checks\n", registry.tests.size(), registry.failures);
  return registry.failures == 0 ? 0 : 1;
}

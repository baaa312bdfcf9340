// main.cpp - runs the two compilations of one model (-O2 and -O0) on the same random image
// and checks that they agree; each model finds its weights through its *_WEIGHTS_PATH.
#include "cnn_fast.h"
#include "cnn_ref.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

int main() {
  static_assert(cnn_fast::kInput0Elements == cnn_ref::kInput0Elements &&
                    cnn_fast::kOutput0Elements == cnn_ref::kOutput0Elements,
                "one model, two compilations");
  if (std::strcmp(CNN_FAST_WEIGHTS_PATH, CNN_REF_WEIGHTS_PATH) == 0) {
    std::fprintf(stderr, "both models name the weights file %s\n", CNN_FAST_WEIGHTS_PATH);
    return 1;
  }
  cnn_fast::Model fast;
  cnn_ref::Model ref;
  if (fast.load(CNN_FAST_WEIGHTS_PATH) != MC_OK || ref.load(CNN_REF_WEIGHTS_PATH) != MC_OK) {
    std::fprintf(stderr, "load failed: %s / %s\n", fast.last_error(), ref.last_error());
    return 1;
  }
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> image(cnn_fast::kInput0Elements);
  for (float &v : image)
    v = normal(rng);
  std::vector<float> a(cnn_fast::kOutput0Elements), b(cnn_ref::kOutput0Elements);
  if (fast.run(image.data(), a.data()) != MC_OK || ref.run(image.data(), b.data()) != MC_OK) {
    std::fprintf(stderr, "run failed: %s / %s\n", fast.last_error(), ref.last_error());
    return 1;
  }
  float maxDiff = 0;
  bool ok = true;
  for (size_t i = 0; i < a.size(); ++i) {
    float d = std::fabs(a[i] - b[i]);
    maxDiff = std::fmax(maxDiff, d);
    ok &= d <= 1e-5f + 1e-4f * std::fabs(b[i]);
  }
  std::printf("cnn_fast (%llu arena bytes) vs cnn_ref -O0 (%llu): max abs diff %.3g\n",
              (unsigned long long)cnn_fast::kArenaBytes, (unsigned long long)cnn_ref::kArenaBytes,
              maxDiff);
  return ok ? 0 : 1;
}

// main.cpp - classifies a synthetic image with the tiny_cnn bundle.
//
// Shows the generated C++ API: shapes as constexpr, a Model object that loads its weights
// file, and a typed run() returning a status.
#include "tiny_cnn.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

int main(int argc, char **argv) {
  const char *weights = argc > 1 ? argv[1] : TINY_CNN_WEIGHTS;
  tiny_cnn::Model model;
  if (mc_status st = model.load(weights); st != MC_OK) {
    std::fprintf(stderr, "load failed: %s (%s)\n", mc_status_string(st), model.last_error());
    return 1;
  }

  // A deterministic "image": smooth gradients per channel, normalized like ImageNet inputs.
  std::vector<float> image(tiny_cnn::kInput0Elements);
  const int64_t h = tiny_cnn::kInput0Shape[2], w = tiny_cnn::kInput0Shape[3];
  for (int64_t c = 0; c < tiny_cnn::kInput0Shape[1]; ++c)
    for (int64_t y = 0; y < h; ++y)
      for (int64_t x = 0; x < w; ++x)
        image[(c * h + y) * w + x] = std::sin(0.3f * x + 0.2f * y + c) * 0.5f;

  std::vector<float> probs(tiny_cnn::kOutput0Elements);
  if (mc_status st = model.run(image.data(), probs.data()); st != MC_OK) {
    std::fprintf(stderr, "run failed: %s (%s)\n", mc_status_string(st), model.last_error());
    return 1;
  }
  std::printf("model input '%s' %lldx%lldx%lldx%lld, arena %llu bytes, weights %llu bytes\n",
              tiny_cnn::kInput0Name, (long long)tiny_cnn::kInput0Shape[0],
              (long long)tiny_cnn::kInput0Shape[1], (long long)h, (long long)w,
              (unsigned long long)tiny_cnn::kArenaBytes,
              (unsigned long long)tiny_cnn::kWeightsBytes);
  float sum = 0.0f;
  for (float p : probs)
    sum += p;
  int best = static_cast<int>(std::max_element(probs.begin(), probs.end()) - probs.begin());
  std::printf("class %d, probability %.4f (probabilities sum to %.4f)\n", best, probs[best], sum);
  return std::fabs(sum - 1.0f) < 1e-3f ? 0 : 1;
}

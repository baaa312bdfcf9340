// main.cpp - loads and runs the model of subdir_project once (built by hand, not in CTest).
#include "tiny_cnn.h"

#include <cstdio>
#include <vector>

int main() {
  tiny_cnn::Model model;
  if (model.load(TINY_CNN_WEIGHTS_PATH) != MC_OK) {
    std::fprintf(stderr, "%s\n", model.last_error());
    return 1;
  }
  std::vector<float> image(tiny_cnn::kInput0Elements, 0.5f), probs(tiny_cnn::kOutput0Elements);
  if (model.run(image.data(), probs.data()) != MC_OK) {
    std::fprintf(stderr, "%s\n", model.last_error());
    return 1;
  }
  std::printf("probs[0] = %f\n", probs[0]);
  return 0;
}

// main.cpp - classifies an image file with the tiny_cnn model compiled by modelc_add_model.
//
// The whole path of a deployed image classifier: read the image (PPM/PGM), resize it
// bilinearly to the model's input size, normalize with the ImageNet mean and std, lay it out
// as NCHW, run the generated model, print the top classes. tiny_cnn has random weights
// (examples/models/make_tiny_cnn.py), so its classes are indices without meaning.
//
//   classify [IMAGE.ppm] [--weights tiny_cnn.weights.bin] [--probs FILE] [--top K]
#include "image.h"
#include "tiny_cnn.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

int main(int argc, char **argv) {
  std::string imagePath = CLASSIFY_SAMPLE_IMAGE;
  const char *weightsPath = TINY_CNN_WEIGHTS_PATH; // defined by modelc_add_model
  const char *probsPath = nullptr;
  int top = 3;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 < argc && a == "--weights")
      weightsPath = argv[++i];
    else if (i + 1 < argc && a == "--probs")
      probsPath = argv[++i];
    else if (i + 1 < argc && a == "--top")
      top = std::max(1, std::atoi(argv[++i]));
    else if (!a.empty() && a[0] != '-')
      imagePath = a;
    else {
      std::fprintf(stderr, "usage: classify [IMAGE.ppm|IMAGE.pgm] [--weights FILE] "
                           "[--probs FILE] [--top K]\n");
      return 2;
    }
  }

  // Pre-processing to the model's input: [1, C, H, W] float.
  static_assert(tiny_cnn::kInput0Rank == 4, "an NCHW image model");
  const int channels = int(tiny_cnn::kInput0Shape[1]);
  const int height = int(tiny_cnn::kInput0Shape[2]), width = int(tiny_cnn::kInput0Shape[3]);
  const float mean[3] = {0.485f, 0.456f, 0.406f}, std[3] = {0.229f, 0.224f, 0.225f};
  Image image;
  std::string error;
  if (!readPnm(imagePath, image, error)) {
    std::fprintf(stderr, "classify: %s\n", error.c_str());
    return 1;
  }
  std::vector<float> resized = resizeBilinear(image, width, height);
  std::vector<float> input =
      toNormalizedChw(resized, width, height, image.channels, channels, mean, std);

  tiny_cnn::Model model;
  if (model.load(weightsPath) != MC_OK) {
    std::fprintf(stderr, "classify: %s\n", model.last_error());
    return 1;
  }
  std::vector<float> probs(tiny_cnn::kOutput0Elements);
  if (mc_status st = model.run(input.data(), probs.data()); st != MC_OK) {
    std::fprintf(stderr, "classify: run failed: %s (%s)\n", mc_status_string(st),
                 model.last_error());
    return 1;
  }

  std::printf("%s: %dx%d, %d channel(s) -> input '%s' %dx%dx%dx%d\n", imagePath.c_str(),
              image.width, image.height, image.channels, tiny_cnn::kInput0Name, 1, channels, height,
              width);
  std::vector<int> order(probs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return probs[a] > probs[b]; });
  for (int i = 0; i < top && i < int(order.size()); ++i)
    std::printf("  class %d: %.4f\n", order[i], probs[order[i]]);
  float sum = std::accumulate(probs.begin(), probs.end(), 0.0f);
  if (std::fabs(sum - 1.0f) > 1e-3f) {
    std::fprintf(stderr, "classify: probabilities sum to %f\n", sum);
    return 1;
  }

  if (probsPath) {
    FILE *f = std::fopen(probsPath, "w");
    if (!f) {
      std::fprintf(stderr, "classify: cannot write '%s'\n", probsPath);
      return 1;
    }
    for (float p : probs)
      std::fprintf(f, "%.9g\n", p);
    std::fclose(f);
  }
  return 0;
}

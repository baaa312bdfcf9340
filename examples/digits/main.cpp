// main.cpp - classifies the held-out scikit-learn digits with the model modelc compiled.
//
// The model (train_digits.py: a 64-32-10 MLP) is compiled at build time by
// modelc_add_model(digits_model ... NAME digits); this program only uses the generated header
// digits.h: it loads the weights, runs each 8x8 test image (pixel values 0..16, scaled inside
// the model) and prints the accuracy.
//
//   digits [--data digits_test.bin] [--weights digits.weights.bin] [--predictions FILE]
#include "digits.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// The test set written by train_digits.py ("MCDG", version, count, pixels, pixels, labels).
struct TestSet {
  uint32_t count = 0, pixels = 0;
  std::vector<uint8_t> images, labels;
};

uint32_t readU32(const unsigned char *p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

bool readTestSet(const char *path, TestSet &set) {
  FILE *f = std::fopen(path, "rb");
  if (!f) {
    std::fprintf(stderr, "digits: cannot open '%s'\n", path);
    return false;
  }
  unsigned char header[16];
  bool ok = std::fread(header, 1, sizeof(header), f) == sizeof(header) &&
            std::memcmp(header, "MCDG", 4) == 0 && readU32(header + 4) == 1;
  if (ok) {
    set.count = readU32(header + 8);
    set.pixels = readU32(header + 12);
    set.images.resize(size_t(set.count) * set.pixels);
    set.labels.resize(set.count);
    ok = std::fread(set.images.data(), 1, set.images.size(), f) == set.images.size() &&
         std::fread(set.labels.data(), 1, set.labels.size(), f) == set.labels.size();
  }
  std::fclose(f);
  if (!ok)
    std::fprintf(stderr, "digits: '%s' is not a digits test set\n", path);
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  const char *dataPath = DIGITS_TEST_DATA;
  const char *weightsPath = DIGITS_WEIGHTS_PATH; // defined by modelc_add_model
  const char *predictionsPath = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 < argc && a == "--data")
      dataPath = argv[++i];
    else if (i + 1 < argc && a == "--weights")
      weightsPath = argv[++i];
    else if (i + 1 < argc && a == "--predictions")
      predictionsPath = argv[++i];
    else {
      std::fprintf(stderr, "usage: digits [--data FILE] [--weights FILE] [--predictions FILE]\n");
      return 2;
    }
  }

  TestSet set;
  if (!readTestSet(dataPath, set))
    return 1;
  static_assert(digits::kInput0Elements == 64 && digits::kOutput0Elements == 10,
                "compiled for one 8x8 image at a time (--input-shape pixels=1x64)");
  if (set.pixels != digits::kInput0Elements) {
    std::fprintf(stderr, "digits: test images have %u pixels, the model takes %lld\n", set.pixels,
                 (long long)digits::kInput0Elements);
    return 1;
  }

  digits::Model model;
  if (mc_status st = model.load(weightsPath); st != MC_OK) {
    std::fprintf(stderr, "digits: %s\n", model.last_error());
    return 1;
  }
  std::vector<int> predictions(set.count);
  uint32_t correct = 0;
  float pixels[digits::kInput0Elements], probs[digits::kOutput0Elements];
  for (uint32_t i = 0; i < set.count; ++i) {
    for (uint32_t p = 0; p < set.pixels; ++p)
      pixels[p] = set.images[size_t(i) * set.pixels + p];
    if (mc_status st = model.run(pixels, probs); st != MC_OK) {
      std::fprintf(stderr, "digits: run failed: %s (%s)\n", mc_status_string(st),
                   model.last_error());
      return 1;
    }
    int best = 0;
    for (int c = 1; c < digits::kOutput0Elements; ++c)
      if (probs[c] > probs[best])
        best = c;
    predictions[i] = best;
    correct += best == set.labels[i];
  }
  std::printf("accuracy %.4f (%u/%u test images)\n", double(correct) / set.count, correct,
              set.count);

  if (predictionsPath) {
    FILE *f = std::fopen(predictionsPath, "w");
    if (!f) {
      std::fprintf(stderr, "digits: cannot write '%s'\n", predictionsPath);
      return 1;
    }
    for (int p : predictions)
      std::fprintf(f, "%d\n", p);
    std::fclose(f);
  }
  return 0;
}

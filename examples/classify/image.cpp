// image.cpp - PPM/PGM reading, bilinear resize and normalization for examples/classify.
#include "image.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace {

/// Next header token of a PNM file, skipping whitespace and '#' comments.
bool nextToken(FILE *f, std::string &token) {
  token.clear();
  int c = std::fgetc(f);
  while (c != EOF && (std::isspace(c) || c == '#')) {
    if (c == '#')
      while (c != EOF && c != '\n')
        c = std::fgetc(f);
    c = std::fgetc(f);
  }
  while (c != EOF && !std::isspace(c)) {
    token += static_cast<char>(c);
    c = std::fgetc(f);
  }
  // The single whitespace character after maxval has been consumed: pixel data follows.
  return !token.empty();
}

bool parseInt(const std::string &s, int &out) {
  if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), ::isdigit))
    return false;
  out = std::stoi(s);
  return true;
}

} // namespace

bool readPnm(const std::string &path, Image &image, std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::string magic, w, h, maxval;
  int maxValue = 0;
  bool ok = nextToken(f, magic) && (magic == "P6" || magic == "P5") && nextToken(f, w) &&
            nextToken(f, h) && nextToken(f, maxval) && parseInt(w, image.width) &&
            parseInt(h, image.height) && parseInt(maxval, maxValue) && image.width > 0 &&
            image.height > 0 && maxValue > 0 && maxValue <= 255;
  if (!ok) {
    std::fclose(f);
    error = "'" + path + "' is not a binary PPM (P6) or PGM (P5) with maxval <= 255";
    return false;
  }
  image.channels = magic == "P6" ? 3 : 1;
  image.pixels.resize(size_t(image.width) * image.height * image.channels);
  size_t got = std::fread(image.pixels.data(), 1, image.pixels.size(), f);
  std::fclose(f);
  if (got != image.pixels.size()) {
    error = "'" + path + "' is truncated";
    return false;
  }
  if (maxValue != 255)
    for (uint8_t &p : image.pixels)
      p = static_cast<uint8_t>(std::lround(p * 255.0 / maxValue));
  return true;
}

std::vector<float> resizeBilinear(const Image &image, int width, int height) {
  const int c = image.channels;
  std::vector<float> out(size_t(width) * height * c);
  const float scaleX = float(image.width) / width, scaleY = float(image.height) / height;
  for (int oy = 0; oy < height; ++oy) {
    float sy = std::clamp((oy + 0.5f) * scaleY - 0.5f, 0.0f, float(image.height - 1));
    int y0 = int(sy), y1 = std::min(y0 + 1, image.height - 1);
    float wy = sy - y0;
    for (int ox = 0; ox < width; ++ox) {
      float sx = std::clamp((ox + 0.5f) * scaleX - 0.5f, 0.0f, float(image.width - 1));
      int x0 = int(sx), x1 = std::min(x0 + 1, image.width - 1);
      float wx = sx - x0;
      auto at = [&](int y, int x, int k) {
        return float(image.pixels[(size_t(y) * image.width + x) * c + k]);
      };
      for (int k = 0; k < c; ++k) {
        float top = at(y0, x0, k) * (1 - wx) + at(y0, x1, k) * wx;
        float bottom = at(y1, x0, k) * (1 - wx) + at(y1, x1, k) * wx;
        out[(size_t(oy) * width + ox) * c + k] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}

std::vector<float> toNormalizedChw(const std::vector<float> &hwc, int width, int height,
                                   int imageChannels, int channels, const float *mean,
                                   const float *std) {
  std::vector<float> chw(size_t(channels) * width * height);
  for (int k = 0; k < channels; ++k) {
    int src = imageChannels == 1 ? 0 : k;
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        float v = hwc[(size_t(y) * width + x) * imageChannels + src] / 255.0f;
        chw[(size_t(k) * height + y) * width + x] = (v - mean[k]) / std[k];
      }
  }
  return chw;
}

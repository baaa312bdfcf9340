// image.h - the pre-processing of examples/classify: PPM/PGM reading, bilinear resize and
// normalization into the NCHW float tensor an image classifier takes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

/// An 8-bit image, interleaved channels (HWC), rows top to bottom.
struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;
};

/// Reads a binary PPM (P6, RGB) or PGM (P5, gray) with maxval <= 255. On failure returns
/// false and says why in `error`.
bool readPnm(const std::string &path, Image &image, std::string &error);

/// Bilinear resize with half-pixel centers (source coordinate (dst + 0.5) * in / out - 0.5,
/// clamped to the image; as ONNX Resize half_pixel or OpenCV INTER_LINEAR, no antialiasing).
/// Returns float HWC values in 0..255.
std::vector<float> resizeBilinear(const Image &image, int width, int height);

/// HWC 0..255 values to a planar CHW tensor ((v / 255 - mean[c]) / std[c]); a 1-channel
/// image is replicated to `channels`.
std::vector<float> toNormalizedChw(const std::vector<float> &hwc, int width, int height,
                                   int imageChannels, int channels, const float *mean,
                                   const float *std);

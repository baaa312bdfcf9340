// mc_kernels_elementwise.h - runtime_min: library kernels for elementwise kernels that need more
// than a scalar body.
//
// See mc_kernels.h for the calling convention shared by every kernel.
#pragma once

#include "mc_kernels_common.h"

namespace mc {

/// Blocked quantization parameters expanded to the input's shape when the block size does
/// not divide the axis: out[o, d, i] = in[o, d / Block, i] over Outer x Len x Inner
/// (in: Outer x Blocks x Inner). One task per output element.
template <typename TI, typename TO, int64_t Outer, int64_t Blocks, int64_t Len, int64_t Inner,
          int64_t Block>
MC_HD bool repeat_blocks(const st<TI> *in, st<TO> *out, int64_t task) {
  const int64_t o = task / (Len * Inner), d = (task / Inner) % Len, i = task % Inner;
  out[task] = in[(o * Blocks + d / Block) * Inner + i];
  return true;
}

/// DynamicQuantizeLinear's scale and zero point for uint8 over the N elements of x, with
/// the range extended to include 0 (onnx/reference/ops/op_dynamic_quantize_linear.py): scale
/// = (max - min) / 255 (1 / 255 for an empty range), zero point = round(clamp(-min / scale,
/// 0, 255)), half to even. A single task.
template <typename TX, typename TS, typename TZ, int64_t N>
MC_HD bool quantize_params(const st<TX> *x, st<TS> *scale, st<TZ> *zero_point, int64_t) {
  float lo = 0.0f, hi = 0.0f;
  for (int64_t k = 0; k < N; ++k) {
    const float v = (float)ld<TX>(x[k]);
    lo = v < lo ? v : lo;
    hi = v > hi ? v : hi;
  }
  const float s = (hi == lo ? 1.0f : hi - lo) / 255.0f;
  float zp = 0.0f - lo / s;
  zp = zp < 0.0f ? 0.0f : (zp > 255.0f ? 255.0f : zp);
  scale[0] = sv<TS>(s);
  zero_point[0] = sv<TZ>(nearbyint_(zp));
  return true;
}

} // namespace mc

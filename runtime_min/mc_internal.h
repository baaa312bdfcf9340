// mc_internal.h - Helpers shared by runtime_min's source files; not part of the C API.
//
// C++ only. The runner uses these to give file errors a readable reason (the C API can only
// return a status code) and to generate half-precision random inputs; the unit tests use them
// directly. Nothing here allocates except the error strings, and nothing throws.
#ifndef MODELC_RUNTIME_MIN_MC_INTERNAL_H
#define MODELC_RUNTIME_MIN_MC_INTERNAL_H

#include "mc_runtime.h"

#include <string>

namespace mc {

/// Like mc_tensor_read, but on failure also sets `error` to a lowercase reason ("truncated
/// raw_data", "unsupported npy dtype '>f4'", ...). `error` is left unchanged on success.
mc_status readTensorFile(const char *path, mc_host_tensor *out, std::string &error) noexcept;

/// Rounds `value` to the nearest IEEE 754 binary16 value (ties to even) and returns its bits.
/// Overflow gives infinity; NaN stays NaN.
uint16_t floatToHalf(float value) noexcept;
/// Rounds `value` to the nearest bfloat16 value (ties to even) and returns its bits.
uint16_t floatToBFloat16(float value) noexcept;
/// Exact conversion of binary16 bits to float.
float halfToFloat(uint16_t bits) noexcept;

/// Formats a dtype and shape as "float32[1,3,224,224]" ("float32[]" for a scalar).
std::string describeTensor(int32_t dtype, int32_t rank, const int64_t *shape);

} // namespace mc

#endif // MODELC_RUNTIME_MIN_MC_INTERNAL_H

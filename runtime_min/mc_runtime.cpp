// mc_runtime.cpp - Status and dtype tables, aligned memory and whole-file reads.
//
// The small pieces of runtime_min that everything else builds on: the string tables behind
// mc_status_string/mc_dtype_name, 64-byte aligned allocation (generated kernels assume that
// alignment for weights and arenas), reading a file into such memory, and the float16/bfloat16
// conversions the runner needs. All of it is stateless and exception-free at the C boundary.
#include "mc_internal.h"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>

namespace {

/// Alignment of every buffer runtime_min hands out; matches a cache line and AVX-512 loads.
constexpr std::align_val_t kAlignment{64};

} // namespace

extern "C" {

const char *mc_status_string(mc_status status) {
  switch (status) {
  case MC_OK:
    return "ok";
  case MC_ERR_INVALID_ARGUMENT:
    return "invalid argument";
  case MC_ERR_IO:
    return "i/o error";
  case MC_ERR_FORMAT:
    return "malformed file";
  case MC_ERR_SHAPE:
    return "dtype or shape mismatch";
  case MC_ERR_OUT_OF_MEMORY:
    return "out of memory";
  case MC_ERR_DEVICE:
    return "device error";
  case MC_ERR_INTERNAL:
    return "internal error";
  }
  return "unknown status";
}

size_t mc_dtype_size(int32_t dtype) {
  switch (dtype) {
  case MC_DTYPE_UINT8:
  case MC_DTYPE_INT8:
  case MC_DTYPE_BOOL:
  case MC_DTYPE_FLOAT8E4M3FN:
  case MC_DTYPE_FLOAT8E4M3FNUZ:
  case MC_DTYPE_FLOAT8E5M2:
  case MC_DTYPE_FLOAT8E5M2FNUZ:
  case MC_DTYPE_UINT4:
  case MC_DTYPE_INT4:
  case MC_DTYPE_FLOAT4E2M1:
  case MC_DTYPE_FLOAT8E8M0:
  case MC_DTYPE_UINT2:
  case MC_DTYPE_INT2:
    return 1;
  case MC_DTYPE_UINT16:
  case MC_DTYPE_INT16:
  case MC_DTYPE_FLOAT16:
  case MC_DTYPE_BFLOAT16:
    return 2;
  case MC_DTYPE_FLOAT32:
  case MC_DTYPE_INT32:
  case MC_DTYPE_UINT32:
    return 4;
  case MC_DTYPE_INT64:
  case MC_DTYPE_FLOAT64:
  case MC_DTYPE_UINT64:
    return 8;
  default:
    return 0;
  }
}

const char *mc_dtype_name(int32_t dtype) {
  switch (dtype) {
  case MC_DTYPE_FLOAT32:
    return "float32";
  case MC_DTYPE_UINT8:
    return "uint8";
  case MC_DTYPE_INT8:
    return "int8";
  case MC_DTYPE_UINT16:
    return "uint16";
  case MC_DTYPE_INT16:
    return "int16";
  case MC_DTYPE_INT32:
    return "int32";
  case MC_DTYPE_INT64:
    return "int64";
  case MC_DTYPE_BOOL:
    return "bool";
  case MC_DTYPE_FLOAT16:
    return "float16";
  case MC_DTYPE_FLOAT64:
    return "float64";
  case MC_DTYPE_UINT32:
    return "uint32";
  case MC_DTYPE_UINT64:
    return "uint64";
  case MC_DTYPE_BFLOAT16:
    return "bfloat16";
  case MC_DTYPE_FLOAT8E4M3FN:
    return "float8e4m3fn";
  case MC_DTYPE_FLOAT8E4M3FNUZ:
    return "float8e4m3fnuz";
  case MC_DTYPE_FLOAT8E5M2:
    return "float8e5m2";
  case MC_DTYPE_FLOAT8E5M2FNUZ:
    return "float8e5m2fnuz";
  case MC_DTYPE_UINT4:
    return "uint4";
  case MC_DTYPE_INT4:
    return "int4";
  case MC_DTYPE_FLOAT4E2M1:
    return "float4e2m1";
  case MC_DTYPE_FLOAT8E8M0:
    return "float8e8m0";
  case MC_DTYPE_UINT2:
    return "uint2";
  case MC_DTYPE_INT2:
    return "int2";
  default:
    return "undefined";
  }
}

int64_t mc_tensor_numel(const mc_tensor_desc *desc) {
  if (!desc || desc->rank < 0 || (desc->rank > 0 && !desc->shape))
    return 0;
  int64_t numel = 1;
  for (int32_t i = 0; i < desc->rank; ++i)
    numel *= desc->shape[i];
  return numel;
}

void *mc_aligned_alloc(uint64_t bytes) {
  // libstdc++'s aligned operator new rounds the size up to the alignment without an overflow
  // check, so impossible sizes near SIZE_MAX must be refused here.
  if (bytes == 0 || bytes > std::numeric_limits<size_t>::max() / 2)
    return nullptr;
  return ::operator new(static_cast<size_t>(bytes), kAlignment, std::nothrow);
}

void mc_aligned_free(void *ptr) {
  if (ptr)
    ::operator delete(ptr, kAlignment);
}

double mc_now_ms(void) {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(Clock::now().time_since_epoch()).count();
}

mc_status mc_read_file_aligned(const char *path, uint64_t expected_bytes, void **data,
                               uint64_t *size) {
  if (!path || !data)
    return MC_ERR_INVALID_ARGUMENT;
  *data = nullptr;
  if (size)
    *size = 0;
  try {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) // Opens fine on POSIX, with a bogus size.
      return MC_ERR_IO;
    std::ifstream file(path, std::ios::binary | std::ios::ate);
    if (!file)
      return MC_ERR_IO;
    std::streamoff end = file.tellg();
    if (end < 0)
      return MC_ERR_IO;
    uint64_t bytes = static_cast<uint64_t>(end);
    if (expected_bytes != UINT64_MAX && bytes != expected_bytes)
      return MC_ERR_FORMAT;
    if (bytes == 0)
      return MC_OK;
    if (bytes > static_cast<uint64_t>(std::numeric_limits<std::streamsize>::max()))
      return MC_ERR_OUT_OF_MEMORY;
    void *buffer = mc_aligned_alloc(bytes);
    if (!buffer)
      return MC_ERR_OUT_OF_MEMORY;
    file.seekg(0);
    if (!file.read(static_cast<char *>(buffer), static_cast<std::streamsize>(bytes))) {
      mc_aligned_free(buffer);
      return MC_ERR_IO;
    }
    *data = buffer;
    if (size)
      *size = bytes;
    return MC_OK;
  } catch (const std::bad_alloc &) {
    return MC_ERR_OUT_OF_MEMORY;
  } catch (...) {
    return MC_ERR_IO;
  }
}

void mc_host_tensor_free(mc_host_tensor *tensor) {
  if (!tensor)
    return;
  mc_aligned_free(tensor->data);
  tensor->data = nullptr;
  tensor->bytes = 0;
}

} // extern "C"

namespace mc {

uint16_t floatToHalf(float value) noexcept {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  uint32_t sign = (bits >> 16) & 0x8000u;
  uint32_t magnitude = bits & 0x7FFFFFFFu;
  if (magnitude >= 0x7F800000u) // Infinity, or NaN with its payload's top bits kept quiet.
    return static_cast<uint16_t>(
        sign | 0x7C00u | (magnitude > 0x7F800000u ? 0x200u | ((magnitude >> 13) & 0x3FFu) : 0u));
  if (magnitude >= 0x477FF000u) // >= 65520: rounds past the largest half (65504).
    return static_cast<uint16_t>(sign | 0x7C00u);
  if (magnitude < 0x38800000u) { // Below 2^-14: a half subnormal (units of 2^-24) or zero.
    if (magnitude < 0x33000000u) // Below 2^-25: rounds to zero (2^-25 itself ties to even 0).
      return static_cast<uint16_t>(sign);
    uint32_t exponent = magnitude >> 23;
    uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
    uint32_t shift = 126 - exponent; // In [14, 24].
    uint32_t result = mantissa >> shift;
    uint32_t rest = mantissa & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (result & 1u)))
      ++result; // May carry into the smallest normal, which is the right answer.
    return static_cast<uint16_t>(sign | result);
  }
  // Normal: rebias the exponent (127 -> 15) and round the 13 dropped mantissa bits.
  uint32_t result = (magnitude >> 13) - (112u << 10);
  uint32_t rest = magnitude & 0x1FFFu;
  if (rest > 0x1000u || (rest == 0x1000u && (result & 1u)))
    ++result;
  return static_cast<uint16_t>(sign | result);
}

uint16_t floatToBFloat16(float value) noexcept {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  if ((bits & 0x7FFFFFFFu) > 0x7F800000u) // NaN: truncate and force a quiet NaN.
    return static_cast<uint16_t>((bits >> 16) | 0x40u);
  bits += 0x7FFFu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

float halfToFloat(uint16_t half) noexcept {
  uint32_t sign = static_cast<uint32_t>(half & 0x8000u) << 16;
  uint32_t exponent = (half >> 10) & 0x1Fu;
  uint32_t mantissa = half & 0x3FFu;
  if (exponent == 0) { // Zero or subnormal: mantissa * 2^-24, exact in float.
    float magnitude = static_cast<float>(mantissa) * 5.9604644775390625e-8f;
    return sign ? -magnitude : magnitude;
  }
  uint32_t bits = exponent == 31 ? sign | 0x7F800000u | (mantissa << 13)
                                 : sign | ((exponent + 112u) << 23) | (mantissa << 13);
  float result;
  std::memcpy(&result, &bits, sizeof(result));
  return result;
}

std::string describeTensor(int32_t dtype, int32_t rank, const int64_t *shape) {
  std::string text = mc_dtype_name(dtype);
  text += '[';
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      text += ',';
    text += std::to_string(shape[i]);
  }
  text += ']';
  return text;
}

} // namespace mc

//===- ConstantUtils.cpp - Host-side views of constant tensors ------------===//
//
// Implements byte access to dense and resource constants and the numeric conversions that
// folders use. Elements are stored little-endian in their natural width; i1, the 4- and 2-bit
// integers (low bits) and the 8- and 4-bit floats (bit patterns) take a byte. Narrow float
// conversions are runtime_min's (mc_scalar.h), so folding converts as generated code does.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/ConstantUtils.h"
#include "dialects/Graph/GraphDialect.h"
#include "runtime_min/mc_scalar.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace modelc {

int64_t getElementByteSize(Type elementType) {
  if (elementType.isInteger(1) || !elementType.isIntOrFloat())
    return 1; // bool, graph storage types (FLOAT4E2M1, FLOAT8E8M0)
  return (elementType.getIntOrFloatBitWidth() + 7) / 8;
}

bool isDenseElementType(Type elementType) { return elementType.isIntOrFloat(); }

std::optional<ArrayRef<char>> getResourceBytes(ElementsAttr attr) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(attr);
  if (!resource)
    return std::nullopt;
  AsmResourceBlob *blob = resource.getRawHandle().getBlob();
  if (!blob)
    return std::nullopt;
  return blob->getData();
}

std::optional<std::vector<char>> getConstantBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t numel = type.getNumElements();
  int64_t elemSize = getElementByteSize(type.getElementType());
  if (auto raw = getResourceBytes(attr)) {
    if (static_cast<int64_t>(raw->size()) != numel * elemSize)
      return std::nullopt;
    return std::vector<char>(raw->begin(), raw->end());
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  std::vector<char> bytes(numel * elemSize);
  if (type.getElementType().isInteger(1)) {
    int64_t i = 0;
    for (bool v : dense.getValues<bool>())
      bytes[i++] = v ? 1 : 0;
    return bytes;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < numel; ++i)
      std::memcpy(bytes.data() + i * elemSize, raw.data(), elemSize);
  } else if (!bytes.empty()) { // memcpy needs non-null pointers, even for zero bytes
    std::memcpy(bytes.data(), raw.data(), bytes.size());
  }
  return bytes;
}

std::optional<ConstantValue> ConstantValue::get(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type)
    return std::nullopt;
  // A splat stores one value whatever its shape; expanding a huge one (ConstantOfShape or a
  // folded Expand of a malformed model) for a fold would take gigabytes, so it is not offered.
  if (isa<SplatElementsAttr>(attr) && type.getNumElements() > kMaxMaterializedSplat)
    return std::nullopt;
  auto bytes = getConstantBytes(attr);
  if (!bytes)
    return std::nullopt;
  return ConstantValue(type, std::move(*bytes));
}

ConstantValue ConstantValue::zeros(RankedTensorType type) {
  return ConstantValue(
      type, std::vector<char>(type.getNumElements() * getElementByteSize(type.getElementType())));
}

template <typename T> static T load(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T> static void store(char *p, T v) { std::memcpy(p, &v, sizeof(T)); }

double ConstantValue::getDouble(int64_t i) const {
  Type et = type.getElementType();
  const char *p = bytes.data() + i * getElementSize();
  uint8_t byte = static_cast<uint8_t>(*p);
  if (isa<Float8E4M3FNType>(et))
    return mc_f8e4m3fn_to_f(byte);
  if (isa<Float8E4M3FNUZType>(et))
    return mc_f8e4m3fnuz_to_f(byte);
  if (isa<Float8E5M2Type>(et))
    return mc_f8e5m2_to_f(byte);
  if (isa<Float8E5M2FNUZType>(et))
    return mc_f8e5m2fnuz_to_f(byte);
  if (isa<graph::Float4E2M1FNType>(et))
    return mc_f4e2m1_to_f(byte);
  if (isa<graph::Float8E8M0FNUType>(et))
    return mc_f8e8m0_to_f(byte);
  if (et.isF32())
    return load<float>(p);
  if (et.isF64())
    return load<double>(p);
  if (et.isF16())
    return halfToFloat(load<uint16_t>(p));
  if (et.isBF16())
    return bfloat16ToFloat(load<uint16_t>(p));
  if (et.isUnsignedInteger())
    return static_cast<double>(static_cast<uint64_t>(getInt(i)));
  return static_cast<double>(getInt(i));
}

int64_t ConstantValue::getInt(int64_t i) const {
  Type et = type.getElementType();
  if (isa<FloatType>(et) || !et.isIntOrFloat()) {
    // Truncate toward zero, saturating: a float outside int64's range (or NaN) read as an
    // index, axis or shape must not be undefined behaviour; callers range-check the result.
    double d = getDouble(i);
    if (d != d)
      return 0;
    if (d >= 9223372036854775807.0)
      return std::numeric_limits<int64_t>::max();
    if (d <= -9223372036854775808.0)
      return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(d);
  }
  const char *p = bytes.data() + i * getElementSize();
  bool isUnsigned = et.isUnsignedInteger();
  switch (unsigned w = et.getIntOrFloatBitWidth()) {
  case 1:
    return *p != 0;
  case 2:
  case 4: // the low bits of a byte
    return isUnsigned ? int64_t(*p & ((1 << w) - 1)) : int64_t(mc_sextn(*p, w));
  case 8:
    return isUnsigned ? int64_t(load<uint8_t>(p)) : int64_t(load<int8_t>(p));
  case 16:
    return isUnsigned ? int64_t(load<uint16_t>(p)) : int64_t(load<int16_t>(p));
  case 32:
    return isUnsigned ? int64_t(load<uint32_t>(p)) : int64_t(load<int32_t>(p));
  default:
    return load<int64_t>(p);
  }
}

void ConstantValue::setDouble(int64_t i, double v) {
  Type et = type.getElementType();
  char *p = bytes.data() + i * getElementSize();
  // Narrow floats round to nearest even without saturating (as arith.truncf does).
  if (isa<Float8E4M3FNType>(et))
    return store<uint8_t>(p, mc_f_to_f8e4m3fn(v));
  if (isa<Float8E4M3FNUZType>(et))
    return store<uint8_t>(p, mc_f_to_f8e4m3fnuz(v));
  if (isa<Float8E5M2Type>(et))
    return store<uint8_t>(p, mc_f_to_f8e5m2(v));
  if (isa<Float8E5M2FNUZType>(et))
    return store<uint8_t>(p, mc_f_to_f8e5m2fnuz(v));
  if (isa<graph::Float4E2M1FNType>(et))
    return store<uint8_t>(p, mc_f_to_f4e2m1(v));
  if (isa<graph::Float8E8M0FNUType>(et))
    return store<uint8_t>(p, mc_f_to_f8e8m0(static_cast<float>(v), true, 0));
  if (et.isF32())
    return store<float>(p, static_cast<float>(v));
  if (et.isF64())
    return store<double>(p, v);
  if (et.isF16())
    return store<uint16_t>(p, floatToHalf(static_cast<float>(v)));
  if (et.isBF16())
    return store<uint16_t>(p, floatToBfloat16(static_cast<float>(v)));
  if (et.isInteger(1))
    return setInt(i, v != 0.0);
  // Out-of-range float -> integer conversions are undefined in C++: saturate (NaN is 0), as
  // x86's and CUDA's saturating conversions do for the narrower types (fuzzer: Cast fold).
  if (std::isnan(v))
    return setInt(i, 0);
  if (et.isUnsignedInteger()) {
    uint64_t u = v <= 0                        ? 0
                 : v >= 18446744073709551616.0 ? std::numeric_limits<uint64_t>::max()
                                               : static_cast<uint64_t>(v);
    return setInt(i, static_cast<int64_t>(u));
  }
  int64_t s = v <= -9223372036854775808.0  ? std::numeric_limits<int64_t>::min()
              : v >= 9223372036854775808.0 ? std::numeric_limits<int64_t>::max()
                                           : static_cast<int64_t>(v);
  setInt(i, s);
}

void ConstantValue::setInt(int64_t i, int64_t v) {
  Type et = type.getElementType();
  if (isa<FloatType>(et) || !et.isIntOrFloat())
    return setDouble(i, static_cast<double>(v));
  char *p = bytes.data() + i * getElementSize();
  switch (unsigned w = et.getIntOrFloatBitWidth()) {
  case 1:
    *p = v != 0;
    return;
  case 2:
  case 4: // wraps, stored in the low bits
    *p = static_cast<char>(v & ((1 << w) - 1));
    return;
  case 8:
    return store<uint8_t>(p, static_cast<uint8_t>(v));
  case 16:
    return store<uint16_t>(p, static_cast<uint16_t>(v));
  case 32:
    return store<uint32_t>(p, static_cast<uint32_t>(v));
  default:
    return store<int64_t>(p, v);
  }
}

ElementsAttr makeResourceAttr(RankedTensorType type, StringRef name, ArrayRef<char> bytes) {
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(double));
  return DenseResourceElementsAttr::get(type, name, std::move(blob));
}

/// Constants up to this many bytes stay dense attributes (readable in IR dumps).
static constexpr size_t kMaxDenseBytes = 1024;

ElementsAttr ConstantValue::toAttr(StringRef blobName) const {
  if (bytes.size() > kMaxDenseBytes || !isDenseElementType(type.getElementType()))
    return makeResourceAttr(type, blobName, bytes);
  if (type.getElementType().isInteger(1)) {
    SmallVector<bool> values;
    for (char c : bytes)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }
  return DenseElementsAttr::getFromRawBuffer(type, bytes);
}

float halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else { // subnormal: renormalize
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  uint32_t sign = (x >> 16) & 0x8000u;
  uint32_t absx = x & 0x7fffffffu;
  if (absx > 0x7f800000u) // NaN
    return static_cast<uint16_t>(sign | 0x7e00u);
  if (absx >= 0x477ff000u) // overflows to inf after rounding
    return static_cast<uint16_t>(sign | 0x7c00u);
  if (absx < 0x38800000u) { // subnormal or zero in half
    float a;
    std::memcpy(&a, &absx, 4);
    // Scale so that the half subnormal unit (2^-24) becomes 1, round to nearest even.
    float scaled = a * 16777216.0f;
    uint32_t m = static_cast<uint32_t>(std::nearbyint(scaled));
    return static_cast<uint16_t>(sign | m);
  }
  uint32_t mant = absx & 0x7fffffu;
  uint32_t exp = (absx >> 23) - 127 + 15;
  uint32_t half = (exp << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (half & 1)))
    ++half;
  return static_cast<uint16_t>(sign | half);
}

float bfloat16ToFloat(uint16_t b) {
  uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t floatToBfloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t rounding = 0x7fffu + ((x >> 16) & 1);
  return static_cast<uint16_t>((x + rounding) >> 16);
}

} // namespace modelc

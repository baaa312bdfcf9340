//===- TensorImport.cpp - ONNX tensors to MLIR attributes -----------------===//
//
// Converts ONNX TensorProtos to ElementsAttrs. The data may be in `raw_data` (little-endian
// bytes), in one of the typed repeated fields (which field holds which type is fixed by
// onnx.proto), or in an external file next to the model. External data paths come from the
// model, i.e. from untrusted input: they must stay inside the model's directory, so absolute
// paths, `..` escapes and symlinks leading outside are rejected before anything is read.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/TensorImport.h"

#include "dialects/Graph/ConstantUtils.h"
#include "dialects/Graph/GraphDialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include "onnx/onnx_pb.h"

#include <cstring>
#include <vector>

using namespace mlir;

namespace modelc::import {

namespace {
/// TensorProto.DataType values, spelled out because libonnx-dev (onnx 1.12) lacks the newer
/// ones and models may come from any onnx version.
enum DataType : int32_t {
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
  kFloat8E4M3FN = 17,
  kFloat8E4M3FNUZ = 18,
  kFloat8E5M2 = 19,
  kFloat8E5M2FNUZ = 20,
  kUint4 = 21,
  kInt4 = 22,
  kFloat4E2M1 = 23,
  kFloat8E8M0 = 24,
  kUint2 = 25,
  kInt2 = 26,
};

/// Bits per element of the types TensorProto packs several to a byte (low bits first), 0
/// for the others.
int64_t packedBits(int32_t dataType) {
  switch (dataType) {
  case kUint4:
  case kInt4:
  case kFloat4E2M1:
    return 4;
  case kUint2:
  case kInt2:
    return 2;
  default:
    return 0;
  }
}
} // namespace

Type getElementType(MLIRContext *ctx, int32_t dataType) {
  auto sl = [&](unsigned w) { return IntegerType::get(ctx, w, IntegerType::Signless); };
  auto un = [&](unsigned w) { return IntegerType::get(ctx, w, IntegerType::Unsigned); };
  switch (dataType) {
  case kFloat:
    return Float32Type::get(ctx);
  case kDouble:
    return Float64Type::get(ctx);
  case kFloat16:
    return Float16Type::get(ctx);
  case kBfloat16:
    return BFloat16Type::get(ctx);
  case kInt8:
    return sl(8);
  case kInt16:
    return sl(16);
  case kInt32:
    return sl(32);
  case kInt64:
    return sl(64);
  case kUint8:
    return un(8);
  case kUint16:
    return un(16);
  case kUint32:
    return un(32);
  case kUint64:
    return un(64);
  case kBool:
    return sl(1);
  case kFloat8E4M3FN:
    return Float8E4M3FNType::get(ctx);
  case kFloat8E4M3FNUZ:
    return Float8E4M3FNUZType::get(ctx);
  case kFloat8E5M2:
    return Float8E5M2Type::get(ctx);
  case kFloat8E5M2FNUZ:
    return Float8E5M2FNUZType::get(ctx);
  case kUint4:
    return un(4);
  case kInt4:
    return sl(4);
  case kUint2:
    return un(2);
  case kInt2:
    return sl(2);
  case kFloat4E2M1:
    return graph::Float4E2M1FNType::get(ctx);
  case kFloat8E8M0:
    return graph::Float8E8M0FNUType::get(ctx);
  default:
    return {};
  }
}

std::string getDataTypeName(int32_t dataType) {
  static const char *const names[] = {
      "UNDEFINED",      "FLOAT",      "UINT8",          "INT8",       "UINT16",    "INT16",
      "INT32",          "INT64",      "STRING",         "BOOL",       "FLOAT16",   "DOUBLE",
      "UINT32",         "UINT64",     "COMPLEX64",      "COMPLEX128", "BFLOAT16",  "FLOAT8E4M3FN",
      "FLOAT8E4M3FNUZ", "FLOAT8E5M2", "FLOAT8E5M2FNUZ", "UINT4",      "INT4",      "FLOAT4E2M1",
      "FLOAT8E8M0",     "UINT2",      "INT2",           "FLOAT6E2M3", "FLOAT6E3M2"};
  if (dataType >= 0 && dataType < static_cast<int32_t>(std::size(names)))
    return names[dataType];
  return "data type " + std::to_string(dataType);
}

LogicalResult checkDims(ArrayRef<int64_t> dims, const Twine &what, Location loc) {
  int64_t numel = 1;
  for (int64_t d : dims)
    if (d < 0)
      return emitError(loc) << what << " has negative dimension " << d;
  // Zero dimensions are skipped rather than ending the check: the other dimensions of an empty
  // tensor are bounded too, so products of any subset of them (flattening, costs) stay in range.
  for (int64_t d : dims) {
    if (d == 0)
      continue;
    if (numel > kMaxElements / d)
      return emitError(loc)
             << what
             << (llvm::is_contained(dims, 0) ? " has non-zero dimensions whose product exceeds 2^40"
                                             : " has more than 2^40 elements")
             << " (shape "
             << llvm::join(llvm::map_range(dims, [](int64_t v) { return std::to_string(v); }), "x")
             << ")";
    numel *= d;
  }
  return success();
}

std::string sanitizeBlobName(StringRef name) {
  std::string out;
  for (char c : name)
    out.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (out.empty() || !llvm::isAlpha(out.front()))
    out.insert(out.begin(), '_');
  return out;
}

/// Copies the typed data field matching `dataType` into little-endian bytes of `esize`
/// bytes per element. Fails (without diagnosing) when the field has `count != numel`; the
/// count is checked before anything is allocated, since `numel` comes from the model's dims
/// and may be huge while the field holds a few values.
static FailureOr<std::vector<char>> readTypedFields(const onnx::TensorProto &t, int32_t dataType,
                                                    int64_t numel, int64_t esize, int64_t &count) {
  auto fill = [&](const auto &field, auto convert) -> FailureOr<std::vector<char>> {
    count = field.size();
    if (count != numel)
      return failure();
    std::vector<char> bytes(numel * esize);
    for (int64_t i = 0; i < numel; ++i) {
      auto v = convert(field.Get(static_cast<int>(i)));
      std::memcpy(bytes.data() + i * esize, &v, esize);
    }
    return std::move(bytes);
  };
  switch (dataType) {
  case kFloat:
    return fill(t.float_data(), [](float v) { return v; });
  case kDouble:
    return fill(t.double_data(), [](double v) { return v; });
  case kInt64:
    return fill(t.int64_data(), [](int64_t v) { return v; });
  case kUint32:
    return fill(t.uint64_data(), [](uint64_t v) { return static_cast<uint32_t>(v); });
  case kUint64:
    return fill(t.uint64_data(), [](uint64_t v) { return v; });
  case kInt32:
    return fill(t.int32_data(), [](int32_t v) { return v; });
  case kInt16:
    return fill(t.int32_data(), [](int32_t v) { return static_cast<int16_t>(v); });
  case kUint16:
  case kFloat16:
  case kBfloat16: // 16-bit floats are stored as their bit patterns
    return fill(t.int32_data(), [](int32_t v) { return static_cast<uint16_t>(v); });
  case kInt8:
    return fill(t.int32_data(), [](int32_t v) { return static_cast<int8_t>(v); });
  case kUint8:
  case kFloat8E4M3FN: // 8-bit floats: the bit patterns
  case kFloat8E4M3FNUZ:
  case kFloat8E5M2:
  case kFloat8E5M2FNUZ:
  case kFloat8E8M0:
  case kUint4: // packed types: one int32 per packed byte (`numel` counts bytes here)
  case kInt4:
  case kFloat4E2M1:
  case kUint2:
  case kInt2:
    return fill(t.int32_data(), [](int32_t v) { return static_cast<uint8_t>(v); });
  case kBool:
    return fill(t.int32_data(), [](int32_t v) { return static_cast<uint8_t>(v != 0); });
  default:
    llvm_unreachable("element type was checked by the caller");
  }
}

/// Maps the `expectedBytes` bytes of external data described by `t.external_data()`; a
/// null buffer for zero bytes.
static FailureOr<std::unique_ptr<llvm::MemoryBuffer>>
readExternalData(const onnx::TensorProto &t, int64_t expectedBytes, const Twine &what, Location loc,
                 StringRef modelDir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : t.external_data()) {
    const std::string &key = entry.key(), &value = entry.value();
    if (key == "location") {
      location = value;
    } else if (key == "offset" || key == "length") {
      int64_t v;
      if (!llvm::to_integer(value, v, 10) || v < 0)
        return emitError(loc) << what << " has invalid external data " << key << " '" << value
                              << "'";
      (key == "offset" ? offset : length) = v;
    }
    // "checksum" and unknown keys are ignored.
  }
  if (location.empty())
    return emitError(loc) << what << " has external data without a 'location'";
  if (llvm::sys::path::is_absolute(location) ||
      llvm::sys::path::is_absolute(location, llvm::sys::path::Style::windows))
    return emitError(loc) << what << ": external data location '" << location
                          << "' must be a path relative to the model's directory";
  SmallString<256> relative(location);
  llvm::sys::path::remove_dots(relative, /*remove_dot_dot=*/true);
  if (relative.empty() || relative == ".." || relative.starts_with("../"))
    return emitError(loc) << what << ": external data location '" << location
                          << "' escapes the model's directory";

  SmallString<256> path(modelDir);
  llvm::sys::path::append(path, relative);
  if (!llvm::sys::fs::exists(path))
    return emitError(loc) << what << ": external data file '" << path << "' does not exist";
  // Symlinks may still lead outside: compare canonical paths.
  SmallString<256> realDir, realPath;
  if (llvm::sys::fs::real_path(modelDir, realDir) || llvm::sys::fs::real_path(path, realPath))
    return emitError(loc) << what << ": cannot resolve external data file '" << path << "'";
  if (!StringRef(realPath).starts_with(Twine(realDir + llvm::sys::path::get_separator()).str()))
    return emitError(loc) << what << ": external data file '" << path << "' resolves to '"
                          << realPath << "', outside the model's directory";
  if (!llvm::sys::fs::is_regular_file(realPath))
    return emitError(loc) << what << ": external data file '" << path << "' is not a regular file";
  uint64_t fileSize = 0;
  if (llvm::sys::fs::file_size(realPath, fileSize))
    return emitError(loc) << what << ": cannot read external data file '" << path << "'";
  // Without a length, the tensor's own size is read (as onnxruntime does).
  if (length < 0)
    length = expectedBytes;
  if (length != expectedBytes)
    return emitError(loc) << what << ": external data length " << length << " does not match the "
                          << expectedBytes << " bytes its shape and type need";
  if (static_cast<uint64_t>(offset) > fileSize ||
      fileSize - static_cast<uint64_t>(offset) < static_cast<uint64_t>(length))
    return emitError(loc) << what << ": external data file '" << path << "' has " << fileSize
                          << " bytes, too short for " << length << " bytes at offset " << offset;
  if (length == 0)
    return std::unique_ptr<llvm::MemoryBuffer>();
  auto buffer = llvm::MemoryBuffer::getFileSlice(realPath, length, offset,
                                                 /*IsVolatile=*/false);
  if (!buffer || static_cast<int64_t>((*buffer)->getBufferSize()) != length)
    return emitError(loc) << what << ": short read from external data file '" << path << "'";
  return std::move(*buffer);
}

FailureOr<ElementsAttr> importTensor(MLIRContext *ctx, const onnx::TensorProto &t,
                                     StringRef blobName, const Twine &what, Location loc,
                                     StringRef modelDir) {
  int32_t dataType = t.data_type();
  Type elementType = getElementType(ctx, dataType);
  if (!elementType)
    return emitError(loc) << what << " has unsupported element type " << getDataTypeName(dataType);
  if (t.has_segment())
    return emitError(loc) << what << " is segmented, which is not supported";
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  if (failed(checkDims(dims, what, loc)))
    return failure();
  auto type = RankedTensorType::get(dims, elementType);
  int64_t numel = type.getNumElements();
  int64_t esize = getElementByteSize(elementType);
  // 4- and 2-bit types are packed in the file and stored one element per byte here.
  int64_t bits = packedBits(dataType);
  int64_t expectedBytes = bits ? (numel * bits + 7) / 8 : numel * esize;

  // `bytes` views the data where it lies (raw_data, a mapped external file) when possible;
  // weights are copied once, into the resource blob.
  std::unique_ptr<llvm::MemoryBuffer> external;
  std::vector<char> owned;
  ArrayRef<char> bytes;
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    auto buffer = readExternalData(t, expectedBytes, what, loc, modelDir);
    if (failed(buffer))
      return failure();
    external = std::move(*buffer);
    if (external)
      bytes = ArrayRef<char>(external->getBufferStart(), external->getBufferSize());
  } else if (t.has_raw_data()) {
    const std::string &raw = t.raw_data();
    if (static_cast<int64_t>(raw.size()) != expectedBytes)
      return emitError(loc) << what << " has " << raw.size() << " bytes of raw_data but its "
                            << getDataTypeName(dataType) << " shape needs " << expectedBytes;
    bytes = ArrayRef<char>(raw.data(), raw.size());
  } else {
    int64_t count = 0;
    auto data = readTypedFields(t, dataType, bits ? expectedBytes : numel, bits ? 1 : esize, count);
    if (failed(data))
      return emitError(loc) << what << " holds " << count << " values but its shape needs "
                            << (bits ? expectedBytes : numel)
                            << (bits ? " (packed bytes)" : "");
    owned = std::move(*data);
    bytes = owned;
  }
  if (bits) {
    std::vector<char> unpacked(numel);
    int64_t perByte = 8 / bits, mask = (1 << bits) - 1;
    for (int64_t i = 0; i < numel; ++i)
      unpacked[i] = static_cast<char>(
          (static_cast<uint8_t>(bytes[i / perByte]) >> ((i % perByte) * bits)) & mask);
    owned = std::move(unpacked);
    bytes = owned;
  }
  // Booleans are stored one byte each; anything nonzero is true.
  if (elementType.isInteger(1) && llvm::any_of(bytes, [](char c) { return c != 0 && c != 1; })) {
    owned.assign(bytes.begin(), bytes.end());
    for (char &c : owned)
      c = c != 0;
    bytes = owned;
  }

  if (numel > kMaxDenseElements || !isDenseElementType(elementType))
    return makeResourceAttr(type, sanitizeBlobName(blobName), bytes);
  if (elementType.isInteger(1)) {
    SmallVector<bool> values(bytes.begin(), bytes.end());
    return cast<ElementsAttr>(DenseElementsAttr::get(type, values));
  }
  return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes));
}

} // namespace modelc::import

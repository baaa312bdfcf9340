//===- ConstantUtils.h - Host-side views of constant tensors ----*- C++ -*-===//
//
// Folders, the importer and the bundle writer all need the bytes behind an ElementsAttr,
// whether it is a dense attribute (small folded values) or a DenseResourceElementsAttr blob
// (weights). ConstantValue gives one owning, byte-addressed view of either, with numeric
// accessors used by folders and compile-time weight transforms.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_GRAPH_CONSTANTUTILS_H
#define MODELC_DIALECTS_GRAPH_CONSTANTUTILS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <vector>

namespace modelc {

/// Bytes per element as stored in buffers and weight files (i1, 4- and 2-bit integers and the
/// graph dialect's FLOAT4E2M1/FLOAT8E8M0 take one byte).
int64_t getElementByteSize(mlir::Type elementType);

/// Whether a DenseElementsAttr can hold `elementType` (builtin integers and floats); the
/// graph dialect's storage types are always resource blobs.
bool isDenseElementType(mlir::Type elementType);

/// ConstantValue::get does not expand splats with more elements than this.
constexpr int64_t kMaxMaterializedSplat = int64_t(1) << 26;

/// Returns the raw little-endian bytes of `attr`, one element after another (splats
/// expanded, i1 as one byte per element). Empty optional when the bytes are not available
/// (e.g. a resource blob that was never loaded).
std::optional<std::vector<char>> getConstantBytes(mlir::ElementsAttr attr);

/// Raw bytes of a resource blob without copying; std::nullopt for other attributes.
std::optional<llvm::ArrayRef<char>> getResourceBytes(mlir::ElementsAttr attr);

/// An owning constant tensor used by folders and compile-time transforms.
class ConstantValue {
public:
  ConstantValue(mlir::RankedTensorType type, std::vector<char> bytes)
      : type(type), bytes(std::move(bytes)) {}
  /// The value of `attr`; std::nullopt when its bytes are unavailable or it is a splat of more
  /// than kMaxMaterializedSplat elements.
  static std::optional<ConstantValue> get(mlir::ElementsAttr attr);
  /// A zero-filled tensor of `type`.
  static ConstantValue zeros(mlir::RankedTensorType type);

  mlir::RankedTensorType getType() const { return type; }
  int64_t getNumElements() const { return type.getNumElements(); }
  int64_t getElementSize() const { return getElementByteSize(type.getElementType()); }
  llvm::ArrayRef<char> getBytes() const { return bytes; }
  char *data() { return bytes.data(); }

  /// Element i converted to double / int64 (floats truncate toward zero for getInt).
  double getDouble(int64_t i) const;
  int64_t getInt(int64_t i) const;
  /// Stores v into element i, converting to the element type.
  void setDouble(int64_t i, double v);
  void setInt(int64_t i, int64_t v);

  /// A dense attribute for small values, a resource blob named `blobName` for large ones.
  mlir::ElementsAttr toAttr(llvm::StringRef blobName = "folded") const;

private:
  mlir::RankedTensorType type;
  std::vector<char> bytes;
};

/// Creates a DenseResourceElementsAttr owning a copy of `bytes`.
mlir::ElementsAttr makeResourceAttr(mlir::RankedTensorType type, llvm::StringRef name,
                                    llvm::ArrayRef<char> bytes);

/// Converts between IEEE half / bfloat16 bits and float.
float halfToFloat(uint16_t h);
uint16_t floatToHalf(float f);
float bfloat16ToFloat(uint16_t b);
uint16_t floatToBfloat16(float f);

} // namespace modelc

#endif // MODELC_DIALECTS_GRAPH_CONSTANTUTILS_H

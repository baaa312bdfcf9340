//===- TensorImport.h - ONNX tensors to MLIR attributes ---------*- C++ -*-===//
//
// Element-type mapping and the conversion of ONNX TensorProtos (initializers, Constant
// values) into ElementsAttrs, including the checks on external data files.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_COMPILER_IMPORT_TENSORIMPORT_H
#define MODELC_COMPILER_IMPORT_TENSORIMPORT_H

#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <string>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace modelc::import {

/// Largest element count accepted for any tensor; larger shapes are malformed models.
constexpr int64_t kMaxElements = int64_t(1) << 40;

/// Largest element count of a constant the importer computes itself (Range, EyeLike, the
/// window operators): 2^26 elements (256 MiB of float); larger ones are rejected, not allocated.
constexpr int64_t kMaxGeneratedElements = int64_t(1) << 26;

/// Constants with more elements than this become resource blobs, smaller ones dense attrs.
constexpr int64_t kMaxDenseElements = 64;

/// The MLIR element type of ONNX `TensorProto.DataType` value `dataType` (FLOAT -> f32,
/// INT8 -> i8, UINT8 -> ui8, BOOL -> i1, FLOAT8E4M3FN -> f8E4M3FN, INT4 -> i4, UINT2 -> ui2,
/// FLOAT4E2M1 -> !graph.f4E2M1FN, FLOAT8E8M0 -> !graph.f8E8M0FNU, ...); null for types
/// modelc does not support (strings, complex, 6-bit floats, unknown values).
mlir::Type getElementType(mlir::MLIRContext *context, int32_t dataType);

/// The ONNX spelling of a data type for messages: "FLOAT", "STRING", "data type 42".
std::string getDataTypeName(int32_t dataType);

/// Checks that `dims` are non-negative and hold at most kMaxElements elements (zero dimensions
/// left out of the count, so an empty tensor's other dimensions are bounded too); otherwise
/// emits an error at `loc` naming `what` and fails.
mlir::LogicalResult checkDims(llvm::ArrayRef<int64_t> dims, const llvm::Twine &what,
                              mlir::Location loc);

/// Turns a blob name into a valid resource key: [A-Za-z0-9_.] kept, others become '_'.
std::string sanitizeBlobName(llvm::StringRef name);

/// Converts `tensor` (raw_data, typed data fields or external data relative to `modelDir`)
/// to a dense attribute (<= kMaxDenseElements elements) or a resource blob named after
/// `blobName`. Packed 4- and 2-bit data is unpacked to one element per byte (low bits). Errors are
/// emitted at `loc` and name the tensor as `what` (e.g. "initializer 'conv1.weight'").
mlir::FailureOr<mlir::ElementsAttr> importTensor(mlir::MLIRContext *context,
                                                 const onnx::TensorProto &tensor,
                                                 llvm::StringRef blobName, const llvm::Twine &what,
                                                 mlir::Location loc, llvm::StringRef modelDir);

} // namespace modelc::import

#endif // MODELC_COMPILER_IMPORT_TENSORIMPORT_H

//===- OnnxImporter.h - ONNX model to graph dialect -------------*- C++ -*-===//
//
// Entry point of the ONNX importer. It reads a ModelProto, checks the whole graph up front
// (every unsupported op and attribute is reported in one run), pins input shapes, converts
// initializers to `graph.constant` and every node to graph-dialect ops through a table of
// op handlers (compiler/import/OpHandlers.cpp), folding constant subgraphs as it goes so
// that every tensor of the result is statically shaped.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_COMPILER_IMPORT_ONNXIMPORTER_H
#define MODELC_COMPILER_IMPORT_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace modelc {

struct ImportOptions {
  /// --input-shape NAME=1x3x224x224 pins: graph input name -> static shape.
  std::map<std::string, std::vector<int64_t>> inputShapes;
  /// --input-shape NAME=[AxB;C] pins of sequence-typed graph inputs: name -> the shape of
  /// every element (the sequence's length is their count). The bundle takes element k as
  /// its own input, named NAME[k].
  std::map<std::string, std::vector<std::vector<int64_t>>> sequenceShapes;
  /// --input-shape NAME=none: optional graph inputs compiled as empty (the bundle has no
  /// such input). Every other optional input is compiled as present, pinned like a tensor
  /// or sequence input.
  std::set<std::string> emptyOptionals;
  /// --freeze-input NAME=FILE.pb: graph input name -> serialized TensorProto whose value
  /// replaces the input (it becomes an initializer; shape-determining inputs then fold).
  std::map<std::string, std::string> frozenInputs;
  /// --dim NAME=MIN:MAX, one compiled variant: every input dimension with dim_param
  /// `dimName` gets size `dimSize`, and the input is tagged `graph.dims = {NAME = axis}`
  /// for the separability check (passes/CheckSeparable.cpp). Empty: no dynamic dimension.
  std::string dimName;
  int64_t dimSize = 0;
};

/// Parses one --input-shape value into `options`: NAME=AxBxC (or A,B,C; NAME= is a scalar)
/// for a tensor input, NAME=[S;S;...] for a sequence input whose elements have the shapes
/// S (each AxB, or `scalar`; NAME=[] is an empty sequence), NAME=none for an optional input
/// compiled as empty. The last '=' separates the name. On failure returns false with the
/// reason in `why`.
bool parseInputShapeSpec(llvm::StringRef spec, ImportOptions &options, std::string &why);

/// Reads an ONNX model file and builds a module holding `func.func @main` over tensors.
/// Errors are reported through the context's diagnostic engine (emitError at a location
/// naming the ONNX node) and yield a null module; never crashes on malformed input.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModel(mlir::MLIRContext &context, llvm::StringRef path,
                                                  const ImportOptions &options);

/// Same, for a serialized ModelProto already in memory (the fuzzer's entry point).
/// `displayName` is the file name used in locations; external data paths are resolved
/// relative to `modelDir`.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxModelFromBuffer(mlir::MLIRContext &context,
                                                            llvm::StringRef bytes,
                                                            llvm::StringRef displayName,
                                                            llvm::StringRef modelDir,
                                                            const ImportOptions &options);

} // namespace modelc

#endif // MODELC_COMPILER_IMPORT_ONNXIMPORTER_H

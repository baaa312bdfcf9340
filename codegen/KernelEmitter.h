//===- KernelEmitter.h - Per-kernel code generation -------------*- C++ -*-===//
//
// Generates one function per kernel op for either target. Most kernels are written as a
// body over one flat index of their iteration space; the CPU wraps that body in a loop,
// CUDA in a grid-stride loop of a __global__ function. GEMM has a CPU-specific loop nest. Scalar
// arith/math bodies print as C expressions through a naming table.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_CODEGEN_KERNELEMITTER_H
#define MODELC_CODEGEN_KERNELEMITTER_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/IndentedOstream.h"

#include "llvm/ADT/DenseMap.h"

#include <string>

namespace modelc {

enum class Target { Cpu, Cuda };

/// C type of a buffer element ("float", "int64_t", ...), or "" if unsupported. 16-bit
/// floats are stored as uint16_t bit patterns.
std::string cTypeOf(mlir::Type elementType);
/// C type of a scalar in kernel bodies: like cTypeOf, but 16-bit floats compute in float.
std::string scalarCType(mlir::Type elementType);
/// Reads / writes an element of a buffer of `elementType` as its scalar C type.
std::string loadExpr(mlir::Type elementType, const std::string &ref);
std::string storeExpr(mlir::Type elementType, const std::string &value);
/// Element tag of `elementType` in runtime_min's kernel library (mc_kernels.h): the C type,
/// or mc::f16 / mc::bf16 for 16-bit floats; "" if unsupported.
std::string elementTag(mlir::Type elementType);

/// One emitted kernel: its function name and the buffers passed to it, in order.
struct EmittedKernel {
  std::string name;
  llvm::SmallVector<mlir::Value> args;
  int64_t iterations = 0;       ///< Size of the flat iteration space.
  int64_t costPerIteration = 1; ///< Rough work per iteration (decides multithreading).
  bool canFail = false;         ///< May report an out-of-range index.
  /// CPU: the kernel runs as mc_gemm parts (runtime_min/mc_gemm.h): mc_parallel_for hands it
  /// part indices, one per thread, and its args carry mc_gemm::Parts (count and scratch).
  bool partitioned = false;
  /// CPU, partitioned: C++ constant expression of the scratch floats one part needs.
  std::string scratchFloats;
  /// Parameters the body never reads (an elementwise input whose block argument has no use,
  /// e.g. a zero point folded away): their locals are [[maybe_unused]] so that the bundle
  /// stays warning-free under -Wall -Wextra -Werror.
  llvm::SmallVector<unsigned> unusedParams;
};

/// Whether the CPU emitter runs `op` with the direct depthwise kernel of mc_gemm.h (a 2-d
/// kernel.conv with one input channel per group).
bool cpuDepthwiseApplies(mlir::Operation *op);
/// Whether the CPU emitter runs `op` with mc_gemm::pool2d (a 2-d float32 kernel.pool).
bool cpuPoolApplies(mlir::Operation *op);

/// Emits kernel functions for ops of one function, in order.
class KernelEmitter {
public:
  KernelEmitter(mlir::raw_indented_ostream &os, Target target) : os(os), target(target) {}
  /// Emits the function for `op` (a kernel op that writes a buffer); fails on an op or
  /// element type the emitter does not handle.
  mlir::FailureOr<EmittedKernel> emit(mlir::Operation *op, int index);

private:
  mlir::raw_indented_ostream &os;
  Target target;
  llvm::DenseMap<mlir::Value, std::string> names; ///< Scalar SSA values -> C names.
  int tmpCounter = 0;

  std::string paramName(unsigned i) { return "p" + std::to_string(i); }
  /// Prints the kernel's comment, then `preamble` (namespace-scope declarations), then its
  /// argument struct and function header.
  void emitSignature(const EmittedKernel &k, mlir::Operation *op, llvm::StringRef preamble = "");
  void openFlatLoop(int64_t n);
  void closeFlatLoop();
  /// Emits `const int64_t <prefix>d = ...` for each dimension of `shape` from `idx`.
  void emitDecompose(llvm::StringRef idx, llvm::ArrayRef<int64_t> shape, llvm::StringRef prefix);
  /// Offset of a buffer of `shape` broadcast to `outShape` at multi-index <prefix>d.
  std::string broadcastOffset(llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<int64_t> outShape,
                              llvm::StringRef prefix);
  /// Emits the scalar ops of `block` with its arguments bound to `args`; returns the C
  /// expression of the yielded value.
  /// CPU elementwise kernels with broadcast inputs: the first output dim s (0 < s < rank)
  /// such that every input, over the output's dims [s, rank), is either constant or laid out
  /// like the output, and a row (the product of those dims) holds at least 2 elements.
  std::optional<int64_t> rowSplit(mlir::ValueRange inputs, llvm::ArrayRef<int64_t> outShape);
  /// The elementwise kernel as rows of the output split at dim `split` (see rowSplit).
  mlir::LogicalResult emitElementwiseRows(mlir::Operation *op, EmittedKernel &k, int64_t split);
  mlir::FailureOr<std::string> emitScalarBlock(mlir::Block &block,
                                               llvm::ArrayRef<std::string> args);
  mlir::FailureOr<std::string> emitScalarOp(mlir::Operation &op);
  /// Applies an epilogue region (if any) to `acc` at output multi-index <prefix>d.
  mlir::FailureOr<std::string> emitEpilogue(mlir::Region &region, mlir::ValueRange inputs,
                                            unsigned firstParam, llvm::ArrayRef<int64_t> outShape,
                                            const std::string &acc);

  mlir::LogicalResult emitElementwise(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitGemm(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitConv(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitIm2Col(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitPool(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitTranspose(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitConcat(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitGather(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitCopy(mlir::Operation *op, EmittedKernel &k);
  /// kernel.call: a task loop calling a runtime_min library kernel (CallEmitter.cpp).
  mlir::LogicalResult emitCall(mlir::Operation *op, EmittedKernel &k);
  /// kernel.reduce: one task per output element over the reduced axes (ReductionEmitter.cpp).
  mlir::LogicalResult emitReduce(mlir::Operation *op, EmittedKernel &k);

  // CPU GEMM, depthwise convolution and im2col through mc_gemm.h (CpuGemmEmitter.cpp).
  mlir::LogicalResult emitCpuGemm(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitCpuDepthwiseConv(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitCpuIm2Col(mlir::Operation *op, EmittedKernel &k);
  // CPU pooling and concatenation (CpuPoolConcatEmitter.cpp).
  mlir::LogicalResult emitCpuPool(mlir::Operation *op, EmittedKernel &k);
  mlir::LogicalResult emitCpuConcat(mlir::Operation *op, EmittedKernel &k);
  /// A local `struct Epilogue` applying `region` to runs of outputs (see mc_gemm.h): output
  /// index o[rank-2] is `row`, o[rank-1] `col0 + j`; `decomposeOuter` defines the others.
  mlir::LogicalResult emitEpilogueFunctor(mlir::Region &region, mlir::ValueRange inputs,
                                          unsigned firstParam, llvm::ArrayRef<int64_t> outShape,
                                          llvm::StringRef decomposeOuter);
};

/// A human-readable description of an op's location: the ONNX node name(s).
std::string describeLocation(mlir::Location loc);

} // namespace modelc

#endif // MODELC_CODEGEN_KERNELEMITTER_H

//===- Patterns.h - graph-to-kernel lowering patterns -----------*- C++ -*-===//
//
// LowerToKernel's conversion patterns, one file per op family, and the helpers they share.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_PASSES_LOWERING_PATTERNS_H
#define MODELC_PASSES_LOWERING_PATTERNS_H

#include "passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

#include <functional>

namespace modelc {

/// tensor<...xT> -> memref<...xT>.
mlir::MemRefType toBuffer(mlir::Type tensorType);

/// A fresh `kernel.alloc` for the buffer of `tensorType`.
mlir::Value createAlloc(mlir::OpBuilder &b, mlir::Location loc, mlir::Type tensorType);

/// A `kernel.view` of `buffer` with `shape` (same element type), or `buffer` itself when
/// the shape already matches.
mlir::Value createView(mlir::OpBuilder &b, mlir::Location loc, mlir::Value buffer,
                       llvm::ArrayRef<int64_t> shape);

/// Replaces the single-result `op` by a fresh buffer that `build(out)` fills with kernel
/// ops: the shape every lowering of a tensor-producing op shares.
template <typename BuildFn>
mlir::LogicalResult replaceWithBuffer(mlir::Operation *op,
                                      mlir::ConversionPatternRewriter &rewriter, BuildFn build) {
  mlir::Value out = createAlloc(rewriter, op->getLoc(), op->getResult(0).getType());
  build(out);
  rewriter.replaceOp(op, out);
  return mlir::success();
}

/// Builds a scalar body: gets the block arguments, returns the value to yield.
using ScalarBodyBuilder =
    std::function<mlir::Value(mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// Fills `region` (empty) with one block taking `argTypes` and yielding `body`'s value.
void buildScalarRegion(mlir::OpBuilder &b, mlir::Location loc, mlir::Region &region,
                       mlir::TypeRange argTypes, const ScalarBodyBuilder &body);

/// Creates `kernel.elementwise ins(inputs) outs(out)` with the given body.
void createElementwise(mlir::OpBuilder &b, mlir::Location loc, mlir::ValueRange inputs,
                       mlir::Value out, const ScalarBodyBuilder &body);

/// a * max(b, 1) for work estimates, saturating at INT64_MAX instead of overflowing (shapes
/// of fuzzed or hostile models can make the product exceed int64 although each factor fits).
inline int64_t saturatingCost(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b < 1 ? 1 : b, &r) ? INT64_MAX : r;
}

/// Creates a `kernel.call` of the library kernel `callee` (runtime_min/mc_kernels*.h) over
/// `tasks` tasks of roughly `cost` multiply-adds each.
mlir::Operation *createLibraryCall(mlir::OpBuilder &b, mlir::Location loc, llvm::StringRef callee,
                                   mlir::ValueRange inputs, mlir::ValueRange outs,
                                   llvm::ArrayRef<int64_t> params, llvm::ArrayRef<double> fparams,
                                   int64_t tasks, int64_t cost);

/// Splits `shape` at `axis` into (product of the dims before, the dim, product after):
/// the outer x len x inner view most axis-wise kernels iterate over.
struct AxisSplit {
  int64_t outer = 1, len = 1, inner = 1;
};
AxisSplit splitAtAxis(llvm::ArrayRef<int64_t> shape, int64_t axis);

/// The scalar type of an element type in elementwise bodies: arith works on signless
/// integers, so ui8 becomes i8 (unsignedness is kept by the buffer and picked ops); the
/// graph dialect's FLOAT4E2M1 and FLOAT8E8M0 are i8 bit patterns.
mlir::Type scalarTypeOf(mlir::Type elementType);

/// A scalar constant of `type` (float or integer).
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type, double v);

/// Converts a scalar from element type `from` to `to` with ONNX Cast semantics (float8
/// `saturate`, FLOAT8E8M0 `roundMode`, the reference's rules for 4- and 2-bit types); the
/// result has type scalarTypeOf(to). Defined in ElementwisePatterns.cpp.
mlir::Value castScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v, mlir::Type from,
                       mlir::Type to, bool saturate = true,
                       graph::RoundMode roundMode = graph::RoundMode::up);

void populateElementwisePatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateContractionPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateDataMovementPatterns(mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns);
void populateReductionPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateNNPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateControlFlowPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);
void populateLinalgPatterns(mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

} // namespace modelc

#endif // MODELC_PASSES_LOWERING_PATTERNS_H

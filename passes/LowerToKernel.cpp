//===- LowerToKernel.cpp - Graph dialect to kernel dialect ----------------===//
//
// Converts tensors to buffers with MLIR's dialect conversion: one pattern per graph op (in
// passes/lowering/), a type converter tensor -> memref, and the function signature
// converted alongside. Results then become output arguments, so the lowered function reads
// its inputs and writes its outputs in place, as the generated run() does.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/lowering/Patterns.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"

#include <limits>

#define DEBUG_TYPE "modelc-lower-to-kernel"

namespace modelc {
#define GEN_PASS_DEF_LOWERTOKERNEL
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

MemRefType modelc::toBuffer(Type tensorType) {
  auto t = cast<RankedTensorType>(tensorType);
  return MemRefType::get(t.getShape(), t.getElementType());
}

Value modelc::createAlloc(OpBuilder &b, Location loc, Type tensorType) {
  return b.create<kernel::AllocOp>(loc, toBuffer(tensorType), IntegerAttr());
}

Value modelc::createView(OpBuilder &b, Location loc, Value buffer, ArrayRef<int64_t> shape) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getShape() == shape)
    return buffer;
  return b.create<kernel::ViewOp>(loc, MemRefType::get(shape, type.getElementType()), buffer);
}

void modelc::buildScalarRegion(OpBuilder &b, Location loc, Region &region, TypeRange argTypes,
                               const ScalarBodyBuilder &body) {
  OpBuilder::InsertionGuard guard(b);
  SmallVector<Location> locs(argTypes.size(), loc);
  Block *block = b.createBlock(&region, {}, argTypes, locs);
  b.setInsertionPointToStart(block);
  Value result = body(b, loc, block->getArguments());
  b.create<kernel::YieldOp>(loc, result);
}

void modelc::createElementwise(OpBuilder &b, Location loc, ValueRange inputs, Value out,
                               const ScalarBodyBuilder &body) {
  auto op = b.create<kernel::ElementwiseOp>(loc, inputs, out);
  SmallVector<Type> argTypes;
  for (Value v : inputs)
    argTypes.push_back(scalarTypeOf(cast<MemRefType>(v.getType()).getElementType()));
  buildScalarRegion(b, loc, op.getBody(), argTypes, body);
}

Operation *modelc::createLibraryCall(OpBuilder &b, Location loc, StringRef callee,
                                     ValueRange inputs, ValueRange outs, ArrayRef<int64_t> params,
                                     ArrayRef<double> fparams, int64_t tasks, int64_t cost) {
  return b.create<kernel::CallOp>(loc, callee, inputs, outs, params, fparams, tasks, cost);
}

AxisSplit modelc::splitAtAxis(ArrayRef<int64_t> shape, int64_t axis) {
  AxisSplit s;
  for (auto [d, size] : llvm::enumerate(shape)) {
    int64_t i = static_cast<int64_t>(d);
    (i < axis ? s.outer : i == axis ? s.len : s.inner) *= size;
  }
  return s;
}

Type modelc::scalarTypeOf(Type t) {
  if (auto it = dyn_cast<IntegerType>(t); it && !it.isSignless())
    return IntegerType::get(t.getContext(), it.getWidth());
  if (isa<graph::Float4E2M1FNType, graph::Float8E8M0FNUType>(t))
    return IntegerType::get(t.getContext(), 8); // bit patterns
  return t;
}

Value modelc::scalarConstant(OpBuilder &b, Location loc, Type type, double v) {
  if (auto ft = dyn_cast<FloatType>(type))
    return b.create<arith::ConstantOp>(loc, b.getFloatAttr(ft, v));
  // Integer constants from doubles saturate (an infinite Clip bound on an integer tensor, a
  // fuzzed attribute): a float-to-integer conversion out of range is undefined behaviour.
  int64_t i = v != v                      ? 0
              : v >= 9223372036854775807.0 ? std::numeric_limits<int64_t>::max()
              : v <= -9223372036854775808.0 ? std::numeric_limits<int64_t>::min()
                                            : static_cast<int64_t>(v);
  return b.create<arith::ConstantOp>(loc, b.getIntegerAttr(type, i));
}

namespace {

/// Turns `func.return %a, %b` into trailing output arguments written with kernel.copy.
void convertResultsToOutputs(func::FuncOp func) {
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  FunctionType type = func.getFunctionType();
  unsigned numInputs = type.getNumInputs();
  SmallVector<Type> argTypes(type.getInputs());
  llvm::append_range(argTypes, type.getResults());
  OpBuilder b(ret);
  Block &entry = func.getBody().front();
  SmallVector<DictionaryAttr> resultAttrs;
  func.getAllResultAttrs(resultAttrs);
  for (Value v : ret.getOperands())
    b.create<kernel::CopyOp>(ret.getLoc(), v, entry.addArgument(v.getType(), ret.getLoc()));
  b.create<func::ReturnOp>(ret.getLoc());
  ret.erase();
  SmallVector<DictionaryAttr> argAttrs;
  func.getAllArgAttrs(argAttrs);
  func.setType(FunctionType::get(func.getContext(), argTypes, {}));
  argAttrs.resize(numInputs);
  for (DictionaryAttr attrs : resultAttrs)
    argAttrs.push_back(attrs);
  // Tag each argument as input or output for the emitters.
  for (auto [i, attrs] : llvm::enumerate(argAttrs)) {
    NamedAttrList list(attrs ? attrs : DictionaryAttr::get(func.getContext()));
    list.set("kernel.io", StringAttr::get(func.getContext(), i < numInputs ? "input" : "output"));
    attrs = list.getDictionary(func.getContext());
  }
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(ArrayRef<DictionaryAttr>{});
}

struct LowerToKernelPass : modelc::impl::LowerToKernelBase<LowerToKernelPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type t) { return t; });
    converter.addConversion([](RankedTensorType t) -> Type { return toBuffer(t); });

    ConversionTarget target(*ctx);
    target.addLegalDialect<kernel::KernelDialect, arith::ArithDialect, math::MathDialect>();
    target.addIllegalDialect<graph::GraphDialect>();
    target.addLegalOp<ModuleOp>();
    target.addDynamicallyLegalOp<func::FuncOp>(
        [&](func::FuncOp f) { return converter.isSignatureLegal(f.getFunctionType()); });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp r) { return converter.isLegal(r.getOperandTypes()); });

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateElementwisePatterns(converter, patterns);
    populateContractionPatterns(converter, patterns);
    populateDataMovementPatterns(converter, patterns);
    populateReductionPatterns(converter, patterns);
    populateNNPatterns(converter, patterns);
    populateControlFlowPatterns(converter, patterns);
    populateLinalgPatterns(converter, patterns);
    if (failed(applyFullConversion(getOperation(), target, std::move(patterns))))
      return signalPassFailure();

    getOperation().walk([](func::FuncOp f) {
      if (f.getFunctionType().getNumResults() > 0)
        convertResultsToOutputs(f);
    });
  }
};

} // namespace

//===- ConvertConvToGemm.cpp - Convolutions as im2col + GEMM --------------===//
//
// A 2-d convolution of group g is, per image, g GEMMs: W_g (M x K) times the unfolded input
// (K x OH*OW), with M = Cout/g and K = Cin/g * kh * kw. This pass rewrites `kernel.conv`
// into `kernel.im2col` + one batched `kernel.gemm` over (N, g) when the GEMM is big enough
// to pay for the unfolding (see Passes.td for the rule); 1x1/stride-1/unpadded convolutions
// use the input directly as the GEMM's B operand. Bias and epilogue move to the GEMM, their
// operands re-viewed from the conv layout (N, Cout, OH, OW) to the GEMM's (N, g, M, OH*OW).
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"
#include "passes/lowering/Patterns.h"

#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "modelc-convert-conv-to-gemm"

namespace modelc {
#define GEN_PASS_DEF_CONVERTCONVTOGEMM
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

/// Shape of an epilogue operand (broadcastable to N x Cout x OH x OW) in the GEMM layout
/// N x g x M x P, or nullopt when its spatial broadcast cannot be expressed there.
std::optional<SmallVector<int64_t>> regroup(ArrayRef<int64_t> shape, int64_t groups, int64_t m,
                                            int64_t oh, int64_t ow) {
  SmallVector<int64_t> s(4 - shape.size(), 1);
  llvm::append_range(s, shape);
  bool spatialFull = s[2] == oh && s[3] == ow, spatialOne = s[2] == 1 && s[3] == 1;
  if (!spatialFull && !spatialOne)
    return std::nullopt;
  SmallVector<int64_t> out = {s[0], s[1] == 1 ? 1 : groups, s[1] == 1 ? 1 : m,
                              spatialFull ? oh * ow : 1};
  return out;
}

LogicalResult convert(kernel::ConvOp conv, int64_t minK, int64_t minM) {
  auto xt = cast<MemRefType>(conv.getInput().getType());
  auto wt = cast<MemRefType>(conv.getWeight().getType());
  auto yt = cast<MemRefType>(conv.getOut().getType());
  if (xt.getRank() != 4)
    return failure();
  int64_t n = xt.getDimSize(0), cin = xt.getDimSize(1), cout = wt.getDimSize(0);
  int64_t g = conv.getGroup(), kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  int64_t oh = yt.getDimSize(2), ow = yt.getDimSize(3);
  int64_t m = cout / g, k = cin / g * kh * kw, p = oh * ow;
  if (k < minK || m < minM)
    return failure();
  SmallVector<SmallVector<int64_t>> epilogueShapes;
  for (Value v : conv.getEpilogueInputs()) {
    auto s = regroup(cast<MemRefType>(v.getType()).getShape(), g, m, oh, ow);
    if (!s)
      return failure();
    epilogueShapes.push_back(*s);
  }

  OpBuilder b(conv);
  Location loc = conv.getLoc();
  Type et = xt.getElementType();
  bool pointwise = kh == 1 && kw == 1 &&
                   llvm::all_of(conv.getStrides(), [](int64_t s) { return s == 1; }) &&
                   llvm::all_of(conv.getPads(), [](int64_t s) { return s == 0; });
  Value cols;
  if (pointwise) {
    cols = createView(b, loc, conv.getInput(), {n, g, k, p});
  } else {
    cols = b.create<kernel::AllocOp>(loc, MemRefType::get({n, g, k, p}, et), IntegerAttr());
    b.create<kernel::Im2ColOp>(loc, conv.getInput(), cols, b.getDenseI64ArrayAttr({kh, kw}),
                               conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr());
  }
  Value a = createView(b, loc, conv.getWeight(), {g, m, k});
  Value out = createView(b, loc, conv.getOut(), {n, g, m, p});

  // Bias first, then the conv's epilogue operands, all in the GEMM layout.
  SmallVector<Value> epilogueInputs;
  if (conv.getBias())
    epilogueInputs.push_back(createView(b, loc, conv.getBias(), {g, m, 1}));
  for (auto [v, s] : llvm::zip(conv.getEpilogueInputs(), epilogueShapes))
    epilogueInputs.push_back(createView(b, loc, v, s));

  auto gemm =
      b.create<kernel::GemmOp>(loc, a, cols, out, epilogueInputs, b.getBoolAttr(false),
                               b.getBoolAttr(false), b.getF32FloatAttr(1.0f), DenseI64ArrayAttr());
  if (conv.getBias() || !conv.getEpilogue().empty()) {
    SmallVector<Type> argTypes(1 + epilogueInputs.size(), et);
    for (auto [i, v] : llvm::enumerate(epilogueInputs))
      argTypes[i + 1] = scalarTypeOf(cast<MemRefType>(v.getType()).getElementType());
    Region *old = conv.getEpilogue().empty() ? nullptr : &conv.getEpilogue();
    bool hasBias = conv.getBias() != nullptr;
    buildScalarRegion(b, loc, gemm.getEpilogue(), argTypes,
                      [&](OpBuilder &rb, Location l, ValueRange args) -> Value {
                        Value acc = args[0];
                        if (hasBias)
                          acc = rb.create<arith::AddFOp>(l, acc, args[1]);
                        if (!old)
                          return acc;
                        Block &ob = old->front();
                        IRMapping map;
                        map.map(ob.getArgument(0), acc);
                        for (unsigned i = 1; i < ob.getNumArguments(); ++i)
                          map.map(ob.getArgument(i), args[i + (hasBias ? 1 : 0)]);
                        for (Operation &op : ob.without_terminator())
                          rb.clone(op, map);
                        return map.lookup(cast<kernel::YieldOp>(ob.getTerminator()).getValue());
                      });
  }
  conv.erase();
  return success();
}

struct ConvertConvToGemmPass : modelc::impl::ConvertConvToGemmBase<ConvertConvToGemmPass> {
  using ConvertConvToGemmBase::ConvertConvToGemmBase;
  void runOnOperation() override {
    SmallVector<kernel::ConvOp> convs;
    getOperation().walk([&](kernel::ConvOp op) { convs.push_back(op); });
    for (kernel::ConvOp op : convs)
      (void)convert(op, minK, minM);
  }
};

} // namespace

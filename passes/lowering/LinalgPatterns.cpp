//===- LinalgPatterns.cpp - Lowering of linalg graph ops ------------------===//
//
// Conversion patterns of one op family (attention, Einsum, Det and quantized contractions) from the
// graph dialect to kernel ops; most become `kernel.call`s of runtime_min's kernel library
// (runtime_min/mc_kernels_*.h). Attention is one fused row-wise kernel (scores, masks,
// softmax and the value product of a query row in one task), so no score tensor is
// materialized. MatMul, Gemm and Conv on element types other than float32 (which kernel.gemm
// and kernel.conv do not emit) become library calls too; float32 stays with
// ContractionPatterns.cpp.
//
//===----------------------------------------------------------------------===//

#include "passes/lowering/Patterns.h"

#include "mlir/Dialect/Traits.h"

#include <cmath>

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

namespace {

MemRefType memrefOf(Value v) { return cast<MemRefType>(v.getType()); }

/// A scratch buffer of `bytes` bytes (an i8 output of the library call).
Value createScratch(OpBuilder &b, Location loc, int64_t bytes) {
  return createAlloc(b, loc,
                     RankedTensorType::get({std::max<int64_t>(bytes, 1)}, b.getI8Type()));
}

/// Row-major strides of `shape`.
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// (batch, head, sequence) strides of a 4-d (B, H, S, D) or 3-d (B, S, H*D) buffer.
std::array<int64_t, 3> headStrides(ArrayRef<int64_t> shape, int64_t heads) {
  if (shape.size() == 4)
    return {shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3]};
  return {shape[1] * shape[2], shape[2] / heads, shape[2]};
}

/// Attention: one task per query row (mc::attention).
struct AttentionLowering : OpConversionPattern<AttentionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t hq = op.getQNumHeads(), hkv = op.getKvNumHeads();
    int64_t batch = op.getBatch(), sq = op.getQSeq(), skv = op.getKvSeq();
    int64_t d = op.getHeadSize(), dv = op.getVHeadSize();
    Type et = op.getQ().getType().getElementType();
    Value q = adaptor.getQ(), mask = adaptor.getMask(), nonpad = adaptor.getNonpadKvSeqlen();
    SmallVector<int64_t> params = {hq, hkv, sq, skv, d, dv};
    for (auto [v, heads] : {std::pair<Value, int64_t>{adaptor.getQ(), hq},
                            {adaptor.getK(), hkv},
                            {adaptor.getV(), hkv},
                            {op.getY(), hq}})
      llvm::append_range(params,
                         headStrides(cast<ShapedType>(v.getType()).getShape(), heads));
    SmallVector<int64_t> maskDims(4, 1);
    if (mask) {
      ArrayRef<int64_t> shape = memrefOf(mask).getShape();
      std::copy(shape.begin(), shape.end(), maskDims.end() - shape.size());
    }
    llvm::append_range(params, maskDims);
    int64_t smx = op.getSoftmaxPrecision();
    params.append({mask ? 1 : 0, nonpad ? 1 : 0, op.getIsCausal(),
                   static_cast<int64_t>(op.getKvOffset()),
                   static_cast<int64_t>(op.getLeftWindow()),
                   static_cast<int64_t>(op.getRightWindow()), static_cast<int64_t>(op.getQkMode()),
                   smx});
    bool wide = et.isF64() || smx == 11;
    int64_t rows = batch * hq * sq;
    Value y = createAlloc(rewriter, loc, op.getY().getType());
    Value qk = op.getQk() ? createAlloc(rewriter, loc, op.getQk().getType())
                          : createAlloc(rewriter, loc, RankedTensorType::get({1}, et));
    Value scratch = createScratch(rewriter, loc, rows * (skv + dv) * (wide ? 8 : 4));
    createLibraryCall(rewriter, loc, "mc::attention",
                      {q, adaptor.getK(), adaptor.getV(), mask ? mask : q, nonpad ? nonpad : q},
                      {y, qk, scratch}, params,
                      {std::sqrt(op.getScale().convertToDouble()),
                       op.getSoftcap().convertToDouble()},
                      rows, skv * (d + dv));
    if (op.getQk())
      rewriter.replaceOp(op, {y, qk});
    else
      rewriter.replaceOp(op, y);
    return success();
  }
};

/// LinearAttention: one task per (batch, kv head) recurrence (mc::linear_attention).
struct LinearAttentionLowering : OpConversionPattern<LinearAttentionOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(LinearAttentionOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> qShape = op.getQuery().getType().getShape();
    int64_t hq = op.getQNumHeads(), hkv = op.getKvNumHeads();
    int64_t batch = qShape[0], t = qShape[1], dk = qShape[2] / hq;
    int64_t dv = op.getValue().getType().getShape()[2] / hkv;
    Value q = adaptor.getQuery();
    Value past = adaptor.getPastState(), decay = adaptor.getDecay(), beta = adaptor.getBeta();
    int64_t decayPerKey = decay && memrefOf(decay).getShape()[2] != hkv ? 1 : 0;
    int64_t betaHeads = beta ? memrefOf(beta).getShape()[2] : 1;
    Value out = createAlloc(rewriter, loc, op.getOutput().getType());
    Value state = createAlloc(rewriter, loc, op.getPresentState().getType());
    int64_t tasks = batch * hkv;
    Value scratch = createScratch(rewriter, loc, tasks * (dk * dv + dv) * 4);
    createLibraryCall(
        rewriter, loc, "mc::linear_attention",
        {q, adaptor.getKey(), adaptor.getValue(), past ? past : q, decay ? decay : q,
         beta ? beta : q},
        {out, state, scratch},
        {t, hq, hkv, dk, dv, static_cast<int64_t>(op.getUpdateRule()), past ? 1 : 0, decayPerKey,
         betaHeads},
        {op.getScale().convertToDouble()}, tasks, t * dk * dv * (hq / hkv + 3));
    rewriter.replaceOp(op, {out, state});
    return success();
  }
};

/// RotaryEmbedding: one task per head vector (mc::rotary_embedding).
struct RotaryEmbeddingLowering : OpConversionPattern<RotaryEmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(RotaryEmbeddingOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    ArrayRef<int64_t> shape = op.getType().getShape();
    int64_t heads = op.getNumHeads();
    bool layout3d = shape.size() == 3;
    int64_t batch = shape[0], seq = layout3d ? shape[1] : shape[2];
    int64_t headSize = layout3d ? shape[2] / heads : shape[3];
    Value x = adaptor.getInput(), pos = adaptor.getPositionIds();
    int64_t cacheRows = memrefOf(adaptor.getCosCache()).getShape()[0];
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), "mc::rotary_embedding",
                        {x, adaptor.getCosCache(), adaptor.getSinCache(), pos ? pos : x}, out,
                        {heads, seq, headSize, static_cast<int64_t>(op.getRotaryDim()), op.getInterleaved(),
                         layout3d,
                         pos ? 1 : 0, cacheRows},
                        {}, batch * heads * seq, headSize);
    });
  }
};

/// Einsum: one task per output element (mc::einsum1 / mc::einsum2) over letter strides.
struct EinsumLowering : OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    SmallVector<StringRef> terms = op.getInputTerms();
    StringRef outTerm = op.getOutputTerm();
    // Letters: output letters in order, then the summed ones in order of appearance.
    std::string letters = outTerm.str();
    for (StringRef term : terms)
      for (char c : term)
        if (letters.find(c) == std::string::npos)
          letters.push_back(c);
    SmallVector<int64_t> extents(letters.size(), 1);
    for (auto [term, v] : llvm::zip(terms, op.getInputs()))
      for (auto [i, c] : llvm::enumerate(term))
        extents[letters.find(c)] =
            std::max(extents[letters.find(c)], cast<ShapedType>(v.getType()).getDimSize(i));
    SmallVector<int64_t> params = {static_cast<int64_t>(outTerm.size()),
                                   static_cast<int64_t>(letters.size() - outTerm.size())};
    llvm::append_range(params, extents);
    for (auto [term, v] : llvm::zip(terms, op.getInputs())) {
      ArrayRef<int64_t> shape = cast<ShapedType>(v.getType()).getShape();
      SmallVector<int64_t> strides = rowMajorStrides(shape), letterStrides(letters.size(), 0);
      for (auto [i, c] : llvm::enumerate(term))
        if (shape[i] != 1)
          letterStrides[letters.find(c)] += strides[i];
      llvm::append_range(params, letterStrides);
    }
    int64_t reduced = 1;
    for (size_t i = outTerm.size(); i < letters.size(); ++i)
      reduced = saturatingCost(reduced, extents[i]);
    StringRef callee = terms.size() == 1 ? "mc::einsum1" : "mc::einsum2";
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, op.getLoc(), callee, adaptor.getInputs(), out, params, {},
                        op.getType().getNumElements(), reduced * (int64_t)terms.size());
    });
  }
};

/// Det: one task per matrix (mc::det), LU in a double scratch.
struct DetLowering : OpConversionPattern<DetOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(DetOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    int64_t n = op.getInput().getType().getShape().back();
    int64_t tasks = op.getType().getNumElements();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      Value scratch = createScratch(rewriter, op.getLoc(), tasks * n * n * 8);
      createLibraryCall(rewriter, op.getLoc(), "mc::det", adaptor.getInput(), {out, scratch}, {n},
                        {}, tasks, n * n * n);
    });
  }
};

bool isF32(Type tensorType) { return cast<ShapedType>(tensorType).getElementType().isF32(); }

/// MatMul on types other than float32: mc::matmul with broadcast batch strides.
struct MatMulLibraryLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (isF32(op.getType()))
      return rewriter.notifyMatchFailure(op, "float32 lowers to kernel.gemm");
    Location loc = op.getLoc();
    SmallVector<int64_t> as(memrefOf(adaptor.getLhs()).getShape()),
        bs(memrefOf(adaptor.getRhs()).getShape());
    if (as.size() == 1)
      as.insert(as.begin(), 1);
    if (bs.size() == 1)
      bs.push_back(1);
    int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    ArrayRef<int64_t> aBatch = ArrayRef<int64_t>(as).drop_back(2),
                      bBatch = ArrayRef<int64_t>(bs).drop_back(2);
    SmallVector<int64_t> batch;
    if (!OpTrait::util::getBroadcastedShape(aBatch, bBatch, batch))
      return rewriter.notifyMatchFailure(op, "batch dimensions do not broadcast");
    auto batchStrides = [&](ArrayRef<int64_t> own, int64_t matrix) {
      SmallVector<int64_t> strides(batch.size(), 0);
      int64_t stride = matrix;
      for (int64_t i = own.size() - 1, o = batch.size() - 1; i >= 0; --i, --o) {
        strides[o] = own[i] == 1 ? 0 : stride;
        stride *= own[i];
      }
      return strides;
    };
    SmallVector<int64_t> params = {m, n, k, 0, 0, 0, 0, 0, static_cast<int64_t>(batch.size())};
    llvm::append_range(params, batch);
    llvm::append_range(params, batchStrides(aBatch, m * k));
    llvm::append_range(params, batchStrides(bBatch, k * n));
    Value a = adaptor.getLhs();
    return replaceWithBuffer(op, rewriter, [&](Value out) {
      createLibraryCall(rewriter, loc, "mc::matmul", {a, adaptor.getRhs(), a}, out, params,
                        {1.0, 1.0}, product(batch) * m, n * k);
    });
  }
  static int64_t product(ArrayRef<int64_t> dims) {
    int64_t p = 1;
    for (int64_t d : dims)
      p *= d;
    return p;
  }
};

/// Gemm on types other than float32: mc::matmul with alpha, beta and a broadcast C.
struct GemmLibraryLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (isF32(op.getType()))
      return rewriter.notifyMatchFailure(op, "float32 lowers to kernel.gemm");
    ArrayRef<int64_t> out = op.getType().getShape();
    int64_t m = out[0], n = out[1];
    ArrayRef<int64_t> aShape = memrefOf(adaptor.getA()).getShape();
    int64_t k = op.getTransA() ? aShape[0] : aShape[1];
    double beta = op.getBeta().convertToDouble();
    Value c = adaptor.getC();
    bool hasC = c && beta != 0.0;
    int64_t csm = 0, csn = 0;
    if (hasC) {
      SmallVector<int64_t> cs(memrefOf(c).getShape());
      while (cs.size() < 2)
        cs.insert(cs.begin(), 1);
      csn = cs[1] == 1 ? 0 : 1;
      csm = cs[0] == 1 ? 0 : cs[1];
    }
    Value a = adaptor.getA();
    return replaceWithBuffer(op, rewriter, [&](Value result) {
      createLibraryCall(rewriter, op.getLoc(), "mc::matmul", {a, adaptor.getB(), hasC ? c : a},
                        result,
                        {m, n, k, op.getTransA(), op.getTransB(), hasC, csm, csn, 0},
                        {op.getAlpha().convertToDouble(), beta}, m, n * k);
    });
  }
};

/// Conv on types other than float32 (integer convolutions of ConvInteger/QLinearConv,
/// float64, 16-bit floats): direct mc::conv, one task per output element.
struct ConvLibraryLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter) const override {
    if (isF32(op.getType()))
      return rewriter.notifyMatchFailure(op, "float32 lowers to kernel.conv");
    ArrayRef<int64_t> in = op.getInput().getType().getShape();
    ArrayRef<int64_t> w = op.getWeight().getType().getShape();
    ArrayRef<int64_t> out = op.getType().getShape();
    int64_t spatial = in.size() - 2;
    SmallVector<int64_t> params = {in[1], w[0], static_cast<int64_t>(op.getGroup()),
                                   adaptor.getBias() ? 1 : 0,
                                   spatial};
    llvm::append_range(params, in.drop_front(2));
    llvm::append_range(params, w.drop_front(2));
    llvm::append_range(params, out.drop_front(2));
    llvm::append_range(params, op.getStrides());
    llvm::append_range(params, op.getPads().take_front(spatial));
    llvm::append_range(params, op.getDilations());
    int64_t window = w[1];
    for (int64_t kd : w.drop_front(2))
      window *= kd;
    Value x = adaptor.getInput();
    Value bias = adaptor.getBias() ? adaptor.getBias() : x;
    return replaceWithBuffer(op, rewriter, [&](Value result) {
      createLibraryCall(rewriter, op.getLoc(), "mc::conv", {x, adaptor.getWeight(), bias}, result,
                        params, {}, op.getType().getNumElements(), window);
    });
  }
};

} // namespace

void modelc::populateLinalgPatterns(TypeConverter &converter, RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<AttentionLowering, LinearAttentionLowering, RotaryEmbeddingLowering, EinsumLowering,
               DetLowering>(converter, ctx);
  // Ahead of ContractionPatterns' float32 lowerings, which would build kernel.gemm/conv.
  patterns.add<MatMulLibraryLowering, GemmLibraryLowering, ConvLibraryLowering>(converter, ctx,
                                                                               /*benefit=*/2);
}

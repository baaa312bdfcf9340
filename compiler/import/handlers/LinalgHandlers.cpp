//===- LinalgHandlers.cpp - ONNX handlers: linalg -------------------------===//
//
// Importer handlers of one op family: attention, Einsum, Det, quantized contractions. Registered
// into the handler table by registerLinalgHandlers (see OpHandlers.h for the handler contract and
// the shared helpers). Semantics follow https://onnx.ai/onnx/operators/ per op and version.
//
// Attention, LinearAttention and RotaryEmbedding become fused graph ops; Einsum becomes a
// chain of one- or two-operand graph.einsum ops over a normalized equation. The quantized
// contractions are compositions, computing in int32 as the spec says: zero points are
// subtracted after widening to int32, the product is an int32 graph.matmul / graph.conv,
// and QLinear* requantize in float64 (the multiplier a_scale * b_scale / y_scale rounded in
// the scale type first, as onnx's reference does), round half to even, saturate and cast.
// SwiGLU is elementwise: A * Sigmoid(alpha * A) * B.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OpHandlers.h"

#include "dialects/Graph/GraphOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace modelc::graph;

namespace modelc::import {

namespace {

RankedTensorType withElementType(Value v, Type et) {
  return RankedTensorType::get(typeOf(v).getShape(), et);
}

Value castTo(NodeContext &n, Value v, Type et) {
  if (!v || typeOf(v).getElementType() == et)
    return v;
  return n.create<CastOp>(v, {}, withElementType(v, et));
}

//===--- Attention -----------------------------------------------------------===//

/// (B, S, H*D) -> (B, H, S, D), the layout of past/present key and value.
Value toHeadMajor(NodeContext &n, Value x, int64_t heads) {
  ArrayRef<int64_t> s = typeOf(x).getShape();
  if (s.size() == 4)
    return x;
  Value r = n.reshape(x, {s[0], s[1], heads, s[2] / heads});
  return r ? n.create<TransposeOp>(r, n.arrayAttr("perm", {0, 2, 1, 3})) : Value();
}

LogicalResult checkAttention(NodeView &n) {
  int64_t mode = n.getInt("qk_matmul_output_mode", 0);
  if (mode < 0 || mode > 3)
    n.emitError() << "qk_matmul_output_mode " << mode << " is not 0, 1, 2 or 3";
  int64_t p = n.getInt("softmax_precision", 0);
  if (n.hasAttr("softmax_precision") && p != 1 && p != 10 && p != 11 && p != 16)
    n.emitError() << "softmax_precision " << p << " is not FLOAT, FLOAT16, DOUBLE or BFLOAT16";
  for (StringRef w : {"left_window_size", "right_window_size"})
    if (n.getInt(w, -1) < -1)
      n.emitError() << "attribute '" << w << "' must be -1 or nonnegative";
  return success(!n.hasFailed());
}

/// Attention (opsets 23-25). 3-d inputs keep their layout (the kernel reads heads by
/// stride); past key/value are concatenated in (B, H, S, D) form, which the present outputs
/// are.
LogicalResult convertAttention(NodeContext &n) {
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  if (!q || !k || !v)
    return failure();
  Value mask = n.optionalInput(3), pastK = n.optionalInput(4), pastV = n.optionalInput(5);
  Value nonpad = n.optionalInput(6);
  int64_t rank = typeOf(q).getRank();
  if (rank != typeOf(k).getRank() || rank != typeOf(v).getRank() || (rank != 3 && rank != 4))
    return n.emitError() << "Q, K and V must all be 3-d or all 4-d";
  int64_t hq, hkv;
  if (rank == 4) {
    hq = typeOf(q).getDimSize(1);
    hkv = typeOf(k).getDimSize(1);
  } else {
    if (!n.hasAttr("q_num_heads") || !n.hasAttr("kv_num_heads"))
      return n.emitError() << "3-d inputs need attributes 'q_num_heads' and 'kv_num_heads'";
    hq = n.getInt("q_num_heads", 0);
    hkv = n.getInt("kv_num_heads", 0);
    if (hq <= 0 || hkv <= 0 || typeOf(q).getDimSize(2) % hq != 0)
      return n.emitError() << "q_num_heads " << hq << " does not divide the query hidden size "
                           << typeOf(q).getDimSize(2);
  }
  if (static_cast<bool>(pastK) != static_cast<bool>(pastV))
    return n.emitError() << "past_key and past_value must be given together";
  if (pastK && nonpad)
    return n.emitError() << "nonpad_kv_seqlen cannot be combined with past_key/past_value";
  int64_t headSize = rank == 4 ? typeOf(q).getDimSize(3) : typeOf(q).getDimSize(2) / hq;
  double scale = n.hasAttr("scale") ? static_cast<double>(n.getFloat("scale", 1.0f))
                                    : 1.0 / std::sqrt(static_cast<double>(headSize));
  int64_t kvOffset = 0;
  if (pastK || n.isOutputUsed(1) || n.isOutputUsed(2)) {
    k = toHeadMajor(n, k, hkv);
    v = toHeadMajor(n, v, hkv);
    if (!k || !v)
      return failure();
    if (pastK) {
      kvOffset = typeOf(pastK).getRank() == 4 ? typeOf(pastK).getDimSize(2) : 0;
      k = n.create<ConcatOp>({pastK, k}, n.i64Attr("axis", 2));
      v = n.create<ConcatOp>({pastV, v}, n.i64Attr("axis", 2));
      if (!k || !v)
        return failure();
    }
  }
  OpBuilder &b = n.getBuilder();
  SmallVector<Value> operands = {q, k, v};
  if (mask)
    operands.push_back(mask);
  if (nonpad)
    operands.push_back(nonpad);
  bool wantQk = n.isOutputUsed(3);
  SmallVector<NamedAttribute> attrs = {
      n.i64Attr("q_num_heads", hq),
      n.i64Attr("kv_num_heads", hkv),
      n.namedAttr("scale", b.getF64FloatAttr(scale)),
      n.namedAttr("softcap", b.getF64FloatAttr(n.getFloat("softcap", 0.0f))),
      n.namedAttr("is_causal", b.getBoolAttr(n.getInt("is_causal", 0) != 0)),
      n.i64Attr("kv_offset", kvOffset),
      n.i64Attr("left_window", n.getInt("left_window_size", -1)),
      n.i64Attr("right_window", n.getInt("right_window_size", -1)),
      n.i64Attr("qk_mode", wantQk ? n.getInt("qk_matmul_output_mode", 0) : -1),
      n.i64Attr("softmax_precision", n.getInt("softmax_precision", 0)),
      n.namedAttr("operandSegmentSizes",
                  b.getDenseI32ArrayAttr({1, 1, 1, mask ? 1 : 0, nonpad ? 1 : 0}))};
  Value y = n.create<AttentionOp>(operands, attrs);
  if (!y)
    return failure();
  n.setOutput(0, y);
  n.setOutput(1, k);
  n.setOutput(2, v);
  if (wantQk)
    n.setOutput(3, y.getDefiningOp()->getResult(1));
  return success();
}

/// FlexAttention (ai.onnx.preview, version 1): its function body, built from graph ops.
/// GQA repeats each K/V head for its group of query heads (a Gather of head indices); Q and
/// K are scaled by sqrt(scale) (computed in float32, cast to the input type) and multiplied
/// in the input type; the scores are cast to the softmax precision (float32, or float64
/// for float64 inputs, unless `softmax_precision` says otherwise), modified by `score_mod`,
/// soft-maxed over the last axis, modified by `prob_mod` and multiplied with V in that
/// precision; the result is cast back to the input type. The modifier subgraphs are
/// imported inline with the scores (probabilities) bound to their single input.
LogicalResult checkFlexAttention(NodeView &n) {
  if (n.hasAttr("softmax_precision")) {
    int64_t p = n.getInt("softmax_precision", 0);
    if (p != 1 && p != 10 && p != 11 && p != 16)
      n.emitError() << "softmax_precision " << p << " is not FLOAT, FLOAT16, DOUBLE or BFLOAT16";
  }
  return success(!n.hasFailed());
}

LogicalResult convertFlexAttention(NodeContext &n) {
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  if (!q || !k || !v)
    return failure();
  auto qt = typeOf(q), kt = typeOf(k), vt = typeOf(v);
  if (qt.getRank() != 4 || kt.getRank() != 4 || vt.getRank() != 4)
    return n.emitError() << "Q, K and V must be 4-d, not " << qt << ", " << kt << " and " << vt;
  Type et = qt.getElementType();
  if (!isa<FloatType>(et) || kt.getElementType() != et || vt.getElementType() != et)
    return n.emitError() << "Q, K and V must have one floating-point element type";
  int64_t hq = qt.getDimSize(1), hkv = kt.getDimSize(1), headSize = qt.getDimSize(3);
  if (vt.getDimSize(1) != hkv || vt.getDimSize(2) != kt.getDimSize(2))
    return n.emitError() << "K " << kt << " and V " << vt
                         << " must have the same heads and sequence length";
  if (kt.getDimSize(3) != headSize)
    return n.emitError() << "Q " << qt << " and K " << kt << " must have the same head size";
  if (hkv <= 0 || hq % hkv != 0)
    return n.emitError() << "q_num_heads " << hq << " is not a multiple of kv_num_heads " << hkv;
  if (hq > (int64_t(1) << 20))
    return n.emitError() << "q_num_heads " << hq << " is more than 2^20";
  OpBuilder &b = n.getBuilder();
  Type softmaxType = et.isF64() ? b.getF64Type() : b.getF32Type();
  if (n.hasAttr("softmax_precision")) {
    int64_t p = n.getInt("softmax_precision", 1);
    softmaxType = p == 10   ? Type(b.getF16Type())
                  : p == 16 ? Type(b.getBF16Type())
                  : p == 11 ? Type(b.getF64Type())
                            : Type(b.getF32Type());
  }
  // Grouped query attention: query head h reads K/V head h / (hq / hkv).
  if (hq != hkv) {
    SmallVector<int64_t> heads;
    for (int64_t h = 0; h < hq; ++h)
      heads.push_back(h / (hq / hkv));
    auto idxType = RankedTensorType::get({hq}, b.getI64Type());
    Value idx = n.create<ConstantOp>(
        {}, n.namedAttr("value", DenseElementsAttr::get(idxType, ArrayRef<int64_t>(heads))));
    k = idx ? n.create<GatherOp>({k, idx}, n.i64Attr("axis", 1)) : Value();
    v = idx ? n.create<GatherOp>({v, idx}, n.i64Attr("axis", 1)) : Value();
    if (!k || !v)
      return failure();
  }
  float scale = n.hasAttr("scale") ? n.getFloat("scale", 1.0f)
                                   : 1.0f / std::sqrt(static_cast<float>(headSize));
  Value sqrtScale = n.scalarConstant(et, std::sqrt(scale));
  Value qs = sqrtScale ? n.create<MulOp>({q, sqrtScale}) : Value();
  Value ks = sqrtScale ? n.create<MulOp>({k, sqrtScale}) : Value();
  Value kT = ks ? n.create<TransposeOp>(ks, n.arrayAttr("perm", {0, 1, 3, 2})) : Value();
  Value scores = qs && kT ? n.create<MatMulOp>({qs, kT}) : Value();
  scores = castTo(n, scores, softmaxType);
  if (!scores)
    return failure();
  // A modifier maps one (B, Hq, L, S) tensor to one of the same shape; its result is
  // converted to the softmax precision as ONNX's reference does.
  auto applyModifier = [&](StringRef name, Value x) -> Value {
    if (!n.hasAttr(name))
      return x;
    const onnx::GraphProto *graph = n.getGraphAttr(name);
    if (!graph)
      return {};
    auto outs = n.importSubgraph(*graph, {x});
    if (failed(outs))
      return {};
    if (outs->size() != 1) {
      n.emitError() << "'" << name << "' must have exactly one output, not " << outs->size();
      return {};
    }
    Value y = (*outs)[0];
    if (typeOf(y).getShape() != typeOf(x).getShape()) {
      n.emitError() << "'" << name << "' must keep the shape " << typeOf(x) << ", not "
                    << typeOf(y);
      return {};
    }
    if (!isa<FloatType>(typeOf(y).getElementType())) {
      n.emitError() << "'" << name << "' must produce floating-point values, not " << typeOf(y);
      return {};
    }
    return castTo(n, y, softmaxType);
  };
  scores = applyModifier("score_mod", scores);
  Value probs = scores ? n.create<SoftmaxOp>(scores, n.i64Attr("axis", 3)) : Value();
  probs = probs ? applyModifier("prob_mod", probs) : Value();
  Value vs = castTo(n, v, softmaxType);
  Value y = probs && vs ? n.create<MatMulOp>({probs, vs}) : Value();
  return bind(n, castTo(n, y, et));
}

/// LinearAttention (opset 27); chunk_size is a tuning hint without effect on the result.
LogicalResult convertLinearAttention(NodeContext &n) {
  Value q = n.input(0), k = n.input(1), v = n.input(2);
  if (!q || !k || !v)
    return failure();
  Value past = n.optionalInput(3), decay = n.optionalInput(4), beta = n.optionalInput(5);
  if (!n.hasAttr("q_num_heads") || !n.hasAttr("kv_num_heads"))
    return n.emitError() << "attributes 'q_num_heads' and 'kv_num_heads' are required";
  int64_t hq = n.getInt("q_num_heads", 0), hkv = n.getInt("kv_num_heads", 0);
  if (typeOf(q).getRank() != 3 || hq <= 0 || typeOf(q).getDimSize(2) % hq != 0)
    return n.emitError() << "query must be (B, T, q_num_heads * d_k)";
  std::string rule = n.getString("update_rule", "gated_delta");
  int64_t ruleId = llvm::StringSwitch<int64_t>(rule)
                       .Case("linear", 0)
                       .Case("gated", 1)
                       .Case("delta", 2)
                       .Case("gated_delta", 3)
                       .Default(-1);
  if (ruleId < 0)
    return n.emitError() << "unsupported update_rule '" << rule << "'";
  double scale = n.getFloat("scale", 0.0f);
  if (scale == 0.0)
    scale = 1.0 / std::sqrt(static_cast<double>(typeOf(q).getDimSize(2) / hq));
  OpBuilder &b = n.getBuilder();
  SmallVector<Value> operands = {q, k, v};
  for (Value x : {past, decay, beta})
    if (x)
      operands.push_back(x);
  Value out = n.create<LinearAttentionOp>(
      operands,
      {n.i64Attr("q_num_heads", hq), n.i64Attr("kv_num_heads", hkv),
       n.namedAttr("scale", b.getF64FloatAttr(scale)), n.i64Attr("update_rule", ruleId),
       n.namedAttr("operandSegmentSizes",
                   b.getDenseI32ArrayAttr({1, 1, 1, past ? 1 : 0, decay ? 1 : 0, beta ? 1 : 0}))});
  if (!out)
    return failure();
  n.setOutput(0, out);
  n.setOutput(1, out.getDefiningOp()->getResult(1));
  return success();
}

/// RotaryEmbedding (opset 23).
LogicalResult convertRotaryEmbedding(NodeContext &n) {
  Value x = n.input(0), cosCache = n.input(1), sinCache = n.input(2);
  if (!x || !cosCache || !sinCache)
    return failure();
  Value pos = n.optionalInput(3);
  auto xt = typeOf(x);
  int64_t heads;
  if (xt.getRank() == 4) {
    heads = xt.getDimSize(1);
  } else if (xt.getRank() == 3) {
    heads = n.getInt("num_heads", 0);
    if (heads <= 0)
      return n.emitError() << "3-d input needs a positive 'num_heads'";
  } else {
    return n.emitError() << "input must be 3-d or 4-d, got " << xt;
  }
  int64_t headSize = xt.getRank() == 4 ? xt.getDimSize(3) : xt.getDimSize(2) / heads;
  int64_t rot = n.getInt("rotary_embedding_dim", 0);
  if (rot == 0)
    rot = headSize;
  SmallVector<Value> operands = {x, cosCache, sinCache};
  if (pos)
    operands.push_back(castTo(n, pos, n.getBuilder().getI64Type()));
  return bind(n, n.create<RotaryEmbeddingOp>(
                     operands, {n.i64Attr("num_heads", heads), n.i64Attr("rotary_dim", rot),
                                n.namedAttr("interleaved", n.getBuilder().getBoolAttr(
                                                               n.getInt("interleaved", 0)))}));
}

/// SwiGLU (opset 28): Swish_alpha(A) * B with Swish_alpha(a) = a * Sigmoid(alpha * a).
LogicalResult convertSwiGLU(NodeContext &n) {
  Value a = floatInput(n), b = n.input(1);
  if (!a || !b)
    return failure();
  if (typeOf(a) != typeOf(b))
    return n.emitError() << "A and B must have one type, got " << typeOf(a) << " and "
                         << typeOf(b);
  float alpha = n.getFloat("alpha", 1.0f);
  Value gateIn = a;
  if (alpha != 1.0f)
    gateIn = createBinary<MulOp>(n, a, n.scalarConstant(typeOf(a).getElementType(), alpha));
  Value gate = gateIn ? n.create<SigmoidOp>(gateIn) : Value();
  Value swish = gate ? createBinary<MulOp>(n, a, gate) : Value();
  return bind(n, swish ? createBinary<MulOp>(n, swish, b) : Value());
}

//===--- Einsum, Det ---------------------------------------------------------===//

/// Einsum: the equation is normalized (spaces dropped, implicit output made explicit,
/// ellipsis dimensions renamed to unused letters) and split into a chain of one- or
/// two-operand graph.einsum ops, each summing the letters no later term or the output needs.
LogicalResult convertEinsum(NodeContext &n) {
  SmallVector<Value> xs = n.presentInputs();
  if (xs.empty())
    return n.emitError() << "needs at least one input";
  std::string eq;
  for (char c : n.getString("equation", ""))
    if (c != ' ')
      eq.push_back(c);
  StringRef eqRef(eq);
  bool explicitOut = eqRef.contains("->");
  auto [lhs, rhs] = eqRef.split("->");
  SmallVector<StringRef> rawTerms;
  lhs.split(rawTerms, ',');
  if (rawTerms.size() != xs.size())
    return n.emitError() << "equation '" << eq << "' has " << rawTerms.size() << " terms for "
                         << xs.size() << " inputs";
  for (Value x : xs)
    if (typeOf(x).getElementType() != typeOf(xs.front()).getElementType())
      return n.emitError() << "inputs have different element types";
  // Ellipsis letters: the unused letters, as many as the widest ellipsis.
  std::string spare;
  for (char c = 'A'; c <= 'z'; ++c)
    if (llvm::isAlpha(c) && eq.find(c) == std::string::npos)
      spare.push_back(c);
  auto ellipsisRank = [&](StringRef term, int64_t rank) -> int64_t {
    size_t letters = term.size();
    if (term.contains("..."))
      letters -= 3;
    return rank - static_cast<int64_t>(letters);
  };
  int64_t maxEllipsis = 0;
  for (auto [term, x] : llvm::zip(rawTerms, xs)) {
    int64_t e = ellipsisRank(term, typeOf(x).getRank());
    if (e < 0 || (e > 0 && !term.contains("...")))
      return n.emitError() << "term '" << term << "' does not match input rank "
                           << typeOf(x).getRank();
    maxEllipsis = std::max(maxEllipsis, e);
  }
  if (maxEllipsis > static_cast<int64_t>(spare.size()))
    return n.emitError() << "too many ellipsis dimensions in '" << eq << "'";
  std::string ell = spare.substr(0, maxEllipsis);
  auto expand = [&](StringRef term, int64_t e) -> std::optional<std::string> {
    std::string out;
    size_t at = term.find("...");
    if (at != StringRef::npos && term.find("...", at + 1) != StringRef::npos)
      return std::nullopt;
    for (size_t i = 0; i < term.size(); ++i) {
      if (i == at) {
        out += ell.substr(ell.size() - e);
        i += 2;
        continue;
      }
      if (!llvm::isAlpha(term[i]))
        return std::nullopt;
      out.push_back(term[i]);
    }
    return out;
  };
  SmallVector<std::string> terms;
  for (auto [term, x] : llvm::zip(rawTerms, xs)) {
    auto t = expand(term, ellipsisRank(term, typeOf(x).getRank()));
    if (!t)
      return n.emitError() << "malformed term '" << term << "' in equation '" << eq << "'";
    terms.push_back(*t);
  }
  std::string out;
  if (explicitOut) {
    auto t = expand(rhs, maxEllipsis);
    if (!t)
      return n.emitError() << "malformed output term '" << rhs << "'";
    out = *t;
  } else {
    // Implicit: the ellipsis, then the letters seen exactly once, in ASCII order.
    out = ell;
    std::string once;
    for (char c = 'A'; c <= 'z'; ++c) {
      if (!llvm::isAlpha(c) || ell.find(c) != std::string::npos)
        continue;
      int count = 0;
      for (const std::string &t : terms)
        count += llvm::count(t, c);
      if (count == 1)
        once.push_back(c);
    }
    out += once;
  }
  for (char c : out) {
    bool found = llvm::any_of(terms, [&](const std::string &t) { return t.find(c) != std::string::npos; });
    if (!found)
      return n.emitError() << "output letter '" << c << "' does not occur in an input";
  }
  if (xs.size() <= 2) {
    std::string norm = terms[0] + (xs.size() == 2 ? "," + terms[1] : "") + "->" + out;
    return bind(n, n.create<EinsumOp>(xs, n.namedAttr("equation",
                                                      n.getBuilder().getStringAttr(norm))));
  }
  Value acc = xs[0];
  std::string accTerm = terms[0];
  for (size_t i = 1; i < xs.size(); ++i) {
    std::string next;
    if (i + 1 == xs.size()) {
      next = out;
    } else {
      std::string needed = out;
      for (size_t j = i + 1; j < xs.size(); ++j)
        needed += terms[j];
      for (char c : accTerm + terms[i])
        if (needed.find(c) != std::string::npos && next.find(c) == std::string::npos)
          next.push_back(c);
    }
    std::string norm = accTerm + "," + terms[i] + "->" + next;
    acc = n.create<EinsumOp>({acc, xs[i]},
                             n.namedAttr("equation", n.getBuilder().getStringAttr(norm)));
    if (!acc)
      return failure();
    accTerm = next;
  }
  return bind(n, acc);
}

LogicalResult convertDet(NodeContext &n) {
  Value x = floatInput(n);
  return x ? bind(n, n.create<DetOp>(x)) : failure();
}

//===--- Quantized contractions ----------------------------------------------===//

/// x widened to int32 minus its zero point (also widened). A 1-d zero point of `perRowSize`
/// (!= 1) elements is per row: reshaped to [M, 1] against x's last two dimensions.
Value subtractZeroPoint(NodeContext &n, Value x, Value zp, int64_t perRowSize,
                        int64_t trailingOnes) {
  Type i32 = n.getBuilder().getI32Type();
  Value wide = castTo(n, x, i32);
  if (!zp || !wide)
    return wide;
  Value zpWide = castTo(n, zp, i32);
  auto zt = typeOf(zp);
  if (zpWide && zt.getRank() == 1 && zt.getDimSize(0) == perRowSize && perRowSize != 1) {
    SmallVector<int64_t> shape = {perRowSize};
    shape.append(trailingOnes, 1);
    zpWide = n.reshape(zpWide, shape);
  }
  return zpWide ? createBinary<SubOp>(n, wide, zpWide) : Value();
}

/// Integer product of (a - a_zp) and (b - b_zp) in int32 (a_zp per tensor or per row of A,
/// b_zp per tensor or per column of B).
Value integerMatMul(NodeContext &n, Value a, Value aZp, Value b, Value bZp) {
  auto at = typeOf(a);
  int64_t rows = at.getRank() >= 2 ? at.getDimSize(at.getRank() - 2) : 1;
  Value a32 = subtractZeroPoint(n, a, aZp, rows, 1);
  Value b32 = subtractZeroPoint(n, b, bZp, -1, 0);
  return a32 && b32 ? n.create<MatMulOp>({a32, b32}) : Value();
}

/// Requantizes an int32 accumulator: round_half_even(acc * multiplier + zp) saturated to the
/// range of `outType`, computed in float64 like onnx's reference (the integer accumulator
/// times a float array promotes to float64). `multiplier` is in the scale type.
Value requantize(NodeContext &n, Value acc, Value multiplier, Value zp, Type outType) {
  Type f64 = n.getBuilder().getF64Type();
  // Operands built one statement at a time: argument evaluation order is unspecified, and the
  // IR (and so the bundle) must not depend on the compiler that built modelc.
  Value multiplier64 = castTo(n, multiplier, f64);
  Value acc64 = castTo(n, acc, f64);
  Value r = createBinary<MulOp>(n, acc64, multiplier64);
  if (r && zp)
    r = createBinary<AddOp>(n, r, castTo(n, zp, f64));
  if (!r)
    return {};
  auto it = cast<IntegerType>(outType);
  unsigned w = it.getWidth();
  double lo = it.isUnsigned() ? 0.0 : -std::ldexp(1.0, w - 1);
  double hi = it.isUnsigned() ? std::ldexp(1.0, w) - 1 : std::ldexp(1.0, w - 1) - 1;
  OpBuilder &b = n.getBuilder();
  r = n.create<RoundOp>(r);
  r = r ? n.create<ClipOp>(r, {n.namedAttr("min", b.getF64FloatAttr(lo)),
                               n.namedAttr("max", b.getF64FloatAttr(hi))})
        : Value();
  return castTo(n, r, outType);
}

bool isQuantType(Type t) { return t.isInteger(8); }

LogicalResult convertMatMulInteger(NodeContext &n) {
  Value a = n.input(0), b = n.input(1);
  if (!a || !b)
    return failure();
  if (!isQuantType(typeOf(a).getElementType()) || !isQuantType(typeOf(b).getElementType()))
    return n.emitError() << "A and B must be 8-bit integers, got " << typeOf(a) << " and "
                         << typeOf(b);
  return bind(n, integerMatMul(n, a, n.optionalInput(2), b, n.optionalInput(3)));
}

LogicalResult convertQLinearMatMul(NodeContext &n) {
  Value a = n.input(0), aScale = n.input(1), aZp = n.optionalInput(2), b = n.input(3);
  Value bScale = n.input(4), bZp = n.optionalInput(5), yScale = n.input(6);
  Value yZp = n.optionalInput(7);
  if (!a || !aScale || !b || !bScale || !yScale)
    return failure();
  if (!isQuantType(typeOf(a).getElementType()) || !isQuantType(typeOf(b).getElementType()))
    return n.emitError() << "a and b must be 8-bit integers";
  Value acc = integerMatMul(n, a, aZp, b, bZp);
  if (!acc)
    return failure();
  // Per-row scales of A ([M]) broadcast along the columns of the product.
  auto at = typeOf(a);
  int64_t rows = at.getRank() >= 2 ? at.getDimSize(at.getRank() - 2) : 1;
  if (typeOf(aScale).getRank() == 1 && typeOf(aScale).getDimSize(0) == rows && rows != 1)
    aScale = n.reshape(aScale, {rows, 1});
  Value mult = aScale ? createBinary<MulOp>(n, aScale, bScale) : Value();
  mult = mult ? createBinary<DivOp>(n, mult, yScale) : Value();
  if (!mult)
    return failure();
  Type outType = yZp ? typeOf(yZp).getElementType() : typeOf(a).getElementType();
  return bind(n, requantize(n, acc, mult, yZp, outType));
}

/// An int32 graph.conv of (x - x_zp) and (w - w_zp) (w_zp per output channel or per tensor)
/// with Conv's attributes; `bias` (int32) is optional.
Value integerConv(NodeContext &n, Value x, Value xZp, Value w, Value wZp, Value bias) {
  auto xt = typeOf(x), wt = typeOf(w);
  if (xt.getRank() < 3 || wt.getRank() != xt.getRank()) {
    n.emitError() << "expected input and weight of equal rank >= 3, got " << xt << " and " << wt;
    return {};
  }
  SmallVector<int64_t> kernel(wt.getShape().drop_front(2));
  if (auto ks = n.getInts("kernel_shape"); ks && *ks != kernel) {
    n.emitError() << "attribute 'kernel_shape' does not match weight " << wt;
    return {};
  }
  auto window = getWindow(n, xt.getShape().drop_front(2), kernel);
  if (!window)
    return {};
  Value x32 = subtractZeroPoint(n, x, xZp, -1, 0);
  Value w32 = subtractZeroPoint(n, w, wZp, wt.getDimSize(0), wt.getRank() - 1);
  if (!x32 || !w32)
    return {};
  SmallVector<Value> operands = {x32, w32};
  if (bias)
    operands.push_back(castTo(n, bias, n.getBuilder().getI32Type()));
  return n.create<ConvOp>(operands, {n.arrayAttr("strides", window->strides),
                                     n.arrayAttr("pads", window->pads),
                                     n.arrayAttr("dilations", window->dilations),
                                     n.i64Attr("group", n.getInt("group", 1))});
}

LogicalResult convertConvInteger(NodeContext &n) {
  Value x = n.input(0), w = n.input(1);
  if (!x || !w)
    return failure();
  if (!isQuantType(typeOf(x).getElementType()) || !isQuantType(typeOf(w).getElementType()))
    return n.emitError() << "x and w must be 8-bit integers";
  return bind(n, integerConv(n, x, n.optionalInput(2), w, n.optionalInput(3), Value()));
}

LogicalResult convertQLinearConv(NodeContext &n) {
  Value x = n.input(0), xScale = n.input(1), xZp = n.optionalInput(2), w = n.input(3);
  Value wScale = n.input(4), wZp = n.optionalInput(5), yScale = n.input(6);
  Value yZp = n.optionalInput(7), bias = n.optionalInput(8);
  if (!x || !xScale || !w || !wScale || !yScale)
    return failure();
  if (!isQuantType(typeOf(x).getElementType()) || !isQuantType(typeOf(w).getElementType()))
    return n.emitError() << "x and w must be 8-bit integers";
  Value acc = integerConv(n, x, xZp, w, wZp, bias);
  if (!acc)
    return failure();
  // A per-channel w_scale ([M]) broadcasts along the output channels.
  int64_t channels = typeOf(w).getDimSize(0);
  auto st = typeOf(wScale);
  if (st.getRank() == 1 && st.getDimSize(0) == channels && channels != 1) {
    SmallVector<int64_t> shape(typeOf(acc).getRank(), 1);
    shape[1] = channels;
    wScale = n.reshape(wScale, shape);
  }
  Value mult = wScale ? createBinary<MulOp>(n, xScale, wScale) : Value();
  mult = mult ? createBinary<DivOp>(n, mult, yScale) : Value();
  if (!mult)
    return failure();
  Type outType = yZp ? typeOf(yZp).getElementType() : typeOf(x).getElementType();
  return bind(n, requantize(n, acc, mult, yZp, outType));
}

} // namespace

void registerLinalgHandlers(llvm::StringMap<OpHandler> &table) {
  table["Attention"] = {convertAttention, checkAttention, 4};
  table["LinearAttention"] = {convertLinearAttention, nullptr, 2};
  // ai.onnx.preview ops are keyed "domain.OpType" (see getOpHandlers).
  table["ai.onnx.preview.FlexAttention"] = {convertFlexAttention, checkFlexAttention};
  table["RotaryEmbedding"] = {convertRotaryEmbedding};
  table["SwiGLU"] = {convertSwiGLU};
  table["Einsum"] = {convertEinsum};
  table["Det"] = {convertDet};
  table["MatMulInteger"] = {convertMatMulInteger};
  table["QLinearMatMul"] = {convertQLinearMatMul};
  table["ConvInteger"] = {convertConvInteger, checkAutoPad};
  table["QLinearConv"] = {convertQLinearConv, checkAutoPad};
}

} // namespace modelc::import

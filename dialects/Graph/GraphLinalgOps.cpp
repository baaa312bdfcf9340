//===- GraphLinalgOps.cpp - graph dialect: linalg ops ---------------------===//
//
// Result-type inference, verifiers and folders of the ops in GraphLinalgOps.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

namespace {
/// One of Q, K, V seen as (batch, heads, sequence, head size), from its 4-d shape or its
/// 3-d (batch, sequence, heads * head size) shape.
struct HeadView {
  int64_t batch = 0, heads = 0, seq = 0, size = 0;
};
} // namespace

static FailureOr<HeadView> getHeadView(std::optional<Location> loc, Value v, int64_t heads,
                                       StringRef what) {
  auto t = getRanked(v);
  HeadView h;
  if (t.getRank() == 4) {
    h = {t.getDimSize(0), t.getDimSize(1), t.getDimSize(2), t.getDimSize(3)};
    if (h.heads != heads)
      return emitOptionalError(loc, what, " has ", h.heads, " heads, expected ", heads);
    return h;
  }
  if (t.getRank() != 3)
    return emitOptionalError(loc, what, " must be 3-d or 4-d, got ", t);
  if (heads <= 0 || heads > kMaxAttrStep || t.getDimSize(2) % heads != 0)
    return emitOptionalError(loc, what, " hidden size ", t.getDimSize(2),
                             " is not a multiple of the head count ", heads);
  return HeadView{t.getDimSize(0), heads, t.getDimSize(1), t.getDimSize(2) / heads};
}

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  int64_t hq = adaptor.getQNumHeads(), hkv = adaptor.getKvNumHeads();
  auto q = getHeadView(loc, adaptor.getQ(), hq, "query");
  auto k = getHeadView(loc, adaptor.getK(), hkv, "key");
  auto v = getHeadView(loc, adaptor.getV(), hkv, "value");
  if (failed(q) || failed(k) || failed(v))
    return failure();
  auto qt = getRanked(adaptor.getQ());
  Type et = qt.getElementType();
  if (qt.getRank() == 4)
    inferred.push_back(RankedTensorType::get({q->batch, hq, q->seq, v->size}, et));
  else
    inferred.push_back(RankedTensorType::get({q->batch, q->seq, hq * v->size}, et));
  if (static_cast<int64_t>(adaptor.getQkMode()) >= 0)
    inferred.push_back(RankedTensorType::get({q->batch, hq, q->seq, k->seq}, et));
  return success();
}

int64_t AttentionOp::getBatch() { return getRanked(getQ()).getDimSize(0); }
int64_t AttentionOp::getQSeq() {
  auto t = getRanked(getQ());
  return t.getDimSize(t.getRank() == 4 ? 2 : 1);
}
int64_t AttentionOp::getKvSeq() {
  auto t = getRanked(getK());
  return t.getDimSize(t.getRank() == 4 ? 2 : 1);
}
int64_t AttentionOp::getHeadSize() {
  auto t = getRanked(getQ());
  return t.getRank() == 4 ? t.getDimSize(3) : t.getDimSize(2) / static_cast<int64_t>(getQNumHeads());
}
int64_t AttentionOp::getVHeadSize() {
  auto t = getRanked(getV());
  return t.getRank() == 4 ? t.getDimSize(3) : t.getDimSize(2) / static_cast<int64_t>(getKvNumHeads());
}

LogicalResult AttentionOp::verify() {
  std::optional<Location> loc = getLoc();
  int64_t hq = getQNumHeads(), hkv = getKvNumHeads();
  if (hq <= 0 || hkv <= 0 || hq % hkv != 0)
    return emitOpError("q_num_heads ") << hq << " must be a positive multiple of kv_num_heads "
                                       << hkv;
  auto q = getHeadView(loc, getQ(), hq, "query");
  auto k = getHeadView(loc, getK(), hkv, "key");
  auto v = getHeadView(loc, getV(), hkv, "value");
  if (failed(q) || failed(k) || failed(v))
    return failure();
  if (q->batch != k->batch || q->batch != v->batch)
    return emitOpError("query, key and value have different batch sizes");
  if (q->size != k->size)
    return emitOpError("query head size ") << q->size << " differs from key head size "
                                           << k->size;
  if (k->seq != v->seq)
    return emitOpError("key and value have different sequence lengths");
  Type et = getRanked(getQ()).getElementType();
  if (getRanked(getK()).getElementType() != et || getRanked(getV()).getElementType() != et)
    return emitOpError("query, key and value must have one element type");
  if (Value mask = getMask()) {
    auto mt = getRanked(mask);
    if (mt.getRank() < 1 || mt.getRank() > 4)
      return emitOpError("mask must have rank 1 to 4, got ") << mt;
    if (!mt.getElementType().isInteger(1) && !isa<FloatType>(mt.getElementType()))
      return emitOpError("mask must be boolean or floating-point, got ") << mt;
    if (mt.getShape().back() > k->seq)
      return emitOpError("mask covers ") << mt.getShape().back() << " keys, more than "
                                         << k->seq;
    // The other dimensions broadcast right-aligned against (batch, q heads, q sequence).
    int64_t full[3] = {q->batch, hq, q->seq};
    for (int64_t d = 0; d + 1 < mt.getRank(); ++d) {
      int64_t size = mt.getDimSize(d), against = full[3 - mt.getRank() + 1 + d];
      if (size != 1 && size != against)
        return emitOpError("mask ") << mt << " does not broadcast to the scores";
    }
  }
  if (Value nonpad = getNonpadKvSeqlen())
    if (getRanked(nonpad).getRank() != 1 || getRanked(nonpad).getDimSize(0) != q->batch)
      return emitOpError("nonpad_kv_seqlen must have shape [") << q->batch << "]";
  int64_t qkMode = getQkMode();
  if (qkMode < -1 || qkMode > 3)
    return emitOpError("qk_mode must be -1 to 3, got ") << qkMode;
  if (static_cast<int64_t>(getLeftWindow()) < -1 || static_cast<int64_t>(getRightWindow()) < -1)
    return emitOpError("window sizes must be -1 or nonnegative");
  int64_t p = getSoftmaxPrecision();
  if (p != 0 && p != 1 && p != 10 && p != 11 && p != 16)
    return emitOpError("softmax_precision ") << p << " is not float, float16, double or bfloat16";
  return success();
}

//===----------------------------------------------------------------------===//
// EinsumOp
//===----------------------------------------------------------------------===//

SmallVector<StringRef> EinsumOp::getInputTerms() {
  StringRef lhs = getEquation().split("->").first;
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  return terms;
}

StringRef EinsumOp::getOutputTerm() { return getEquation().split("->").second; }

/// The extent of every letter of a normalized equation; size-1 broadcasts. Fails on a
/// malformed equation or conflicting extents.
static LogicalResult einsumExtents(std::optional<Location> loc, StringRef equation,
                                   ValueRange inputs, llvm::SmallDenseMap<char, int64_t> &extents) {
  auto [lhs, out] = equation.split("->");
  if (!equation.contains("->"))
    return emitOptionalError(loc, "einsum equation '", equation, "' has no output term");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != inputs.size())
    return emitOptionalError(loc, "einsum equation '", equation, "' has ", terms.size(),
                             " terms for ", inputs.size(), " operands");
  for (auto [term, v] : llvm::zip(terms, inputs)) {
    auto t = getRanked(v);
    if (static_cast<int64_t>(term.size()) != t.getRank())
      return emitOptionalError(loc, "einsum term '", term, "' does not match operand ", t);
    for (auto [i, c] : llvm::enumerate(term)) {
      if (!llvm::isAlpha(c))
        return emitOptionalError(loc, "einsum term '", term, "' holds '", c, "'");
      int64_t size = t.getDimSize(i);
      auto [it, inserted] = extents.try_emplace(c, size);
      if (inserted || it->second == size || size == 1)
        continue;
      if (it->second == 1) {
        it->second = size;
        continue;
      }
      return emitOptionalError(loc, "einsum letter '", c, "' has extents ", it->second, " and ",
                               size);
    }
  }
  for (char c : out)
    if (!extents.count(c))
      return emitOptionalError(loc, "einsum output letter '", c, "' is not in any input");
  return success();
}

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "einsum needs an operand");
  llvm::SmallDenseMap<char, int64_t> extents;
  if (failed(einsumExtents(loc, adaptor.getEquation(), adaptor.getInputs(), extents)))
    return failure();
  SmallVector<int64_t> shape;
  for (char c : adaptor.getEquation().split("->").second)
    shape.push_back(extents[c]);
  inferred.push_back(
      RankedTensorType::get(shape, getRanked(adaptor.getInputs().front()).getElementType()));
  return success();
}

LogicalResult EinsumOp::verify() {
  if (getInputs().size() > 2)
    return emitOpError("takes one or two operands, got ") << getInputs().size();
  StringRef out = getOutputTerm();
  for (auto [i, c] : llvm::enumerate(out))
    if (out.find(c, i + 1) != StringRef::npos)
      return emitOpError("output letter '") << c << "' is repeated";
  for (Value v : getInputs())
    if (getRanked(v).getElementType() != getType().getElementType())
      return emitOpError("operands must have the result's element type");
  return success();
}

//===----------------------------------------------------------------------===//
// DetOp
//===----------------------------------------------------------------------===//

LogicalResult DetOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  auto t = getRanked(adaptor.getInput());
  if (t.getRank() < 2 || t.getDimSize(t.getRank() - 1) != t.getDimSize(t.getRank() - 2))
    return emitOptionalError(loc, "det expects [*, M, M] matrices, got ", t);
  inferred.push_back(RankedTensorType::get(t.getShape().drop_back(2), t.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// RotaryEmbeddingOp
//===----------------------------------------------------------------------===//

LogicalResult RotaryEmbeddingOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &inferred) {
  inferred.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult RotaryEmbeddingOp::verify() {
  auto t = getRanked(getInput());
  int64_t heads = getNumHeads();
  if (t.getRank() != 3 && t.getRank() != 4)
    return emitOpError("input must be 3-d or 4-d, got ") << t;
  if (t.getRank() == 4 && heads != t.getDimSize(1))
    return emitOpError("num_heads ") << heads << " differs from the input's " << t.getDimSize(1);
  if (heads <= 0 || (t.getRank() == 3 && t.getDimSize(2) % heads != 0))
    return emitOpError("hidden size is not a multiple of num_heads ") << heads;
  int64_t headSize = t.getRank() == 4 ? t.getDimSize(3) : t.getDimSize(2) / heads;
  int64_t rot = getRotaryDim();
  if (rot <= 0 || rot > headSize || rot % 2 != 0)
    return emitOpError("rotary_dim ") << rot << " must be even and in (0, " << headSize << "]";
  auto cosT = getRanked(getCosCache()), sinT = getRanked(getSinCache());
  if (cosT != sinT || cosT.getElementType() != t.getElementType())
    return emitOpError("cos and sin caches must have one type, the input's element type");
  int64_t batch = t.getDimSize(0), seq = t.getDimSize(t.getRank() == 4 ? 2 : 1);
  if (getPositionIds()) {
    auto pt = getRanked(getPositionIds());
    if (pt.getShape() != ArrayRef<int64_t>{batch, seq})
      return emitOpError("position_ids must have shape [") << batch << ", " << seq << "]";
    if (cosT.getRank() != 2 || cosT.getDimSize(1) != rot / 2)
      return emitOpError("caches must have shape [positions, ") << rot / 2 << "], got " << cosT;
  } else if (cosT.getShape() != ArrayRef<int64_t>{batch, seq, rot / 2}) {
    return emitOpError("caches must have shape [") << batch << ", " << seq << ", " << rot / 2
                                                   << "] without position_ids, got " << cosT;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// LinearAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult LinearAttentionOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &inferred) {
  auto q = getRanked(adaptor.getQuery()), k = getRanked(adaptor.getKey()),
       v = getRanked(adaptor.getValue());
  int64_t hq = adaptor.getQNumHeads(), hkv = adaptor.getKvNumHeads();
  if (q.getRank() != 3 || k.getRank() != 3 || v.getRank() != 3)
    return emitOptionalError(loc, "linear attention expects 3-d query, key and value");
  if (hq <= 0 || hkv <= 0 || hq > kMaxAttrStep || hq % hkv != 0 || q.getDimSize(2) % hq != 0 ||
      k.getDimSize(2) % hkv != 0 || v.getDimSize(2) % hkv != 0)
    return emitOptionalError(loc, "linear attention head counts do not divide the hidden sizes");
  int64_t dk = q.getDimSize(2) / hq, dv = v.getDimSize(2) / hkv;
  inferred.push_back(RankedTensorType::get({q.getDimSize(0), q.getDimSize(1), hq * dv},
                                           q.getElementType()));
  Type stateType = adaptor.getPastState() ? getRanked(adaptor.getPastState()).getElementType()
                                          : q.getElementType();
  inferred.push_back(RankedTensorType::get({q.getDimSize(0), hkv, dk, dv}, stateType));
  return success();
}

LogicalResult LinearAttentionOp::verify() {
  auto q = getRanked(getQuery()), k = getRanked(getKey()), v = getRanked(getValue());
  int64_t hq = getQNumHeads(), hkv = getKvNumHeads();
  int64_t b = q.getDimSize(0), t = q.getDimSize(1), dk = q.getDimSize(2) / hq;
  if (k.getDimSize(0) != b || v.getDimSize(0) != b || k.getDimSize(1) != t ||
      v.getDimSize(1) != t || k.getDimSize(2) != hkv * dk)
    return emitOpError("key and value shapes do not match the query");
  int64_t rule = getUpdateRule();
  if (rule < 0 || rule > 3)
    return emitOpError("update_rule must be 0 to 3, got ") << rule;
  bool gated = rule == 1 || rule == 3;
  bool delta = rule >= 2;
  if (gated != static_cast<bool>(getDecay()))
    return emitOpError(gated ? "gated rules need decay" : "decay is only for gated rules");
  if (delta != static_cast<bool>(getBeta()))
    return emitOpError(delta ? "delta rules need beta" : "beta is only for delta rules");
  if (Value decay = getDecay()) {
    auto d = getRanked(decay);
    if (d.getRank() != 3 || d.getDimSize(0) != b || d.getDimSize(1) != t ||
        (d.getDimSize(2) != hkv && d.getDimSize(2) != hkv * dk))
      return emitOpError("decay must be [") << b << ", " << t << ", " << hkv << " or "
                                            << hkv * dk << "], got " << d;
  }
  if (Value beta = getBeta()) {
    auto d = getRanked(beta);
    if (d.getRank() != 3 || d.getDimSize(0) != b || d.getDimSize(1) != t ||
        (d.getDimSize(2) != hkv && d.getDimSize(2) != 1))
      return emitOpError("beta must be [") << b << ", " << t << ", " << hkv << " or 1], got "
                                           << d;
  }
  if (Value past = getPastState())
    if (getRanked(past).getShape() != getPresentState().getType().getShape())
      return emitOpError("past_state must have the state's shape ")
             << getPresentState().getType();
  return success();
}

//===- GraphControlFlowOps.cpp - graph dialect: controlflow ops -----------===//
//
// Result-type inference, verifiers and folders of the ops in GraphControlFlowOps.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/GraphOpUtils.h"

using namespace mlir;
using namespace modelc;
using namespace modelc::graph;

//===----------------------------------------------------------------------===//
// RecurrentOp
//===----------------------------------------------------------------------===//

int64_t RecurrentOp::getNumGates() {
  switch (getKind()) {
  case RecurrentKind::rnn:
    return 1;
  case RecurrentKind::gru:
    return 3;
  case RecurrentKind::lstm:
    return 4;
  }
  llvm_unreachable("unknown recurrent kind");
}

int64_t RecurrentOp::getNumFunctions() {
  return getKind() == RecurrentKind::lstm ? 3 : getNumGates() == 3 ? 2 : 1;
}

LogicalResult RecurrentOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &inferred) {
  auto x = getRanked(adaptor.getInput()), w = getRanked(adaptor.getW());
  if (x.getRank() != 3 || w.getRank() != 3)
    return emitOptionalError(loc, "expected 3-d X and W, got ", x, " and ", w);
  int64_t dirs = adaptor.getDirection() == 2 ? 2 : 1, hidden = adaptor.getHiddenSize();
  Type et = x.getElementType();
  inferred.push_back(RankedTensorType::get({x.getDimSize(0), dirs, x.getDimSize(1), hidden}, et));
  inferred.push_back(RankedTensorType::get({dirs, x.getDimSize(1), hidden}, et));
  inferred.push_back(RankedTensorType::get({dirs, x.getDimSize(1), hidden}, et));
  return success();
}

LogicalResult RecurrentOp::verify() {
  int64_t dirs = getDirection() == 2 ? 2 : 1, hidden = getHiddenSize(), gates = getNumGates();
  auto x = getRanked(getInput());
  int64_t batch = x.getDimSize(1), in = x.getDimSize(2);
  auto expect = [&](Value v, ArrayRef<int64_t> shape, StringRef what) -> LogicalResult {
    if (getRanked(v).getShape() != shape || getRanked(v).getElementType() != x.getElementType())
      return emitOpError(what) << " has type " << v.getType() << ", expected shape ["
                               << llvm::make_range(shape.begin(), shape.end()) << "] of "
                               << x.getElementType();
    return success();
  };
  if (getDirection() < 0 || getDirection() > 2)
    return emitOpError("direction must be 0, 1 or 2");
  if (hidden <= 0)
    return emitOpError("hidden_size must be positive");
  if (static_cast<int64_t>(getActivations().size()) != dirs * getNumFunctions() ||
      getAlphas().size() != getActivations().size() || getBetas().size() != getActivations().size())
    return emitOpError("expected ")
           << dirs * getNumFunctions() << " activations with one alpha and beta each";
  if (getRanked(getSequenceLens()).getShape() != ArrayRef<int64_t>{batch})
    return emitOpError("sequence_lens must have shape [") << batch << "]";
  return failure(failed(expect(getW(), {dirs, gates * hidden, in}, "W")) ||
                 failed(expect(getR(), {dirs, gates * hidden, hidden}, "R")) ||
                 failed(expect(getB(), {dirs, 2 * gates * hidden}, "B")) ||
                 failed(expect(getInitialH(), {dirs, batch, hidden}, "initial_h")) ||
                 failed(expect(getInitialC(), {dirs, batch, hidden}, "initial_c")) ||
                 failed(expect(getP(), {dirs, 3 * hidden}, "P")));
}

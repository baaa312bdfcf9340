//===- FuseElementwise.cpp - Fuse elementwise kernels into producers ------===//
//
// Epilogue fusion on the kernel dialect. Before memory planning every alloc is written by
// exactly one kernel, so "the producer of a buffer" and "its readers" are plain use lists.
// An elementwise kernel E reading buffer T (not broadcast) is merged into T's producer P
// (GEMM, convolution or elementwise) when T has no other reader and E's other inputs are
// ready before P runs; P then writes E's output directly and T disappears.
//
//===----------------------------------------------------------------------===//

#include "passes/KernelUtils.h"
#include "passes/Passes.h"
#include "passes/lowering/Patterns.h"

#include "mlir/IR/IRMapping.h"

#define DEBUG_TYPE "modelc-fuse-elementwise"

namespace modelc {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

/// The producer's scalar region, its leading (non-input) argument count and its inputs.
struct FusionSite {
  Region *region;
  unsigned leading;
  MutableOperandRange inputs;
};

std::optional<FusionSite> getSite(Operation *op) {
  if (auto e = dyn_cast<kernel::ElementwiseOp>(op))
    return FusionSite{&e.getBody(), 0, e.getInputsMutable()};
  if (auto g = dyn_cast<kernel::GemmOp>(op))
    return FusionSite{&g.getEpilogue(), 1, g.getEpilogueInputsMutable()};
  if (auto c = dyn_cast<kernel::ConvOp>(op))
    return FusionSite{&c.getEpilogue(), 1, c.getEpilogueInputsMutable()};
  return std::nullopt;
}

/// Is every buffer in `values` fully written before `point`?
bool readyBefore(ValueRange values, Operation *point) {
  for (Value v : values) {
    Value root = getRootBuffer(v);
    auto writes = [&](Operation *user, Value buffer) {
      return llvm::is_contained(getWrittenBuffers(user), buffer) && !user->isBeforeInBlock(point);
    };
    for (Operation *user : root.getUsers())
      if (writes(user, root))
        return false;
    // Writes through views of the root count too.
    for (Operation *user : root.getUsers())
      if (auto view = dyn_cast<kernel::ViewOp>(user))
        for (Operation *viewUser : view.getResult().getUsers())
          if (writes(viewUser, view.getResult()))
            return false;
  }
  return true;
}

/// Tries to fuse `consumer` into the producer of one of its inputs.
bool fuseOne(kernel::ElementwiseOp consumer) {
  auto outType = cast<MemRefType>(consumer.getOut().getType());
  for (Value in : consumer.getInputs()) {
    auto alloc = in.getDefiningOp<kernel::AllocOp>();
    if (!alloc || cast<MemRefType>(in.getType()).getShape() != outType.getShape())
      continue;
    // The alloc must be used by exactly its producer (as out) and the consumer.
    Operation *producer = nullptr;
    bool ok = true;
    for (OpOperand &use : alloc.getResult().getUses()) {
      Operation *user = use.getOwner();
      if (user == consumer)
        continue;
      if (!producer && getWrittenBuffer(user) == alloc.getResult() && getSite(user))
        producer = user;
      else
        ok = false;
    }
    if (!ok || !producer || producer->getBlock() != consumer->getBlock())
      continue;
    // A GEMM or conv writes its own element type: its epilogue may not change it.
    Type producedType = cast<MemRefType>(in.getType()).getElementType();
    if (!isa<kernel::ElementwiseOp>(producer) && outType.getElementType() != producedType)
      continue;
    // Other consumer inputs and the consumer's output must be usable at the producer.
    SmallVector<Value> extra;
    for (Value v : consumer.getInputs())
      if (v != in)
        extra.push_back(v);
    if (!readyBefore(extra, producer))
      continue;
    // The extra inputs and the consumer's output buffer must exist where the producer runs:
    // allocs, weights and views have no inputs besides their source, so they can move up.
    // Anything else defined after the producer blocks the fusion.
    SmallVector<Operation *> chain;
    auto collect = [&](Value v) {
      for (Operation *def = v.getDefiningOp(); def; def = v.getDefiningOp()) {
        if (def->getBlock() != producer->getBlock() || def->isBeforeInBlock(producer))
          return true;
        if (!isa<kernel::AllocOp, kernel::ViewOp, kernel::WeightOp>(def))
          return false;
        chain.push_back(def);
        auto view = dyn_cast<kernel::ViewOp>(def);
        if (!view)
          return true;
        v = view.getSource();
      }
      return true;
    };
    Value out = consumer.getOut();
    if (!collect(out) || !llvm::all_of(extra, collect))
      continue;
    // Sources before their views; each op moves once.
    llvm::sort(chain, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    chain.erase(std::unique(chain.begin(), chain.end()), chain.end());
    for (Operation *def : chain)
      def->moveBefore(producer);

    FusionSite site = *getSite(producer);
    Type accType = scalarTypeOf(producedType); // a GEMM/conv accumulator
    // Build the merged body: [leading] + producer inputs + extra inputs.
    SmallVector<Type> argTypes;
    SmallVector<Location> argLocs;
    Block *oldBlock = site.region->empty() ? nullptr : &site.region->front();
    unsigned numOld = site.inputs.size();
    for (unsigned i = 0; i < site.leading; ++i)
      argTypes.push_back(accType);
    for (OpOperand &v : site.inputs)
      argTypes.push_back(scalarTypeOf(cast<MemRefType>(v.get().getType()).getElementType()));
    for (Value v : extra)
      argTypes.push_back(scalarTypeOf(cast<MemRefType>(v.getType()).getElementType()));
    argLocs.assign(argTypes.size(), consumer.getLoc());
    auto *newBlock = new Block();
    newBlock->addArguments(argTypes, argLocs);
    OpBuilder b(consumer.getContext());
    b.setInsertionPointToEnd(newBlock);
    IRMapping map;
    Value produced;
    if (oldBlock) {
      for (auto [oldArg, newArg] : llvm::zip(oldBlock->getArguments(), newBlock->getArguments()))
        map.map(oldArg, newArg);
      for (Operation &op : oldBlock->without_terminator())
        b.clone(op, map);
      produced = map.lookup(cast<kernel::YieldOp>(oldBlock->getTerminator()).getValue());
    } else {
      produced = newBlock->getArgument(0); // plain accumulator
    }
    Block &cBlock = consumer.getBody().front();
    unsigned extraIdx = 0;
    for (auto [arg, v] : llvm::zip(cBlock.getArguments(), consumer.getInputs()))
      map.map(arg, v == in ? produced : newBlock->getArgument(site.leading + numOld + extraIdx++));
    for (Operation &op : cBlock.without_terminator())
      b.clone(op, map);
    b.create<kernel::YieldOp>(consumer.getLoc(),
                              map.lookup(cast<kernel::YieldOp>(cBlock.getTerminator()).getValue()));
    if (oldBlock)
      oldBlock->erase();
    site.region->push_back(newBlock);
    site.inputs.append(extra);
    // The producer now writes the consumer's output.
    producer->replaceUsesOfWith(alloc.getResult(), out);
    producer->setLoc(
        FusedLoc::get(producer->getContext(), {producer->getLoc(), consumer.getLoc()}));
    consumer.erase();
    alloc.erase();
    return true;
  }
  return false;
}

struct FuseElementwisePass : modelc::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    bool changed = true;
    while (changed) {
      changed = false;
      SmallVector<kernel::ElementwiseOp> candidates;
      getOperation().walk([&](kernel::ElementwiseOp op) { candidates.push_back(op); });
      for (kernel::ElementwiseOp op : candidates)
        if (fuseOne(op)) {
          changed = true;
          break; // use lists changed: collect again
        }
    }
  }
};

} // namespace

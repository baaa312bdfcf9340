//===- PlanMemory.cpp - Static memory plan: one arena, reused slots -------===//
//
// A model output produced by one kernel into an arena buffer and then copied out is written
// by that kernel straight into the output argument (no copy, no slot); the inputs of a Concat
// whose parts are contiguous are written in place into its result. Each `kernel.alloc`
// lives from the first kernel that touches it (directly or through a view) to the last. An elementwise kernel whose input buffer dies at that kernel may
// write its output over it (same size, read at the same index). Slots are then placed
// first-fit in start order at 64-byte aligned offsets; the function records the arena size
// as `kernel.arena_bytes`.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/ConstantUtils.h"
#include "passes/KernelUtils.h"
#include "passes/Passes.h"

#include "llvm/ADT/DenseMap.h"

#include <algorithm>

#define DEBUG_TYPE "modelc-plan-memory"

namespace modelc {
#define GEN_PASS_DEF_PLANMEMORY
#include "passes/Passes.h.inc"
} // namespace modelc

using namespace mlir;
using namespace modelc;

namespace {

constexpr int64_t kAlignment = 64;

int64_t bufferBytes(Value v) {
  auto t = cast<MemRefType>(v.getType());
  int64_t bytes = t.getNumElements() * getElementByteSize(t.getElementType());
  return (std::max<int64_t>(bytes, 1) + kAlignment - 1) / kAlignment * kAlignment;
}

struct Interval {
  int64_t start = INT64_MAX, end = -1, bytes = 0, offset = -1;
  SmallVector<kernel::AllocOp> allocs; // allocs sharing this slot
};

/// Whether block argument `v` is an output of the model (kernel.io = "output").
bool isModelOutput(func::FuncOp func, Value v) {
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner() != &func.getBody().front())
    return false;
  auto io = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kernel.io");
  return io && io.getValue() == "output";
}

/// The kernels that write `buffer` directly or through views (collected transitively), and
/// whether every user (through views) is in `block`.
bool writersOf(Value buffer, Block *block, SmallVectorImpl<Operation *> &writers) {
  SmallVector<Value> aliases = {buffer};
  for (size_t a = 0; a < aliases.size(); ++a)
    for (Operation *user : aliases[a].getUsers()) {
      if (user->getBlock() != block)
        return false;
      if (auto view = dyn_cast<kernel::ViewOp>(user)) {
        aliases.push_back(view.getResult());
        continue;
      }
      if (llvm::is_contained(getWrittenBuffers(user), aliases[a]))
        writers.push_back(user);
    }
  return true;
}

/// Lets the kernel producing a model output write it into the caller's buffer: for
/// `kernel.copy %buf, %out` with %out an output argument used by nothing else and %buf an
/// arena buffer of the same type written (directly or through views) by one kernel before the
/// copy, %buf becomes %out and the copy goes. When the copy reads a view of %buf that nothing
/// else uses (a reshaped result, as a conv GEMM's 1x1xCxHW for an NxCxHxW output), %buf
/// becomes the reverse view of %out. Graph outputs thus cost no final copy and no arena space (the
/// caller's output buffers must not overlap its inputs or each other, see the header).
void forwardOutputCopies(func::FuncOp func) {
  SmallVector<kernel::CopyOp> copies;
  func.walk([&](kernel::CopyOp c) { copies.push_back(c); });
  for (kernel::CopyOp copy : copies) {
    Value src = copy.getOperand(0), out = copy.getOperand(1);
    auto view = src.getDefiningOp<kernel::ViewOp>();
    if (view) {
      if (!src.hasOneUse())
        continue;
      src = view.getSource();
    }
    auto alloc = src.getDefiningOp<kernel::AllocOp>();
    if (!alloc || !isModelOutput(func, out) || !out.hasOneUse() ||
        (!view && src.getType() != out.getType()) || alloc->getBlock() != copy->getBlock())
      continue;
    // The buffer and its other views (a GEMM writes its NxCxHxW result through a 1x1xCxHW
    // view): one kernel before the copy writes them, all in the copy's block.
    SmallVector<Operation *> writers;
    if (!writersOf(src, copy->getBlock(), writers) || writers.size() != 1 ||
        !writers.front()->isBeforeInBlock(copy))
      continue;
    copy.erase();
    Value replacement = out;
    if (view) {
      view.erase();
      OpBuilder b(alloc);
      replacement = b.create<kernel::ViewOp>(alloc.getLoc(), alloc.getType(), out);
    }
    alloc.getResult().replaceAllUsesWith(replacement);
    alloc.erase();
  }
}

/// Lets the producers of a Concat's inputs write straight into the concatenated buffer: for
/// `kernel.concat ins(%a, %b) outs(%out)` along an axis with only size-1 dimensions before it
/// (so each input is one contiguous run of %out), where each input is an arena buffer that
/// one kernel before the concat writes (directly or through views) and %out is written by
/// the concat alone, %a becomes `kernel.view %out {offset = 0}`, %b the view at %a's size,
/// and the concat goes. SqueezeNet's fire modules and Inception/DenseNet blocks concatenate
/// this way. Bundles with a dynamic dimension (--dim) keep their concats: their runtime
/// extents differ from the compiled ones the offsets are computed from.
void eliminateConcats(func::FuncOp func) {
  for (BlockArgument arg : func.getArguments())
    if (func.getArgAttr(arg.getArgNumber(), "graph.dims"))
      return;
  SmallVector<kernel::ConcatOp> concats;
  func.walk([&](kernel::ConcatOp c) { concats.push_back(c); });
  for (kernel::ConcatOp concat : concats) {
    Block *block = concat->getBlock();
    auto outType = cast<MemRefType>(concat.getOut().getType());
    int64_t axis = concat.getAxis();
    if (llvm::any_of(outType.getShape().take_front(axis), [](int64_t d) { return d != 1; }))
      continue;
    // %out: an arena buffer or a model output (or a plain view of one), written by the concat
    // only. The parts are views of the root, which comes before every input buffer.
    bool plain = true;
    for (Value v = concat.getOut(); auto view = v.getDefiningOp<kernel::ViewOp>();
         v = view.getSource())
      plain &= !view.getOffset().has_value();
    Value outRoot = getRootBuffer(concat.getOut());
    if (!plain)
      continue;
    auto outAlloc = outRoot.getDefiningOp<kernel::AllocOp>();
    if (!outAlloc && !isModelOutput(func, outRoot))
      continue;
    if (outAlloc && outAlloc->getBlock() != block)
      continue;
    SmallVector<Operation *> outWriters;
    if (!writersOf(outRoot, block, outWriters) || outWriters.size() != 1 ||
        outWriters.front() != concat)
      continue;
    // Every input: a distinct arena buffer in this block with one writer before the concat.
    SmallVector<kernel::AllocOp> inputs;
    bool ok = true;
    for (Value in : concat.getInputs()) {
      auto alloc = in.getDefiningOp<kernel::AllocOp>();
      SmallVector<Operation *> writers;
      ok = alloc && alloc->getBlock() == block && !llvm::is_contained(inputs, alloc) &&
           writersOf(alloc.getResult(), block, writers) && writers.size() == 1 &&
           writers.front()->isBeforeInBlock(concat) &&
           cast<MemRefType>(in.getType()).getElementType() == outType.getElementType();
      if (!ok)
        break;
      inputs.push_back(alloc);
    }
    if (!ok || inputs.empty())
      continue;
    // The views go where the input buffers were; %out must be defined by then.
    if (outAlloc)
      for (kernel::AllocOp alloc : inputs)
        if (alloc->isBeforeInBlock(outAlloc))
          outAlloc->moveBefore(alloc);
    int64_t offset = 0;
    for (kernel::AllocOp alloc : inputs) {
      OpBuilder b(alloc);
      Value part = b.create<kernel::ViewOp>(alloc.getLoc(), alloc.getType(), outRoot,
                                            b.getI64IntegerAttr(offset));
      offset += alloc.getType().getNumElements();
      alloc.getResult().replaceAllUsesWith(part);
      alloc.erase();
    }
    concat.erase();
  }
}

void planFunction(func::FuncOp func) {
  forwardOutputCopies(func);
  eliminateConcats(func);
  Block &body = func.getBody().front();
  DenseMap<Operation *, int64_t> index;
  int64_t i = 0;
  for (Operation &op : body)
    index[&op] = i++;

  // Live range of each alloc, through views.
  DenseMap<Operation *, std::pair<int64_t, int64_t>> range;
  SmallVector<kernel::AllocOp> allocs;
  for (Operation &op : body) {
    auto alloc = dyn_cast<kernel::AllocOp>(op);
    if (!alloc)
      continue;
    allocs.push_back(alloc);
    std::pair<int64_t, int64_t> r = {INT64_MAX, -1};
    SmallVector<Value> worklist = {alloc.getResult()};
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      for (Operation *user : v.getUsers()) {
        if (auto view = dyn_cast<kernel::ViewOp>(user)) {
          worklist.push_back(view.getResult());
          continue;
        }
        Operation *top = body.findAncestorOpInBlock(*user);
        r.first = std::min(r.first, index[top]);
        r.second = std::max(r.second, index[top]);
      }
    }
    if (r.second < 0) // never used: give it an empty range at its definition
      r = {index[alloc], index[alloc]};
    range[alloc] = r;
  }

  // Slots, with elementwise outputs written over dying inputs.
  DenseMap<Operation *, unsigned> slotOf;
  SmallVector<Interval> slots;
  for (kernel::AllocOp alloc : allocs) {
    auto [start, end] = range[alloc];
    std::optional<unsigned> reuse;
    Operation *writer = nullptr;
    for (Operation *user : alloc.getResult().getUsers())
      if (getWrittenBuffer(user) == alloc.getResult())
        writer = user;
    if (auto ew = dyn_cast_or_null<kernel::ElementwiseOp>(writer); ew && index[ew] == start) {
      auto outShape = cast<MemRefType>(alloc.getType()).getShape();
      for (Value in : ew.getInputs()) {
        auto src = getRootBuffer(in).getDefiningOp<kernel::AllocOp>();
        // Equal element sizes: a wider output element would overwrite unread inputs.
        if (!src || !slotOf.count(src) || bufferBytes(src) != bufferBytes(alloc) ||
            getElementByteSize(src.getType().getElementType()) !=
                getElementByteSize(alloc.getType().getElementType()) ||
            range[src].second != start)
          continue;
        bool sameIndex = llvm::all_of(ew.getInputs(), [&](Value other) {
          return getRootBuffer(other) != src.getResult() ||
                 cast<MemRefType>(other.getType()).getShape() == outShape;
        });
        Interval &slot = slots[slotOf[src]];
        if (sameIndex && slot.end == start) {
          reuse = slotOf[src];
          break;
        }
      }
    }
    if (reuse) {
      slots[*reuse].end = std::max(slots[*reuse].end, end);
      slots[*reuse].allocs.push_back(alloc);
      slotOf[alloc] = *reuse;
      continue;
    }
    slotOf[alloc] = slots.size();
    Interval slot;
    slot.start = start;
    slot.end = end;
    slot.bytes = bufferBytes(alloc);
    slot.allocs.push_back(alloc);
    slots.push_back(slot);
  }

  // First-fit placement in start order.
  SmallVector<unsigned> order(slots.size());
  for (unsigned s = 0; s < slots.size(); ++s)
    order[s] = s;
  llvm::stable_sort(order, [&](unsigned a, unsigned b) { return slots[a].start < slots[b].start; });
  SmallVector<unsigned> active;
  int64_t arena = 0;
  for (unsigned s : order) {
    Interval &slot = slots[s];
    llvm::erase_if(active, [&](unsigned a) { return slots[a].end < slot.start; });
    llvm::sort(active, [&](unsigned a, unsigned b) { return slots[a].offset < slots[b].offset; });
    int64_t offset = 0;
    for (unsigned a : active) {
      if (offset + slot.bytes <= slots[a].offset)
        break;
      offset = std::max(offset, slots[a].offset + slots[a].bytes);
    }
    slot.offset = offset;
    arena = std::max(arena, offset + slot.bytes);
    active.push_back(s);
  }
  Builder b(func.getContext());
  for (Interval &slot : slots)
    for (kernel::AllocOp alloc : slot.allocs)
      alloc.setOffsetAttr(b.getI64IntegerAttr(slot.offset));
  func->setAttr("kernel.arena_bytes", b.getI64IntegerAttr(arena));
}

struct PlanMemoryPass : modelc::impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp f) {
      if (!f.getBody().empty())
        planFunction(f);
    });
  }
};

} // namespace

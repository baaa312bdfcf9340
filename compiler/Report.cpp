//===- Report.cpp - The compile report (modelc --report, -v) --------------===//
//
// Reads the planned kernel-dialect function and the bundle's layout (BundleSummary) and
// describes them as JSON. Work estimates come from the kernel ops themselves: 2*M*N*K per
// GEMM, 2 * outputs * (C/group * kernel taps) per convolution, one operation per output
// element for every scalar op of an elementwise body or epilogue, the lowering's cost for
// library calls. Each scalar op keeps the location of the ONNX node it came from through
// fusion, so a fused kernel's work is split between the nodes it covers.
//
//===----------------------------------------------------------------------===//

#include "compiler/Report.h"

#include "dialects/Kernel/KernelOps.h"
#include "passes/KernelUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/Pass.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatAdapters.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace modelc;
namespace json = llvm::json;

//===----------------------------------------------------------------------===//
// Pass timing
//===----------------------------------------------------------------------===//

void PassTimeRecorder::runBeforePass(Pass *pass, Operation *op) {
  std::lock_guard<std::mutex> lock(mutex);
  size_t index = done.size() + running.size();
  running[pass] = {index, Clock::now()};
  bool topLevel = isa<ModuleOp>(op);
  if (!topLevel)
    return;
  ++started;
  if (progress) {
    llvm::errs() << "modelc: [" << started;
    if (totalPasses > 0)
      llvm::errs() << "/" << totalPasses;
    llvm::errs() << "] " << pass->getArgument() << "\n";
  }
}

void PassTimeRecorder::finish(Pass *pass) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = running.find(pass);
  if (it == running.end())
    return;
  Entry e;
  e.name = pass->getName().str();
  e.argument = pass->getArgument().str();
  e.seconds = std::chrono::duration<double>(Clock::now() - it->second.second).count();
  running.erase(it);
  done.push_back(e);
}

void PassTimeRecorder::runAfterPass(Pass *pass, Operation *) { finish(pass); }
void PassTimeRecorder::runAfterPassFailed(Pass *pass, Operation *) { finish(pass); }

std::vector<PassTimeRecorder::Entry> PassTimeRecorder::entries() const {
  std::lock_guard<std::mutex> lock(mutex);
  return done;
}

//===----------------------------------------------------------------------===//
// Kernel analysis
//===----------------------------------------------------------------------===//

namespace {

/// ONNX-style element type name ("float32", "int64", "bool").
std::string dtypeName(Type t) {
  if (t.isF32())
    return "float32";
  if (t.isF64())
    return "float64";
  if (t.isF16())
    return "float16";
  if (t.isBF16())
    return "bfloat16";
  if (t.isInteger(1))
    return "bool";
  if (auto it = dyn_cast<IntegerType>(t))
    return (it.isUnsigned() ? "uint" : "int") + std::to_string(it.getWidth());
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

int64_t elementBytes(Type t) {
  if (t.isInteger(1))
    return 1;
  return (t.getIntOrFloatBitWidth() + 7) / 8;
}

MemRefType memrefOf(Value v) { return cast<MemRefType>(v.getType()); }

int64_t bufferBytes(Value v) {
  MemRefType t = memrefOf(v);
  return t.getNumElements() * elementBytes(t.getElementType());
}

json::Array shapeArray(MemRefType t) {
  json::Array a;
  for (int64_t d : t.getShape())
    a.push_back(d);
  return a;
}

/// The ONNX node names of a location, in order, without repeats.
void collectNames(Location loc, std::vector<std::string> &names) {
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      std::string n = name.getName().str();
      if (!llvm::is_contained(names, n))
        names.push_back(n);
    }
    return WalkResult::advance();
  });
}

std::string firstName(Location loc) {
  std::vector<std::string> names;
  collectNames(loc, names);
  return names.empty() ? "" : names.front();
}

/// Operations of the kernel's own computation (not its epilogue), by op kind.
int64_t mainFlops(Operation *op) {
  return llvm::TypeSwitch<Operation *, int64_t>(op)
      .Case([](kernel::GemmOp g) {
        int64_t mn = g.getM() * g.getN();
        int64_t batch = mn ? memrefOf(g.getOut()).getNumElements() / mn : 0;
        return 2 * batch * mn * g.getK();
      })
      .Case([](kernel::ConvOp c) {
        MemRefType w = memrefOf(c.getWeight());
        int64_t taps = 1;
        for (int64_t d : w.getShape().drop_front())
          taps *= d;
        int64_t out = memrefOf(c.getOut()).getNumElements();
        return 2 * out * taps + (c.getBias() ? out : 0);
      })
      .Case([](kernel::PoolOp p) {
        int64_t window = 1;
        for (int64_t k : p.getKernelShape())
          window *= k;
        return memrefOf(p.getOut()).getNumElements() * window;
      })
      // One combine per input element (the map and finalize bodies are not counted).
      .Case([](kernel::ReduceOp r) { return memrefOf(r.getInput()).getNumElements(); })
      .Case([](kernel::CallOp c) { return c.getCost() * c.getTasks(); })
      .Default([](Operation *) { return int64_t(0); });
}

/// The output buffer whose elements an elementwise body or epilogue is evaluated for.
Value bodyDomain(Operation *op) {
  if (auto e = dyn_cast<kernel::ElementwiseOp>(op))
    return e.getOut();
  if (auto g = dyn_cast<kernel::GemmOp>(op))
    return g.getOut();
  if (auto c = dyn_cast<kernel::ConvOp>(op))
    return c.getOut();
  return {};
}

struct KernelInfo {
  std::string name, op;
  std::vector<std::string> nodes;
  int64_t flops = 0, bytesRead = 0, bytesWritten = 0;
  std::vector<std::pair<std::string, int64_t>> flopsByNode;
  json::Object extra; // GEMM sizes and tile
};

KernelInfo analyzeKernel(const BundleSummary::Kernel &k) {
  KernelInfo info;
  Operation *op = k.op;
  info.name = k.name;
  info.op = op->getName().getStringRef().str();
  collectNames(op->getLoc(), info.nodes);
  std::string primary = info.nodes.empty() ? "" : info.nodes.front();
  std::map<std::string, int64_t> byNode;
  std::vector<std::string> order;
  auto add = [&](const std::string &node, int64_t flops) {
    if (!flops)
      return;
    if (!byNode.count(node))
      order.push_back(node);
    byNode[node] += flops;
    info.flops += flops;
  };
  add(primary, mainFlops(op));
  if (Value domain = bodyDomain(op)) {
    int64_t elements = memrefOf(domain).getNumElements();
    for (Region &region : op->getRegions())
      region.walk([&](Operation *inner) {
        if (isa<kernel::YieldOp>(inner))
          return;
        std::string node = firstName(inner->getLoc());
        if (node.empty())
          node = primary;
        else if (!llvm::is_contained(info.nodes, node))
          info.nodes.push_back(node);
        add(node, elements);
      });
  }
  for (const std::string &node : order)
    info.flopsByNode.push_back({node, byNode[node]});

  llvm::SmallVector<Value, 2> written = getWrittenBuffers(op);
  for (Value v : op->getOperands()) {
    if (!isa<MemRefType>(v.getType()))
      continue;
    (llvm::is_contained(written, v) ? info.bytesWritten : info.bytesRead) += bufferBytes(v);
  }

  if (auto g = dyn_cast<kernel::GemmOp>(op)) {
    int64_t mn = g.getM() * g.getN();
    info.extra["m"] = g.getM();
    info.extra["n"] = g.getN();
    info.extra["k"] = g.getK();
    info.extra["batch"] = mn ? memrefOf(g.getOut()).getNumElements() / mn : 0;
    if (std::optional<ArrayRef<int64_t>> tile = g.getTile()) {
      json::Object t;
      const char *keys[] = {"mc", "kc", "nc", "mr", "nr"};
      for (auto [i, v] : llvm::enumerate(*tile))
        if (i < 5)
          t[keys[i]] = v;
      info.extra["tile"] = std::move(t);
    } else {
      info.extra["tile"] = nullptr;
    }
  }
  return info;
}

/// The name of a constant: its resource key (the ONNX initializer, or the blob a fold made).
std::string weightName(kernel::WeightOp w) {
  if (auto res = dyn_cast<DenseResourceElementsAttr>(w.getValue()))
    return res.getRawHandle().getKey().str();
  std::string node = firstName(w.getLoc());
  return node.empty() ? "<inline constant>" : node;
}

} // namespace

json::Value modelc::buildReport(ModuleOp module, const BundleSummary &bundle,
                                const CompileInfo &info) {
  json::Object report;
  report["schema"] = "modelc-report/1";
  report["modelc_version"] = info.version;
  report["model"] = info.modelPath;
  report["name"] = info.name;
  report["target"] = info.target;
  json::Object options;
  options["opt_level"] = info.optLevel;
  options["profile"] = info.profile;
  json::Object shapes;
  for (const auto &[name, dims] : info.inputShapes) {
    json::Array a;
    for (int64_t d : dims)
      a.push_back(d);
    shapes[name] = std::move(a);
  }
  options["input_shapes"] = std::move(shapes);
  json::Object frozen;
  for (const auto &[name, file] : info.frozenInputs)
    frozen[name] = file;
  options["frozen_inputs"] = std::move(frozen);
  report["options"] = std::move(options);

  auto func = module.lookupSymbol<func::FuncOp>("main");
  json::Array inputs, outputs;
  if (func)
    for (BlockArgument arg : func.getArguments()) {
      auto io = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "kernel.io");
      auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "graph.name");
      MemRefType t = memrefOf(arg);
      json::Object o;
      o["name"] = name ? name.str() : "arg" + std::to_string(arg.getArgNumber());
      o["dtype"] = dtypeName(t.getElementType());
      o["shape"] = shapeArray(t);
      (io && io.getValue() == "output" ? outputs : inputs).push_back(std::move(o));
    }
  report["inputs"] = std::move(inputs);
  report["outputs"] = std::move(outputs);

  // Kernels, their fusion groups and tiles.
  json::Array kernels, fusionGroups, tiles;
  llvm::MapVector<std::string, std::pair<int64_t, std::vector<std::string>>,
                  std::map<std::string, unsigned>>
      nodes;
  llvm::DenseMap<Operation *, std::string> kernelOfOp;
  int64_t totalFlops = 0, totalBytes = 0;
  for (auto [index, k] : llvm::enumerate(bundle.kernels)) {
    KernelInfo ki = analyzeKernel(k);
    kernelOfOp[k.op] = ki.name;
    totalFlops += ki.flops;
    totalBytes += ki.bytesRead + ki.bytesWritten;
    json::Object o;
    o["index"] = static_cast<int64_t>(index);
    o["name"] = ki.name;
    o["op"] = ki.op;
    json::Array nodeList;
    for (const std::string &n : ki.nodes) {
      nodeList.push_back(n);
      auto &entry = nodes[n];
      if (!llvm::is_contained(entry.second, ki.name))
        entry.second.push_back(ki.name);
    }
    for (const auto &[n, f] : ki.flopsByNode)
      nodes[n].first += f;
    o["nodes"] = json::Array(nodeList);
    o["flops"] = ki.flops;
    o["bytes_read"] = ki.bytesRead;
    o["bytes_written"] = ki.bytesWritten;
    if (ki.nodes.size() > 1) {
      json::Object g;
      g["kernel"] = ki.name;
      g["nodes"] = std::move(nodeList);
      fusionGroups.push_back(std::move(g));
    }
    if (ki.op == "kernel.gemm") {
      json::Object t = ki.extra;
      t["kernel"] = ki.name;
      tiles.push_back(std::move(t));
      for (auto &kv : ki.extra)
        o[kv.first] = kv.second;
    }
    kernels.push_back(std::move(o));
  }
  json::Array nodeArray;
  for (auto &[n, entry] : nodes) {
    json::Object o;
    o["name"] = n;
    o["flops"] = entry.first;
    json::Array ks;
    for (const std::string &k : entry.second)
      ks.push_back(k);
    o["kernels"] = std::move(ks);
    nodeArray.push_back(std::move(o));
  }

  // Layout decisions: ops a pass tagged with a `kernel.layout` string.
  json::Array layouts;
  if (func)
    func.walk([&](Operation *op) {
      if (auto layout = op->getAttrOfType<StringAttr>("kernel.layout")) {
        json::Object o;
        o["kernel"] = kernelOfOp.lookup(op);
        o["op"] = op->getName().getStringRef().str();
        o["layout"] = layout.str();
        layouts.push_back(std::move(o));
      }
    });

  // Memory plan: every arena buffer with the kernels that write it.
  llvm::DenseMap<Operation *, std::vector<std::string>> writers;
  for (const BundleSummary::Kernel &k : bundle.kernels)
    for (Value v : getWrittenBuffers(k.op))
      if (Operation *root = getRootBuffer(v).getDefiningOp())
        writers[root].push_back(kernelOfOp.lookup(k.op));
  json::Array buffers;
  if (func)
    func.walk([&](kernel::AllocOp alloc) {
      json::Object o;
      o["offset"] = alloc.getOffset().value_or(0);
      o["bytes"] = bufferBytes(alloc.getResult());
      o["dtype"] = dtypeName(memrefOf(alloc.getResult()).getElementType());
      o["shape"] = shapeArray(memrefOf(alloc.getResult()));
      o["node"] = firstName(alloc.getLoc());
      json::Array w;
      for (const std::string &k : writers.lookup(alloc))
        w.push_back(k);
      o["written_by"] = std::move(w);
      buffers.push_back(std::move(o));
    });
  json::Object memory;
  memory["arena_bytes"] = bundle.arenaBytes;
  memory["buffers"] = std::move(buffers);
  report["memory"] = std::move(memory);

  // Weights file: each distinct constant with the kernels reading it.
  llvm::DenseMap<Attribute, std::vector<std::string>> readers;
  for (const BundleSummary::Kernel &k : bundle.kernels)
    for (Value v : k.op->getOperands())
      if (isa<MemRefType>(v.getType()))
        if (auto w = getRootBuffer(v).getDefiningOp<kernel::WeightOp>()) {
          auto &list = readers[w.getValue()];
          if (!llvm::is_contained(list, kernelOfOp.lookup(k.op)))
            list.push_back(kernelOfOp.lookup(k.op));
        }
  json::Array weightArray;
  for (const BundleSummary::Weight &w : bundle.weights) {
    auto op = cast<kernel::WeightOp>(w.op);
    json::Object o;
    o["name"] = weightName(op);
    o["offset"] = w.offset;
    o["bytes"] = w.bytes;
    o["dtype"] = dtypeName(memrefOf(op.getResult()).getElementType());
    o["shape"] = shapeArray(memrefOf(op.getResult()));
    json::Array r;
    for (const std::string &k : readers.lookup(op.getValue()))
      r.push_back(k);
    o["read_by"] = std::move(r);
    weightArray.push_back(std::move(o));
  }
  json::Object weights;
  weights["bytes"] = bundle.weightsBytes;
  weights["constants"] = std::move(weightArray);
  report["weights"] = std::move(weights);

  json::Object totals;
  totals["kernels"] = static_cast<int64_t>(bundle.kernels.size());
  totals["graph_ops"] = info.graphOps;
  totals["flops"] = totalFlops;
  totals["bytes"] = totalBytes;
  report["totals"] = std::move(totals);
  report["kernels"] = std::move(kernels);
  report["nodes"] = std::move(nodeArray);
  report["fusion_groups"] = std::move(fusionGroups);
  report["gemm_tiles"] = std::move(tiles);
  report["layout_decisions"] = std::move(layouts);

  json::Array passes;
  for (const PassTimeRecorder::Entry &e : info.passes) {
    json::Object o;
    o["name"] = e.name;
    o["argument"] = e.argument;
    o["seconds"] = e.seconds;
    passes.push_back(std::move(o));
  }
  report["passes"] = std::move(passes);
  json::Object stages;
  stages["import_seconds"] = info.importSeconds;
  stages["pipeline_seconds"] = info.pipelineSeconds;
  stages["emit_seconds"] = info.emitSeconds;
  report["stages"] = std::move(stages);
  return json::Value(std::move(report));
}

//===----------------------------------------------------------------------===//
// Human summary
//===----------------------------------------------------------------------===//

namespace {

int64_t intOf(const json::Object *o, StringRef key) {
  if (!o)
    return 0;
  return o->getInteger(key).value_or(0);
}

std::string strOf(const json::Object *o, StringRef key) {
  if (!o)
    return "";
  return o->getString(key).value_or("").str();
}

std::string joinNames(const json::Array *a, StringRef sep) {
  std::string s;
  if (a)
    for (const json::Value &v : *a)
      s += (s.empty() ? "" : sep.str()) + v.getAsString().value_or("").str();
  return s;
}

std::string shapeText(const json::Object *o) {
  std::string s = strOf(o, "dtype") + "[";
  if (const json::Array *shape = o ? o->getArray("shape") : nullptr)
    for (auto [i, d] : llvm::enumerate(*shape))
      s += (i ? "," : "") + std::to_string(d.getAsInteger().value_or(0));
  return s + "]";
}

} // namespace

void modelc::printReportSummary(const json::Value &value, llvm::raw_ostream &os) {
  const json::Object *r = value.getAsObject();
  if (!r)
    return;
  const json::Object *options = r->getObject("options");
  const json::Object *totals = r->getObject("totals");
  os << "modelc: " << strOf(r, "model") << " -> " << strOf(r, "name") << " (" << strOf(r, "target")
     << ", -O" << intOf(options, "opt_level") << ")\n";
  os << llvm::formatv("  {0} kernel{1} from {2} graph ops, {3:f3} MFLOP, {4:f3} MB read+written "
                      "by kernels\n",
                      intOf(totals, "kernels"), intOf(totals, "kernels") == 1 ? "" : "s",
                      intOf(totals, "graph_ops"),
                      intOf(totals, "flops") / 1e6, intOf(totals, "bytes") / 1e6);

  const json::Array *kernels = r->getArray("kernels");
  size_t nameWidth = 6, opWidth = 2;
  if (kernels)
    for (const json::Value &k : *kernels) {
      nameWidth = std::max(nameWidth, strOf(k.getAsObject(), "name").size());
      opWidth = std::max(opWidth, strOf(k.getAsObject(), "op").size());
    }
  os << llvm::formatv("  {0}  {1}  {2,12}  {3,10}  {4}\n",
                      llvm::fmt_align("kernel", llvm::AlignStyle::Left, nameWidth),
                      llvm::fmt_align("op", llvm::AlignStyle::Left, opWidth), "MFLOP", "KB r+w",
                      "ONNX node(s)");
  if (kernels)
    for (const json::Value &v : *kernels) {
      const json::Object *k = v.getAsObject();
      os << llvm::formatv("  {0}  {1}  {2,12:f4}  {3,10:f1}  {4}\n",
                          llvm::fmt_align(strOf(k, "name"), llvm::AlignStyle::Left, nameWidth),
                          llvm::fmt_align(strOf(k, "op"), llvm::AlignStyle::Left, opWidth),
                          intOf(k, "flops") / 1e6,
                          (intOf(k, "bytes_read") + intOf(k, "bytes_written")) / 1e3,
                          joinNames(k->getArray("nodes"), " + "));
    }

  const json::Array *groups = r->getArray("fusion_groups");
  os << "  fusion groups: " << (groups ? groups->size() : 0) << "\n";
  if (groups)
    for (const json::Value &v : *groups)
      os << "    " << strOf(v.getAsObject(), "kernel") << ": "
         << joinNames(v.getAsObject()->getArray("nodes"), " + ") << "\n";

  const json::Array *tiles = r->getArray("gemm_tiles");
  os << "  GEMM tiles [mc,kc,nc,mr,nr]: " << (tiles && !tiles->empty() ? "" : "none") << "\n";
  if (tiles)
    for (const json::Value &v : *tiles) {
      const json::Object *t = v.getAsObject();
      os << "    " << strOf(t, "kernel") << ": M=" << intOf(t, "m") << " N=" << intOf(t, "n")
         << " K=" << intOf(t, "k") << " batch=" << intOf(t, "batch") << " tile ";
      if (const json::Object *tile = t->getObject("tile"))
        os << intOf(tile, "mc") << "," << intOf(tile, "kc") << "," << intOf(tile, "nc") << ","
           << intOf(tile, "mr") << "," << intOf(tile, "nr") << "\n";
      else
        os << "none\n";
    }

  const json::Array *layouts = r->getArray("layout_decisions");
  if (!layouts || layouts->empty())
    os << "  layout decisions: none recorded (every buffer keeps its row-major ONNX layout)\n";
  else
    for (const json::Value &v : *layouts)
      os << "  layout: " << strOf(v.getAsObject(), "kernel") << ": "
         << strOf(v.getAsObject(), "layout") << "\n";

  const json::Object *memory = r->getObject("memory");
  const json::Array *buffers = memory ? memory->getArray("buffers") : nullptr;
  os << "  arena: " << intOf(memory, "arena_bytes") << " bytes, " << (buffers ? buffers->size() : 0)
     << " buffers\n";
  if (buffers)
    for (const json::Value &v : *buffers) {
      const json::Object *b = v.getAsObject();
      os << llvm::formatv("    offset {0,10}  {1,10} B  {2}  written by {3}\n", intOf(b, "offset"),
                          intOf(b, "bytes"), shapeText(b),
                          joinNames(b->getArray("written_by"), ", "));
    }
  const json::Object *weights = r->getObject("weights");
  const json::Array *constants = weights ? weights->getArray("constants") : nullptr;
  os << "  weights: " << intOf(weights, "bytes") << " bytes, "
     << (constants ? constants->size() : 0) << " constants\n";

  if (const json::Array *passes = r->getArray("passes")) {
    os << "  passes:\n";
    for (const json::Value &v : *passes) {
      const json::Object *p = v.getAsObject();
      os << llvm::formatv("    {0,9:f6} s  {1}\n", p->getNumber("seconds").value_or(0),
                          strOf(p, "argument"));
    }
  }
  const json::Object *stages = r->getObject("stages");
  if (stages)
    os << llvm::formatv("  import {0:f3} s, passes {1:f3} s, emit {2:f3} s\n",
                        stages->getNumber("import_seconds").value_or(0),
                        stages->getNumber("pipeline_seconds").value_or(0),
                        stages->getNumber("emit_seconds").value_or(0));
}

//===- GraphDialect.h - modelc graph dialect --------------------*- C++ -*-===//
//
// Declares the graph dialect: tensor-level ops with ONNX semantics.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_GRAPH_GRAPHDIALECT_H
#define MODELC_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Graph/GraphDialect.h.inc"

#endif // MODELC_DIALECTS_GRAPH_GRAPHDIALECT_H

//===- GraphDialect.h - modelc graph dialect --------------------*- C++ -*-===//
//
// Declares the graph dialect (tensor-level ops with ONNX semantics) and its element types.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_GRAPH_GRAPHDIALECT_H
#define MODELC_DIALECTS_GRAPH_GRAPHDIALECT_H

#include "mlir/IR/BuiltinTypeInterfaces.h"
#include "mlir/IR/Dialect.h"

#include "dialects/Graph/GraphDialect.h.inc"

#define GET_TYPEDEF_CLASSES
#include "dialects/Graph/GraphTypes.h.inc"

#endif // MODELC_DIALECTS_GRAPH_GRAPHDIALECT_H

//===- GraphOps.h - modelc graph dialect operations -------------*- C++ -*-===//
//
// Declares the graph dialect's operations (generated from GraphOps.td).
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_DIALECTS_GRAPH_GRAPHOPS_H
#define MODELC_DIALECTS_GRAPH_GRAPHOPS_H

#include "dialects/Graph/GraphDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/Graph/GraphEnums.h.inc"

#define GET_OP_CLASSES
#include "dialects/Graph/GraphOps.h.inc"

#endif // MODELC_DIALECTS_GRAPH_GRAPHOPS_H

//===- Registration.h - Dialect and pass registration -----------*- C++ -*-===//
//
// One place that lists what modelc's tools load: the dialects of every IR level and all
// passes and pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_COMPILER_REGISTRATION_H
#define MODELC_COMPILER_REGISTRATION_H

#include "mlir/IR/DialectRegistry.h"

namespace modelc {
/// Adds graph, kernel, func, arith and math to `registry`.
void registerDialects(mlir::DialectRegistry &registry);
/// Registers every modelc pass and the `modelc-pipeline` pass pipeline.
void registerPassesAndPipelines();
} // namespace modelc

#endif // MODELC_COMPILER_REGISTRATION_H

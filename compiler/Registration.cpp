//===- Registration.cpp - Dialect and pass registration -------------------===//
//
// See Registration.h.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration.h"

#include "dialects/Graph/GraphDialect.h"
#include "dialects/Kernel/KernelDialect.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/Passes.h"

void modelc::registerDialects(mlir::DialectRegistry &registry) {
  registry.insert<graph::GraphDialect, kernel::KernelDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::math::MathDialect>();
}

void modelc::registerPassesAndPipelines() {
  registerModelcPasses();
  registerPipeline();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
}

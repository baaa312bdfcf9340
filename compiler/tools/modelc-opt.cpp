//===- modelc-opt.cpp - modelc's mlir-opt ---------------------------------===//
//
// MlirOptMain with modelc's dialects, passes and pipeline registered, for lit tests and for
// inspecting any level of the IR: `modelc-opt --modelc-pipeline` runs exactly what modelc
// runs.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  modelc::registerDialects(registry);
  modelc::registerPassesAndPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "modelc optimizer driver\n", registry));
}

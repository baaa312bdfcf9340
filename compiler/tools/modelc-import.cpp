//===- modelc-import.cpp - Print the graph dialect of an ONNX model -------===//
//
// Test driver of the ONNX importer: imports one model and prints the module (MLIR's
// printing flags apply, e.g. --mlir-print-debuginfo shows the node locations). Errors go
// to stderr as `<model path>: error: <message>` and the exit code is 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/import/OnnxImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static llvm::cl::opt<std::string> inputFile(llvm::cl::Positional, llvm::cl::desc("<model.onnx>"),
                                            llvm::cl::Required);
static llvm::cl::opt<std::string> outputFile("o", llvm::cl::desc("Output file"),
                                             llvm::cl::value_desc("file"), llvm::cl::init("-"));
static llvm::cl::opt<bool> noPrint("no-print",
                                   llvm::cl::desc("Import and verify only; print nothing"),
                                   llvm::cl::init(false), llvm::cl::Hidden);
static llvm::cl::list<std::string>
    inputShapes("input-shape",
                llvm::cl::desc("Pin the shape of a graph input (repeatable); NAME= is a "
                               "scalar, NAME=[AxB;C] a sequence"),
                llvm::cl::value_desc("NAME=AxBxC"));

/// `file` for the importer's FileLineColLoc(file, 0, 0), `file:line:col` otherwise.
static std::string describe(Location loc) {
  auto file = loc->findInstanceOf<FileLineColLoc>();
  if (!file)
    return "<unknown>";
  std::string s = file.getFilename().str();
  if (file.getLine() != 0)
    s += ":" + std::to_string(file.getLine()) + ":" + std::to_string(file.getColumn());
  return s;
}

static void printDiagnostic(Diagnostic &diag) {
  const char *severity = "error";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Note:
    severity = "note";
    break;
  case DiagnosticSeverity::Warning:
    severity = "warning";
    break;
  case DiagnosticSeverity::Remark:
    severity = "remark";
    break;
  case DiagnosticSeverity::Error:
    break;
  }
  llvm::errs() << describe(diag.getLocation()) << ": " << severity << ": " << diag << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  llvm::cl::ParseCommandLineOptions(argc, argv, "modelc ONNX importer test driver\n");

  modelc::ImportOptions options;
  for (const std::string &spec : inputShapes) {
    std::string why;
    if (!modelc::parseInputShapeSpec(spec, options, why)) {
      llvm::errs() << "error: invalid --input-shape '" << spec << "': " << why << "\n";
      return 1;
    }
  }

  MLIRContext context;
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    printDiagnostic(diag);
    return success();
  });
  OwningOpRef<ModuleOp> module = modelc::importOnnxModel(context, inputFile, options);
  if (!module)
    return 1;
  if (noPrint)
    return 0;

  std::string error;
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "error: " << error << "\n";
    return 1;
  }
  module->print(output->os(), OpPrintingFlags());
  output->os() << "\n";
  output->keep();
  return 0;
}

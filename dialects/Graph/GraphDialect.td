//===- GraphDialect.td - modelc graph dialect definition ------------------===//
//
// The graph dialect holds tensor-level operations with ONNX semantics: value semantics,
// ranked and (after import) statically shaped tensors. The importer produces it; shape
// inference, folding and graph rewrites run on it; LowerToKernel turns it into the kernel
// dialect.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_DIALECT_TD
#define MODELC_GRAPH_DIALECT_TD

include "mlir/IR/OpBase.td"

def Graph_Dialect : Dialect {
  let name = "graph";
  let cppNamespace = "::modelc::graph";
  let summary = "Tensor-level operations with ONNX semantics";
  let description = [{
    Each op mirrors one ONNX operator (or a family, after import-time normalization:
    `Flatten`, `Squeeze` and `Unsqueeze` become `graph.reshape`, `Identity` and inference
    `Dropout` vanish). Ops infer their result types from operands and attributes, so every
    tensor in an imported model has a static shape. Weights are `DenseResourceElementsAttr`
    blobs held by `graph.constant`.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 0;
  let useDefaultTypePrinterParser = 1;
}

#endif // MODELC_GRAPH_DIALECT_TD

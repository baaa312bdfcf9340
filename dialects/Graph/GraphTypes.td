//===- GraphTypes.td - modelc graph dialect element types -----------------===//
//
// ONNX element types that MLIR 19 has no builtin type for: FLOAT4E2M1 and FLOAT8E8M0 (MLIR 20
// adds f4E2M1FN and f8E8M0FNU; these carry the same names). They are storage types only:
// tensors and buffers hold their bit patterns, one element per byte, and elementwise bodies
// see them as i8 bit patterns that explicit arith sequences convert (ONNX Cast semantics).
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_TYPES_TD
#define MODELC_GRAPH_TYPES_TD

include "dialects/Graph/GraphDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinTypeInterfaces.td"

class Graph_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<Graph_Dialect, name, !listconcat(traits, [MemRefElementTypeInterface])> {
  let mnemonic = typeMnemonic;
}

def Graph_Float4E2M1FNType : Graph_Type<"Float4E2M1FN", "f4E2M1FN"> {
  let summary = "4-bit float, 2 exponent and 1 mantissa bits (ONNX FLOAT4E2M1)";
  let description = [{
    Bias 1, no infinity or NaN, values 0, 0.5, 1, 1.5, 2, 3, 4, 6 and their negatives. Stored
    as the 4-bit code in the low bits of one byte per element.

    ```mlir
    %y = graph.cast %x : (tensor<4xf32>) -> tensor<4x!graph.f4E2M1FN>
    ```
  }];
}

def Graph_Float8E8M0FNUType : Graph_Type<"Float8E8M0FNU", "f8E8M0FNU"> {
  let summary = "8-bit power of two, 8 exponent bits (ONNX FLOAT8E8M0)";
  let description = [{
    The value of code e is 2^(e - 127); 0xFF is NaN; there is no sign, zero or infinity.

    ```mlir
    %y = graph.cast %x {round_mode = 0 : i32} : (tensor<4xf32>) -> tensor<4x!graph.f8E8M0FNU>
    ```
  }];
}

/// Element types without an MLIR builtin equivalent.
def Graph_StorageFloat : AnyTypeOf<[Graph_Float4E2M1FNType, Graph_Float8E8M0FNUType]>;

#endif // MODELC_GRAPH_TYPES_TD

//===- GraphControlFlowOps.td - graph dialect: controlflow ops ------------===//
//
// Graph ops of one family: recurrent ops (LSTM, GRU, RNN) and control flow (If, Loop, Scan).
// Included by GraphOps.td, so Graph_Op, Graph_Tensor and the other base definitions are in
// scope. Type inference, verifiers and folders go in GraphControlFlowOps.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_GRAPH_CONTROLFLOW_OPS_TD
#define MODELC_GRAPH_CONTROLFLOW_OPS_TD

def Graph_RecurrentKindAttr : I32EnumAttr<"RecurrentKind", "recurrent cell",
    [I32EnumAttrCase<"rnn", 0>, I32EnumAttrCase<"gru", 1>, I32EnumAttrCase<"lstm", 2>]> {
  let cppNamespace = "::modelc::graph";
}

def Graph_RecurrentOp : Graph_Op<"recurrent", [InferTypeOpAdaptor]> {
  let summary = "A recurrent layer over a sequence (ONNX RNN, GRU, LSTM)";
  let description = [{
    The importer normalizes every variant to one form: `layout` 0 (X is seq x batch x input),
    all optional inputs materialized (zero biases, zero initial states and peepholes,
    full sequence lengths), `activations` as codes (0 Relu, 1 Tanh, 2 Sigmoid, 3 Affine,
    4 LeakyRelu, 5 ThresholdedRelu, 6 ScaledTanh, 7 HardSigmoid, 8 Elu, 9 Softsign,
    10 Softplus), one per gate function and direction, with their `alphas` and `betas`
    resolved. `direction` is 0 forward, 1 reverse, 2 bidirectional. Results are Y
    (seq x dirs x batch x hidden), Y_h and Y_c (dirs x batch x hidden; Y_c is zero except
    for LSTM). W is dirs x gates*hidden x input, R dirs x gates*hidden x hidden, B dirs x
    2*gates*hidden, P (peepholes) dirs x 3*hidden.

    ```mlir
    %y, %yh, %yc = graph.recurrent %x, %w, %r, %b, %lens, %h0, %c0, %p
        {kind = 2 : i32, direction = 0 : i64, hidden_size = 3 : i64,
         activations = array<i64: 2, 1, 1>, alphas = array<f32: 0.0, 0.0, 0.0>,
         betas = array<f32: 0.0, 0.0, 0.0>}
        : (...) -> (tensor<2x1x3x3xf32>, tensor<1x3x3xf32>, tensor<1x3x3xf32>)
    ```
  }];
  let arguments = (ins Graph_FloatTensor:$input, Graph_FloatTensor:$w, Graph_FloatTensor:$r,
                       Graph_FloatTensor:$b, RankedTensorOf<[I32]>:$sequence_lens,
                       Graph_FloatTensor:$initial_h, Graph_FloatTensor:$initial_c,
                       Graph_FloatTensor:$p, Graph_RecurrentKindAttr:$kind,
                       I64Attr:$direction, I64Attr:$hidden_size,
                       DenseI64ArrayAttr:$activations, DenseF32ArrayAttr:$alphas,
                       DenseF32ArrayAttr:$betas, OptionalAttr<F32Attr>:$clip,
                       DefaultValuedAttr<BoolAttr, "false">:$linear_before_reset,
                       DefaultValuedAttr<BoolAttr, "false">:$input_forget);
  let results = (outs Graph_FloatTensor:$y, Graph_FloatTensor:$y_h, Graph_FloatTensor:$y_c);
  let assemblyFormat = [{
    $input `,` $w `,` $r `,` $b `,` $sequence_lens `,` $initial_h `,` $initial_c `,` $p
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Gates per cell: 1 (RNN), 3 (GRU), 4 (LSTM).
    int64_t getNumGates();
    /// Gate functions per direction: 1 (RNN), 2 (GRU), 3 (LSTM).
    int64_t getNumFunctions();
  }];
}

#endif // MODELC_GRAPH_CONTROLFLOW_OPS_TD

#!/usr/bin/env python3
"""Builds examples/models/tiny_cnn.onnx: a small image classifier (opset 17).

Conv-BN-ReLU stem, one residual block, max pooling, global average pooling and a Gemm
classifier over 10 classes, on 1x3x32x32 images, with fixed random weights (seed 0). The
graph uses the same op patterns as a torchvision export, so it exercises BatchNorm folding,
im2col + GEMM, epilogue fusion and memory planning in a few kilobytes.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main(path):
    rng = np.random.default_rng(0)
    inits, nodes = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def conv_bn_relu(x, cin, cout, name, relu=True):
        w = const(name + ".w", rng.normal(0, (2.0 / (cin * 9)) ** 0.5, (cout, cin, 3, 3)))
        nodes.append(helper.make_node("Conv", [x, w], [name + ".conv"], name=name + "/Conv",
                                      pads=[1, 1, 1, 1], kernel_shape=[3, 3]))
        bn = [const(name + ".bn." + k, v) for k, v in (
            ("scale", rng.uniform(0.5, 1.5, cout)), ("bias", rng.normal(0, 0.1, cout)),
            ("mean", rng.normal(0, 0.1, cout)), ("var", rng.uniform(0.5, 1.5, cout)))]
        nodes.append(helper.make_node("BatchNormalization", [name + ".conv"] + bn,
                                      [name + ".bn"], name=name + "/BatchNormalization"))
        if not relu:
            return name + ".bn"
        nodes.append(helper.make_node("Relu", [name + ".bn"], [name + ".relu"],
                                      name=name + "/Relu"))
        return name + ".relu"

    x = conv_bn_relu("image", 3, 16, "stem")
    y = conv_bn_relu(x, 16, 16, "block.0")
    y = conv_bn_relu(y, 16, 16, "block.1", relu=False)
    nodes.append(helper.make_node("Add", [y, x], ["block.add"], name="block/Add"))
    nodes.append(helper.make_node("Relu", ["block.add"], ["block.out"], name="block/Relu"))
    nodes.append(helper.make_node("MaxPool", ["block.out"], ["pool"], name="pool/MaxPool",
                                  kernel_shape=[2, 2], strides=[2, 2]))
    nodes.append(helper.make_node("GlobalAveragePool", ["pool"], ["gap"], name="gap"))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], name="flatten", axis=1))
    w = const("fc.w", rng.normal(0, 0.25, (10, 16)))
    b = const("fc.b", rng.normal(0, 0.1, 10))
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["logits"], name="fc/Gemm", transB=1))
    nodes.append(helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1))
    graph = helper.make_graph(
        nodes, "tiny_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 32, 32])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="modelc-examples")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tiny_cnn.onnx")

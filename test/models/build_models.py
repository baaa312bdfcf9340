#!/usr/bin/env python3
"""build_models.py - the in-repo model set for modelc's end-to-end tests.

Builds ONNX models (opset 17, IR version 8) with onnx.helper, with the real layer shapes of the
torchvision architectures and random weights from a fixed seed. The graphs mirror what
torch.onnx.export (TorchScript exporter, eval mode, do_constant_folding=True, opset 17) writes:
BatchNorm folded into Conv bias, ReLU6 as Clip with initializer bounds, SiLU as Sigmoid + Mul,
AdaptiveAvgPool2d(1) as GlobalAveragePool, Linear as Gemm(transB=1), Dropout gone. --keep-bn keeps
the BatchNormalization nodes instead (some exporters do); the random draws are the same in both
modes, so a model computes the same function with and without --keep-bn.

Weights are He-init. While building, every tensor is also computed with NumPy on a batch of
random images, and each BatchNorm gets running statistics that normalize its input there, as in
a trained network, so activations stay O(1) through any depth and at any --image-size (the
logits have a standard deviation of about 0.2 to 1.2). Residual branches end in a BatchNorm of
small scale, as trained networks' do; this keeps float32 rounding differences small, so that a
correct compiler passes a 1e-4 relative tolerance with a margin.

  build_models.py --out DIR [--only resnet18,mobilenet_v2] [--image-size 64] [--keep-bn]
"""

import argparse
import os
import sys
import zlib

import numpy as np
import onnx
from numpy.lib.stride_tricks import sliding_window_view
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IR_VERSION = 8
# Weight variance of the SE gate conv, times 1/fan_in, by gate: its input is a channel mean,
# smaller than the activations, and some gate inputs should saturate (HardSigmoid's clamps need
# |x| > 3). More makes EfficientNet's 16 gates amplify rounding differences.
SE_GAIN = {"sigmoid": 8.0, "hardsigmoid": 20.0}
# BatchNorm scale at the end of a residual branch (see Net.conv).
RES_GAMMA = 0.25


def _conv(x, w, b=None, *, group, kernel_shape, pads, strides, dilations):
    k, s, p = kernel_shape[0], strides[0], pads[0]
    win = sliding_window_view(np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))), (k, k), axis=(2, 3))
    win = win[:, :, ::s, ::s]  # N C Ho Wo k k
    if group == 1:
        y = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2)
    else:
        assert group == x.shape[1] == w.shape[0], "only dense and depthwise convs"
        y = np.einsum("nchwij,cij->nchw", win, w[:, 0])
    return y if b is None else y + b[:, None, None]


def _maxpool(x, *, ceil_mode, kernel_shape, pads, strides, dilations):
    k, s, p = kernel_shape[0], strides[0], pads[0]
    size = x.shape[2] + 2 * p - k
    extra = (-size) % s if ceil_mode else 0  # ceil_mode: a last, partial window
    x = np.pad(x, ((0, 0), (0, 0), (p, p + extra), (p, p + extra)), constant_values=-np.inf)
    return sliding_window_view(x, (k, k), axis=(2, 3))[:, :, ::s, ::s].max((4, 5))


def _bn(x, g, b, m, v, *, epsilon, momentum):
    s = g / np.sqrt(v + epsilon)
    return x * s[:, None, None] + (b - m * s)[:, None, None]


# NumPy versions of the ops the builders emit, run on a random input while building: they give
# BatchNorm its running statistics (see Net.conv) and the output shape.
EVAL = {
    "Add": np.add, "Mul": np.multiply, "Relu": lambda x: np.maximum(x, 0),
    "Clip": np.clip, "Sigmoid": lambda x: 0.5 + 0.5 * np.tanh(0.5 * x),
    "HardSigmoid": lambda x, alpha, beta: np.clip(alpha * x + beta, 0, 1),
    "HardSwish": lambda x: x * np.clip(x / 6 + 0.5, 0, 1),
    "Conv": _conv, "MaxPool": _maxpool, "BatchNormalization": _bn,
    "GlobalAveragePool": lambda x: x.mean((2, 3), keepdims=True),
    "Flatten": lambda x, axis: x.reshape(x.shape[0], -1),
    "Gemm": lambda a, b, c, alpha, beta, transB: a @ b.T + c,
    "Concat": lambda *xs, axis: np.concatenate(xs, axis),
    "Shape": lambda x: np.array(x.shape, np.int64), "Gather": lambda x, i, axis: x[i],
    "Unsqueeze": lambda x, axes: np.expand_dims(x, tuple(axes)),
    "Reshape": lambda x, shape: x.reshape(shape),
    "Constant": lambda value: numpy_helper.to_array(value),
}


class Net:
    """Appends ONNX nodes and initializers; every method returns the name of its output tensor.

    `path` arguments are torch module paths ("layer1.0.conv1"): they name the initializers the
    way torch does ("layer1.0.conv1.weight") and the nodes in the exporter's style
    ("/layer1/0/conv1/Conv"). Every tensor is also computed (`val`) on random inputs, in
    float64 so that the weights hardly depend on the BLAS (their last bits rarely do).
    """

    def __init__(self, name, seed, keep_bn, bn_eps=1e-5):
        self.name, self.keep_bn, self.bn_eps, self.seed = name, keep_bn, bn_eps, seed
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.used, self.val = [], [], set(), {}
        # The CNN builders compute every tensor with NumPy (EVAL); the others (bert_encoder,
        # det_head, lstm_model) set this to False: they have no BatchNorm statistics to derive,
        # their weight scales keep activations O(1) by construction, and the output shape comes
        # from ONNX shape inference.
        self.evaluate = True

    def input(self, name, shape):
        """The graph input. Its value is a batch of random images, enough for about 50 values
        per channel after a stride of 32, so that every BatchNorm sees dependable statistics."""
        self.inp = helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)
        self.batch = shape[0]
        if not self.evaluate:
            return name
        if len(shape) == 2:  # feature vectors: the graph's own batch
            batch = shape[0]
        else:
            batch = max(1, round(50 / np.ceil(shape[2] / 32) / np.ceil(shape[3] / 32)))
        self.val[name] = np.random.default_rng(self.seed + 1).uniform(
            -1, 1, [batch] + shape[1:]).astype(np.float32).astype(np.float64)
        return name

    def init(self, name, array):
        self.val[name] = np.asarray(array)
        self.inits.append(numpy_helper.from_array(self.val[name], name))
        return name

    def op(self, op_type, inputs, path, evaluate=True, outputs=1, **attrs):
        """Appends a node; returns its output's name, or the list of `outputs` names."""
        base = "/".join(["", *path.split("."), op_type] if path else ["", op_type])
        name, k = base, 0
        while name in self.used:
            k += 1
            name = f"{base}_{k}"
        self.used.add(name)
        outs = [f"{name}_output_{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, outs, name=name, **attrs))
        if evaluate and self.evaluate:
            self.val[outs[0]] = EVAL[op_type](*[self.val[i] for i in inputs], **attrs)
        return outs[0] if outputs == 1 else outs

    def const(self, array, path):
        """A Constant node, as the exporter emits for Python-side integers."""
        return self.op("Constant", [], path, value=numpy_helper.from_array(np.asarray(array)))

    # Layers.
    def conv(self, x, cin, cout, k, path, stride=1, groups=1, pad=None, bn=None, act=None,
             gain=2.0, gamma=1.0):
        """Conv2d (+ BatchNorm2d at module path `bn`) (+ activation `act`).

        The weights are He-init (variance gain/fan_in). BatchNorm's running statistics are
        those of its input on the random images, perturbed a little as trained running averages
        are, and its scale is about `gamma`: RES_GAMMA at the end of a residual branch. With
        scale 1 there, or with per-channel variances, float32 rounding differences grow ~1.3x
        per block of a random ResNet-50 and its logits differ from onnxruntime's by ~1e-4."""
        pad = (k - 1) // 2 if pad is None else pad
        w = self.rng.normal(0.0, np.sqrt(gain / (cin // groups * k * k)),
                            (cout, cin // groups, k, k)).astype(np.float32)
        b = self.rng.normal(0.0, 0.05, cout).astype(np.float32)
        attrs = dict(dilations=[1, 1], group=groups, kernel_shape=[k, k], pads=[pad] * 4,
                     strides=[stride, stride])
        if bn is None:
            x = self.op("Conv", [x, self.init(path + ".weight", w),
                                 self.init(path + ".bias", b)], path, **attrs)
            return act(x, path) if act else x
        y = _conv(self.val[x], w, **attrs)
        mean, var = y.mean((0, 2, 3)), np.full(cout, y.var((0, 2, 3)).mean())  # See above.
        bnp = [gamma * self.rng.uniform(0.7, 1.3, cout), self.rng.normal(0.0, 0.2 * gamma, cout),
               mean + self.rng.normal(0.0, 0.1, cout) * np.sqrt(var),
               var * self.rng.uniform(0.8, 1.25, cout)]
        bnp = [v.astype(np.float32) for v in bnp]
        value = _bn(y, *[v.astype(np.float64) for v in bnp], epsilon=self.bn_eps, momentum=0.9)
        if self.keep_bn:
            x = self.op("Conv", [x, self.init(path + ".weight", w)], path, False, **attrs)
            names = [self.init(f"{bn}.{n}", v) for n, v in
                     zip(("weight", "bias", "running_mean", "running_var"), bnp)]
            x = self.op("BatchNormalization", [x] + names, bn, False, epsilon=self.bn_eps,
                        momentum=0.9)
        else:  # do_constant_folding: W' = W*s, b' = beta - mean*s, s = gamma/sqrt(var+eps).
            gamma, beta, mean, var = [v.astype(np.float64) for v in bnp]
            s = gamma / np.sqrt(var + self.bn_eps)
            wf = (w * s[:, None, None, None]).astype(np.float32)
            x = self.op("Conv", [x, self.init(path + ".weight", wf),
                                 self.init(path + ".bias", (beta - mean * s).astype(np.float32))],
                        path, False, **attrs)
        # Both forms carry the same value forward, so they get the same weights downstream.
        self.val[x] = value
        return act(x, path) if act else x

    def linear(self, x, cin, cout, path, gain=1.0):
        w = self.rng.normal(0.0, np.sqrt(gain / cin), (cout, cin)).astype(np.float32)
        b = self.rng.normal(0.0, 0.05, cout).astype(np.float32)
        return self.op("Gemm", [x, self.init(path + ".weight", w), self.init(path + ".bias", b)],
                       path, alpha=1.0, beta=1.0, transB=1)

    def relu(self, x, path):
        return self.op("Relu", [x], path)

    def relu6(self, x, path):
        if "clip_min" not in self.val:
            self.init("clip_min", np.array(0.0, np.float32))
            self.init("clip_max", np.array(6.0, np.float32))
        return self.op("Clip", [x, "clip_min", "clip_max"], path)

    def silu(self, x, path):
        return self.op("Mul", [x, self.op("Sigmoid", [x], path)], path)

    def sigmoid(self, x, path):
        return self.op("Sigmoid", [x], path)

    def hardswish(self, x, path):
        return self.op("HardSwish", [x], path)

    def hardsigmoid(self, x, path):
        return self.op("HardSigmoid", [x], path, alpha=1.0 / 6.0, beta=0.5)

    def add(self, a, b, path):
        return self.op("Add", [a, b], path)

    def maxpool(self, x, k, stride, pad, path, ceil=0):
        return self.op("MaxPool", [x], path, ceil_mode=ceil, dilations=[1, 1], kernel_shape=[k, k],
                       pads=[pad] * 4, strides=[stride, stride])

    def gap(self, x, path):
        return self.op("GlobalAveragePool", [x], path)

    def flatten(self, x, path, style="flatten"):
        """torch.flatten(x, 1) ("flatten"), x.view(x.size(0), -1) ("shape_chain"), or that
        view with the batch size constant-folded into a shape initializer ("reshape")."""
        if style == "flatten":
            return self.op("Flatten", [x], path, axis=1)
        if style == "reshape":
            out = self.op("Reshape", [x, self.init(path + ".shape", np.array([1, -1], np.int64))],
                          path, False)
            self.val[out] = self.val[x].reshape(self.val[x].shape[0], -1)  # Keep the batch.
            return out
        n = self.op("Gather", [self.op("Shape", [x], path), self.const(np.int64(0), path)], path,
                    axis=0)
        n = self.op("Unsqueeze", [n, self.const(np.array([0], np.int64), path)], path)
        shape = self.op("Concat", [n, self.const(np.array([-1], np.int64), path)], path, axis=0)
        return self.op("Reshape", [x, shape], path)

    def se(self, x, c, squeeze, path, act, gate):
        """torchvision.ops.SqueezeExcitation: scale * input."""
        s = self.gap(x, path + ".avgpool")
        s = self.conv(s, c, squeeze, 1, path + ".fc1", act=act)
        s = self.conv(s, squeeze, c, 1, path + ".fc2", act=gate, gain=SE_GAIN[gate.__name__])
        return self.op("Mul", [s, x], path)

    def model(self, out, out_name):
        """Renames `out` to the graph output `out_name` and wraps everything in a ModelProto."""
        for n in self.nodes:
            n.output[:] = [out_name if o == out else o for o in n.output]
        if self.evaluate:
            shape = (self.batch,) + self.val[out].shape[1:]
        else:  # The shape ONNX infers (every input shape is static).
            g = helper.make_graph(self.nodes, self.name, [self.inp], [], initializer=self.inits)
            g = onnx.shape_inference.infer_shapes(
                helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)],
                                  ir_version=IR_VERSION), strict_mode=True).graph
            (info,) = [v for v in g.value_info if v.name == out_name]
            shape = [d.dim_value for d in info.type.tensor_type.shape.dim]
        graph = helper.make_graph(
            self.nodes, self.name, [self.inp],
            [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, shape)],
            initializer=self.inits)
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="modelc-build_models", ir_version=IR_VERSION)
        onnx.checker.check_model(m, full_check=True)
        return m

    # Layers of the non-CNN models (no NumPy evaluation).
    def matmul_linear(self, x, cin, cout, path, gain=1.0):
        """torch.nn.Linear on a 3-D input as exported: MatMul by the transposed weight (an
        initializer of shape [cin, cout]), then Add of the bias."""
        w = self.rng.normal(0.0, np.sqrt(gain / cin), (cin, cout)).astype(np.float32)
        b = self.rng.normal(0.0, 0.05, cout).astype(np.float32)
        y = self.op("MatMul", [x, self.init(path + ".weight", w)], path)
        return self.op("Add", [self.init(path + ".bias", b), y], path)

    def layernorm(self, x, d, path, eps=1e-12):
        g = self.rng.uniform(0.8, 1.2, d).astype(np.float32)
        b = self.rng.normal(0.0, 0.1, d).astype(np.float32)
        return self.op("LayerNormalization", [x, self.init(path + ".weight", g),
                                              self.init(path + ".bias", b)], path, axis=-1,
                       epsilon=eps)

    def gelu(self, x, path):
        """nn.GELU() (exact) as torch exports it at opset 17: x * 0.5 * (1 + erf(x / sqrt(2)))."""
        y = self.op("Div", [x, self.const(np.float32(1.4142135381698608), path)], path)
        y = self.op("Add", [self.op("Erf", [y], path), self.const(np.float32(1.0), path)], path)
        y = self.op("Mul", [x, y], path)
        return self.op("Mul", [y, self.const(np.float32(0.5), path)], path)

    def resize(self, x, path, mode, ctm, scales=None, sizes=None):
        """F.interpolate as exported: roi omitted, scales or sizes a Constant."""
        ins = [x, "", self.const(np.array(scales, np.float32), path) if scales else ""]
        if sizes:
            ins.append(self.const(np.array(sizes, np.int64), path))
        return self.op("Resize", ins, path, coordinate_transformation_mode=ctm,
                       cubic_coeff_a=-0.75, mode=mode, nearest_mode="floor")

    def conv_transpose(self, x, cin, cout, k, stride, pad, path):
        """nn.ConvTranspose2d; He-init for the ~cin*(k/stride)^2 inputs of an output pixel."""
        w = self.rng.normal(0.0, np.sqrt(2.0 / (cin * (k / stride) ** 2)),
                            (cin, cout, k, k)).astype(np.float32)
        b = self.rng.normal(0.0, 0.05, cout).astype(np.float32)
        return self.op("ConvTranspose", [x, self.init(path + ".weight", w),
                                         self.init(path + ".bias", b)], path,
                       dilations=[1, 1], group=1, kernel_shape=[k, k], output_padding=[0, 0],
                       pads=[pad] * 4, strides=[stride, stride])


def make_divisible(v, divisor=8):
    """torchvision's _make_divisible (from the TF mobilenet repo)."""
    new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def residual_block(n, size):
    """conv-bn-relu-conv-bn + identity + relu on 1x16x32x32 (`size` does not apply)."""
    x = n.input("input.1", [1, 16, 32, 32])
    y = n.conv(x, 16, 16, 3, "conv1", bn="bn1", act=n.relu)
    y = n.conv(y, 16, 16, 3, "conv2", bn="bn2")
    out = n.relu(n.add(y, x, ""), "relu")
    # A torch-style numeric output name, which is not a C identifier.
    return n.model(out, "19")


def resnet(n, size, layers, bottleneck, flatten_style):
    x = n.input("input", [1, 3, size, size])
    y = n.conv(x, 3, 64, 7, "conv1", stride=2, bn="bn1", act=n.relu)
    y = n.maxpool(y, 3, 2, 1, "maxpool")
    cin = 64
    for li, (width, blocks) in enumerate(zip([64, 128, 256, 512], layers)):
        for b in range(blocks):
            p, stride = f"layer{li + 1}.{b}", (2 if b == 0 and li > 0 else 1)
            cout = width * 4 if bottleneck else width
            if bottleneck:  # torchvision v1.5: the stride sits on the 3x3 conv.
                z = n.conv(y, cin, width, 1, p + ".conv1", bn=p + ".bn1", act=n.relu)
                z = n.conv(z, width, width, 3, p + ".conv2", stride=stride, bn=p + ".bn2",
                           act=n.relu)
                z = n.conv(z, width, cout, 1, p + ".conv3", bn=p + ".bn3", gamma=RES_GAMMA)
            else:
                z = n.conv(y, cin, width, 3, p + ".conv1", stride=stride, bn=p + ".bn1", act=n.relu)
                z = n.conv(z, width, cout, 3, p + ".conv2", bn=p + ".bn2", gamma=RES_GAMMA)
            if stride != 1 or cin != cout:
                y = n.conv(y, cin, cout, 1, p + ".downsample.0", stride=stride,
                           bn=p + ".downsample.1")
            y = n.relu(n.add(z, y, p), p + ".relu")
            cin = cout
    y = n.flatten(n.gap(y, "avgpool"), "", flatten_style)
    y = n.linear(y, cin, 1000, "fc")
    return n.model(y, "output")


def resnet18(n, size):
    # The classic x.view(x.size(0), -1) flatten of older torchvision ResNets.
    return resnet(n, size, [2, 2, 2, 2], False, "shape_chain")


def resnet50(n, size):
    return resnet(n, size, [3, 4, 6, 3], True, "flatten")


def mobilenet_v2(n, size):
    x = n.input("input", [1, 3, size, size])
    y = n.conv(x, 3, 32, 3, "features.0.0", stride=2, bn="features.0.1", act=n.relu6)
    cin, i = 32, 1
    for t, c, reps, s in [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2),
                          (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]:
        for r in range(reps):
            stride, hidden, p = (s if r == 0 else 1), int(round(cin * t)), f"features.{i}.conv"
            z, j = y, 0
            if t != 1:
                z = n.conv(z, cin, hidden, 1, f"{p}.0.0", bn=f"{p}.0.1", act=n.relu6)
                j = 1
            z = n.conv(z, hidden, hidden, 3, f"{p}.{j}.0", stride=stride, groups=hidden,
                       bn=f"{p}.{j}.1", act=n.relu6)
            res = stride == 1 and cin == c
            z = n.conv(z, hidden, c, 1, f"{p}.{j + 1}", bn=f"{p}.{j + 2}",
                       gamma=RES_GAMMA if res else 1.0)
            y = n.add(y, z, f"features.{i}") if res else z
            cin, i = c, i + 1
    y = n.conv(y, 320, 1280, 1, "features.18.0", bn="features.18.1", act=n.relu6)
    y = n.flatten(n.gap(y, ""), "", "reshape")
    y = n.linear(y, 1280, 1000, "classifier.1")
    return n.model(y, "output")


def squeezenet1_1(n, size):
    def fire(y, cin, sq, e1, e3, p):
        s = n.conv(y, cin, sq, 1, p + ".squeeze", act=n.relu)
        a = n.conv(s, sq, e1, 1, p + ".expand1x1", act=n.relu)
        b = n.conv(s, sq, e3, 3, p + ".expand3x3", act=n.relu)
        return n.op("Concat", [a, b], p, axis=1)

    x = n.input("input", [1, 3, size, size])
    y = n.conv(x, 3, 64, 3, "features.0", stride=2, pad=0, act=n.relu)
    y = n.maxpool(y, 3, 2, 0, "features.2", ceil=1)
    y = fire(y, 64, 16, 64, 64, "features.3")
    y = fire(y, 128, 16, 64, 64, "features.4")
    y = n.maxpool(y, 3, 2, 0, "features.5", ceil=1)
    y = fire(y, 128, 32, 128, 128, "features.6")
    y = fire(y, 256, 32, 128, 128, "features.7")
    y = n.maxpool(y, 3, 2, 0, "features.8", ceil=1)
    y = fire(y, 256, 48, 192, 192, "features.9")
    y = fire(y, 384, 48, 192, 192, "features.10")
    y = fire(y, 384, 64, 256, 256, "features.11")
    y = fire(y, 512, 64, 256, 256, "features.12")
    y = n.conv(y, 512, 1000, 1, "classifier.1", act=n.relu)
    y = n.flatten(n.gap(y, "classifier.3"), "")
    return n.model(y, "output")


def efficientnet_b0(n, size):
    x = n.input("input", [1, 3, size, size])
    y = n.conv(x, 3, 32, 3, "features.0.0", stride=2, bn="features.0.1", act=n.silu)
    i = 1
    for t, k, s, cin, cout, reps in [(1, 3, 1, 32, 16, 1), (6, 3, 2, 16, 24, 2),
                                     (6, 5, 2, 24, 40, 2), (6, 3, 2, 40, 80, 3),
                                     (6, 5, 1, 80, 112, 3), (6, 5, 2, 112, 192, 4),
                                     (6, 3, 1, 192, 320, 1)]:
        for r in range(reps):
            stride, c_in, p = (s if r == 0 else 1), (cin if r == 0 else cout), f"features.{i}.{r}"
            hidden, z, j = make_divisible(c_in * t), y, 0
            if hidden != c_in:
                z = n.conv(z, c_in, hidden, 1, f"{p}.block.0.0", bn=f"{p}.block.0.1", act=n.silu)
                j = 1
            z = n.conv(z, hidden, hidden, k, f"{p}.block.{j}.0", stride=stride, groups=hidden,
                       bn=f"{p}.block.{j}.1", act=n.silu)
            z = n.se(z, hidden, max(1, c_in // 4), f"{p}.block.{j + 1}", n.silu, n.sigmoid)
            res = stride == 1 and c_in == cout
            z = n.conv(z, hidden, cout, 1, f"{p}.block.{j + 2}.0", bn=f"{p}.block.{j + 2}.1",
                       gamma=RES_GAMMA if res else 1.0)
            # StochasticDepth is the identity in eval mode.
            y = n.add(z, y, p) if res else z
        i += 1
    y = n.conv(y, 320, 1280, 1, "features.8.0", bn="features.8.1", act=n.silu)
    y = n.flatten(n.gap(y, "avgpool"), "")
    y = n.linear(y, 1280, 1000, "classifier.1")
    return n.model(y, "output")


def mobilenet_v3_small(n, size):
    """Not in the default sets; covers HardSwish and HardSigmoid."""
    x = n.input("input", [1, 3, size, size])
    y = n.conv(x, 3, 16, 3, "features.0.0", stride=2, bn="features.0.1", act=n.hardswish)
    for i, (cin, k, hidden, cout, use_se, hs, stride) in enumerate(
        [(16, 3, 16, 16, 1, 0, 2), (16, 3, 72, 24, 0, 0, 2), (24, 3, 88, 24, 0, 0, 1),
         (24, 5, 96, 40, 1, 1, 2), (40, 5, 240, 40, 1, 1, 1), (40, 5, 240, 40, 1, 1, 1),
         (40, 5, 120, 48, 1, 1, 1), (48, 5, 144, 48, 1, 1, 1), (48, 5, 288, 96, 1, 1, 2),
         (96, 5, 576, 96, 1, 1, 1), (96, 5, 576, 96, 1, 1, 1)], start=1):
        act, p, j, z = (n.hardswish if hs else n.relu), f"features.{i}.block", 0, y
        if hidden != cin:
            z = n.conv(z, cin, hidden, 1, f"{p}.0.0", bn=f"{p}.0.1", act=act)
            j = 1
        z = n.conv(z, hidden, hidden, k, f"{p}.{j}.0", stride=stride, groups=hidden,
                   bn=f"{p}.{j}.1", act=act)
        if use_se:
            j += 1
            z = n.se(z, hidden, make_divisible(hidden // 4), f"{p}.{j}", n.relu, n.hardsigmoid)
        res = stride == 1 and cin == cout
        z = n.conv(z, hidden, cout, 1, f"{p}.{j + 1}.0", bn=f"{p}.{j + 1}.1",
                   gamma=RES_GAMMA if res else 1.0)
        y = n.add(z, y, f"features.{i}") if res else z
    y = n.conv(y, 96, 576, 1, "features.12.0", bn="features.12.1", act=n.hardswish)
    y = n.flatten(n.gap(y, "avgpool"), "")
    y = n.hardswish(n.linear(y, 576, 1024, "classifier.0", gain=2.0), "classifier.1")
    y = n.linear(y, 1024, 1000, "classifier.3")
    return n.model(y, "output")


def mlp(n, size):
    """784-1024-1024-10 MLP with ReLUs at batch 64 (`size` does not apply)."""
    x = n.input("input", [64, 784])
    y = n.relu(n.linear(x, 784, 1024, "fc1", gain=2.0), "relu1")
    y = n.relu(n.linear(y, 1024, 1024, "fc2", gain=2.0), "relu2")
    return n.model(n.linear(y, 1024, 10, "fc3"), "output")


def bert(n, d, layers, heads, seq):
    """A BERT encoder (HF BertModel's layers, post-LayerNorm) on precomputed token embeddings
    [1, seq, d]: + position embeddings, LayerNorm, then `layers` x (multi-head self-attention
    with an additive padding mask, residual, LayerNorm, Linear-GELU-Linear FFN of width 4d,
    residual, LayerNorm). The op patterns are those of a torch export at opset 17: Linear as
    MatMul + Add, heads split by Reshape + Transpose (K transposed twice, as HF writes it),
    scores scaled by Div, the mask added as a constant-folded initializer whose masked entries
    are float32's lowest value (HF's (1 - mask) * finfo.min), Softmax over the last axis, exact
    GELU through Erf. Weights are N(0, 1/fan_in), so attention scores have a standard deviation
    of about 1 to 2."""
    n.evaluate = False
    dh = d // heads
    x = n.input("inputs_embeds", [1, seq, d])
    pos = n.rng.normal(0.0, 0.5, (1, seq, d)).astype(np.float32)
    x = n.add(x, n.init("embeddings.position_embeddings", pos), "embeddings")
    x = n.layernorm(x, d, "embeddings.LayerNorm")
    # The last seq/8 tokens are padding.
    mask = np.zeros((1, 1, 1, seq), np.float32)
    mask[..., seq - max(1, seq // 8):] = np.finfo(np.float32).min
    mask = n.init("extended_attention_mask", mask)
    split = n.const(np.array([1, seq, heads, dh], np.int64), "")
    merge = n.const(np.array([1, seq, d], np.int64), "")
    for i in range(layers):
        p = f"encoder.layer.{i}"
        a = p + ".attention.self"

        def heads_of(name, gain=1.0):
            y = n.matmul_linear(x, d, d, f"{a}.{name}", gain)
            y = n.op("Reshape", [y, split], f"{a}.{name}")
            return n.op("Transpose", [y], f"{a}.{name}", perm=[0, 2, 1, 3])

        q, k, v = heads_of("query", 2.0), heads_of("key", 2.0), heads_of("value")
        k = n.op("Transpose", [k], a, perm=[0, 1, 3, 2])
        s = n.op("MatMul", [q, k], a)
        s = n.op("Div", [s, n.const(np.float32(np.sqrt(dh)), a)], a)
        s = n.op("Softmax", [n.op("Add", [s, mask], a)], a, axis=-1)
        c = n.op("Transpose", [n.op("MatMul", [s, v], a)], a, perm=[0, 2, 1, 3])
        c = n.op("Reshape", [c, merge], a)
        o = n.matmul_linear(c, d, d, p + ".attention.output.dense")
        x = n.layernorm(n.add(o, x, p + ".attention.output"), d, p + ".attention.output.LayerNorm")
        h = n.gelu(n.matmul_linear(x, d, 4 * d, p + ".intermediate.dense"), p + ".intermediate")
        o = n.matmul_linear(h, 4 * d, d, p + ".output.dense")
        x = n.layernorm(n.add(o, x, p + ".output"), d, p + ".output.LayerNorm")
    return n.model(x, "last_hidden_state")


def bert_encoder(n, size):
    """CI size: d=64, 2 layers, 4 heads, 32 tokens (`size` does not apply)."""
    return bert(n, 64, 2, 4, 32)


def bert_encoder_base(n, size):
    """Bench size: d=256, 4 layers, 4 heads, 128 tokens (`size` does not apply)."""
    return bert(n, 256, 4, 4, 128)


def det_head(n, size):
    """A small encoder-decoder detection/segmentation head (U-Net / FPN style) on 1x3xSxS,
    S = `size` (a multiple of 4): three conv stages (strides 1, 2, 2), an upsampling path
    with ConvTranspose (k2 s2, then k4 s2 p1) and bilinear Resize (half_pixel, as
    F.interpolate(align_corners=False)), Concat of the encoder's skip connections, a lateral
    branch brought up by nearest Resize (asymmetric/floor, F.interpolate's nearest) by scales
    and by sizes, and a sigmoid score map of 3 classes at full resolution."""
    n.evaluate = False
    h = size // 4
    x = n.input("input", [1, 3, size, size])
    e1 = n.conv(x, 3, 16, 3, "enc1", act=n.relu)                        # S
    e2 = n.conv(e1, 16, 32, 3, "enc2", stride=2, act=n.relu)            # S/2
    e3 = n.conv(e2, 32, 64, 3, "enc3", stride=2, act=n.relu)            # S/4
    u2 = n.relu(n.conv_transpose(e3, 64, 32, 2, 2, 0, "up2"), "up2")    # S/2
    d2 = n.op("Concat", [u2, e2], "dec2", axis=1)
    d2 = n.conv(d2, 64, 32, 3, "dec2.conv", act=n.relu)
    # Two ways up to S: bilinear Resize of d2, and a learned ConvTranspose of d2.
    r1 = n.resize(d2, "dec1.up", "linear", "half_pixel", scales=[1.0, 1.0, 2.0, 2.0])
    t1 = n.relu(n.conv_transpose(d2, 32, 16, 4, 2, 1, "dec1.deconv"), "dec1.deconv")
    d1 = n.op("Concat", [r1, t1, e1], "dec1", axis=1)
    d1 = n.conv(d1, 32 + 16 + 16, 16, 3, "dec1.conv", act=n.relu)
    # FPN lateral: the S/4 features, 1x1 conv, nearest-upsampled by scales 2 and then by sizes.
    lat = n.conv(e3, 64, 16, 1, "lateral")
    lat = n.resize(lat, "lateral.up1", "nearest", "asymmetric", scales=[1.0, 1.0, 2.0, 2.0])
    lat = n.resize(lat, "lateral.up2", "nearest", "asymmetric", sizes=[1, 16, 4 * h, 4 * h])
    y = n.add(d1, lat, "fuse")
    y = n.conv(y, 16, 3, 1, "head", gain=1.0)
    return n.model(n.sigmoid(y, "head"), "scores")


def lstm_model(n, size, seq=16, batch=2, feat=24, emb=32, hidden=32):
    """A 2-layer bidirectional LSTM tagger as torch exports nn.Sequential-like code: input
    [seq, batch, feat] (batch_first=False), a Linear input embedding (MatMul + Add) + Tanh,
    two bidirectional LSTM layers with nonzero initial states (initializers, as constant-folded
    h0/c0), each layer's Y [seq, 2, batch, H] turned into [seq, batch, 2H] by Transpose +
    Reshape as the exporter does, and a final Linear to 10 classes per step. The LSTMs' Y_h and
    Y_c outputs are unused, as in a torch export. Weights are torch's default U(-1/sqrt(H),
    1/sqrt(H)) in ONNX's gate order (i, o, f, c); `size` does not apply."""
    n.evaluate = False
    x = n.input("input", [seq, batch, feat])
    x = n.op("Tanh", [n.matmul_linear(x, feat, emb, "embed")], "embed")
    merge = n.const(np.array([0, 0, -1], np.int64), "")
    cin, bound = emb, 1.0 / np.sqrt(hidden)

    def u(*shape):
        return n.rng.uniform(-bound, bound, shape).astype(np.float32)

    for i in range(2):
        p = f"lstm.l{i}"
        ins = [x, n.init(p + ".W", u(2, 4 * hidden, cin)),
               n.init(p + ".R", u(2, 4 * hidden, hidden)), n.init(p + ".B", u(2, 8 * hidden)), "",
               n.init(p + ".h0", n.rng.normal(0.0, 0.5, (2, batch, hidden)).astype(np.float32)),
               n.init(p + ".c0", n.rng.normal(0.0, 0.5, (2, batch, hidden)).astype(np.float32))]
        y, _, _ = n.op("LSTM", ins, p, outputs=3, direction="bidirectional", hidden_size=hidden)
        y = n.op("Transpose", [y], p, perm=[0, 2, 1, 3])
        x = n.op("Reshape", [y, merge], p)
        cin = 2 * hidden
    return n.model(n.matmul_linear(x, cin, 10, "classifier"), "logits")


def small_cnn(n, size):
    """The float CNN that qdq_cnn quantizes: conv-relu, maxpool, a residual block, a stride-2
    conv, global average pool, flatten, Linear to 10 classes, on 1x3xSxS."""
    x = n.input("input", [1, 3, size, size])
    y = n.conv(x, 3, 16, 3, "conv1", bn="bn1", act=n.relu)
    y = n.maxpool(y, 2, 2, 0, "pool")
    z = n.conv(y, 16, 16, 3, "block.conv1", bn="block.bn1", act=n.relu)
    z = n.conv(z, 16, 16, 3, "block.conv2", bn="block.bn2", gamma=RES_GAMMA)
    y = n.relu(n.add(z, y, "block"), "block.relu")
    y = n.conv(y, 16, 32, 3, "conv2", stride=2, bn="bn2", act=n.relu)
    y = n.flatten(n.gap(y, "avgpool"), "")
    return n.model(n.linear(y, 32, 10, "fc"), "output")


def qdq_cnn(n, size):
    """small_cnn quantized by onnxruntime's tool: quantize_static, QuantFormat.QDQ, uint8
    activations, int8 per-channel weights, MinMax calibration on 8 seeded random images. Every
    Conv/Gemm/Add/... is wrapped in DequantizeLinear -> float op -> QuantizeLinear, weights are
    int8 initializers with a DequantizeLinear, biases int32."""
    import logging
    import tempfile

    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod, QuantFormat,
                                          QuantType, quantize_static)

    n.keep_bn = False  # The quantizer gets the exported float model, BatchNorm folded.
    fp = small_cnn(n, size)

    class Reader(CalibrationDataReader):
        def __init__(self):
            rng = np.random.default_rng(n.seed + 2)
            self.it = iter([{"input": rng.uniform(-1, 1, (1, 3, size, size)).astype(np.float32)}
                            for _ in range(8)])

        def get_next(self):
            return next(self.it, None)

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = os.path.join(tmp, "float.onnx"), os.path.join(tmp, "qdq.onnx")
        onnx.save(fp, src)
        logging.disable(logging.WARNING)  # its advice to run the pre-processing step first
        try:
            quantize_static(src, dst, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
                            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                            calibrate_method=CalibrationMethod.MinMax)
        finally:
            logging.disable(logging.NOTSET)
        m = onnx.load(dst)
    m.graph.name = n.name
    onnx.checker.check_model(m, full_check=True)
    return m


MODELS = {f.__name__: f for f in [residual_block, resnet18, resnet50, mobilenet_v2,
                                  squeezenet1_1, efficientnet_b0, mobilenet_v3_small,
                                  bert_encoder, bert_encoder_base, det_head, lstm_model,
                                  small_cnn, qdq_cnn, mlp]}
# MobileNetV3 uses BatchNorm eps=1e-3; the others torch's default 1e-5.
BN_EPS = {"mobilenet_v3_small": 1e-3}


def build(name, image_size=224, keep_bn=False, seed=None):
    """Returns the ModelProto of model `name`. The default seed depends only on the name."""
    seed = zlib.crc32(name.encode()) if seed is None else seed
    return MODELS[name](Net(name, seed, keep_bn, BN_EPS.get(name, 1e-5)), image_size)


def conv_gemm_flops(model):
    """2 x multiply-accumulates of all Conv, ConvTranspose, Gemm and MatMul nodes (elementwise
    ops and recurrent cells are not counted)."""
    m = onnx.shape_inference.infer_shapes(model)
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in list(m.graph.value_info) + list(m.graph.output) + list(m.graph.input)}
    shapes.update({i.name: list(i.dims) for i in m.graph.initializer})
    flops = 0
    for node in m.graph.node:
        if node.op_type in ("Conv", "Gemm", "MatMul", "ConvTranspose"):
            out = int(np.prod(shapes[node.output[0]], dtype=np.int64))
            w = shapes[node.input[1]]
            if node.op_type == "MatMul":
                macs = out * shapes[node.input[0]][-1]
            elif node.op_type == "ConvTranspose":  # Each input pixel scatters Cout x k x k.
                macs = int(np.prod(shapes[node.input[0]], dtype=np.int64)) * int(np.prod(w[1:]))
            else:
                macs = out * int(np.prod(w[1:]))
            flops += 2 * macs
    return flops


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output folder; writes NAME.onnx")
    ap.add_argument("--only", help="comma-separated model names (default: all): " +
                    ",".join(MODELS))
    ap.add_argument("--image-size", type=int, default=224)
    ap.add_argument("--keep-bn", action="store_true", help="keep BatchNormalization nodes")
    args = ap.parse_args(argv)
    names = args.only.split(",") if args.only else list(MODELS)
    unknown = [x for x in names if x not in MODELS]
    if unknown:
        ap.error("unknown model(s): " + ", ".join(unknown))
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        m = build(name, args.image_size, args.keep_bn)
        path = os.path.join(args.out, name + ".onnx")
        onnx.save(m, path)
        nbytes = sum(numpy_helper.to_array(i).nbytes for i in m.graph.initializer)
        print(f"{path}: {len(m.graph.node)} nodes, {nbytes / 1e6:.1f} MB weights, "
              f"{conv_gemm_flops(m) / 1e9:.3f} GFLOPs")
    return 0


if __name__ == "__main__":
    sys.exit(main())

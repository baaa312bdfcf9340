#!/usr/bin/env python3
"""Trains the digit classifier of examples/digits and exports it to ONNX.

Data: scikit-learn's bundled 8x8 handwritten digits (sklearn.datasets.load_digits, 1797
images with pixel values 0..16; nothing is downloaded). A fixed-seed permutation holds out
20% of the images as the test set.

Model: a multilayer perceptron 64 -> 32 (ReLU) -> 10 (softmax), trained in numpy with
full-batch Adam on the cross-entropy loss (fixed seed, fixed number of steps, so the same
numpy gives the same weights). Exported with onnx.helper using standard ops only:
    pixels [batch, 64] -> Mul(1/16) -> Gemm -> Relu -> Gemm -> Softmax -> probs [batch, 10]
The batch dimension is symbolic; the example's CMakeLists.txt pins it to 1 with
`--input-shape pixels=1x64`.

Writes into --out:
    digits.onnx            the model
    digits_test.bin        the held-out test images and labels (format below)
    digits_reference.json  onnxruntime's predictions and accuracy on those images
digits_test.bin, little-endian: "MCDG", uint32 version (1), uint32 count, uint32 pixels (64),
count*pixels uint8 pixel values (0..16, row-major 8x8), count uint8 labels.
"""
import argparse
import json
import os
import struct

# One BLAS thread: the same arithmetic order on every machine (deterministic weights), and no
# oversubscription on small CI machines (the matrices are tiny).
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.datasets import load_digits

HIDDEN = 32
STEPS = 400
LEARNING_RATE = 0.01
WEIGHT_DECAY = 1e-4
TEST_FRACTION = 0.2
SEED = 0


def split(images, labels):
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(labels))
    n_test = int(round(TEST_FRACTION * len(labels)))
    test, train = order[:n_test], order[n_test:]
    return images[train], labels[train], images[test], labels[test]


def train(x, y):
    """Full-batch Adam on mean cross-entropy + L2; x already scaled to [0, 1]."""
    rng = np.random.default_rng(SEED)
    params = {
        "w1": rng.normal(0, np.sqrt(2.0 / 64), (HIDDEN, 64)),
        "b1": np.zeros(HIDDEN),
        "w2": rng.normal(0, np.sqrt(1.0 / HIDDEN), (10, HIDDEN)),
        "b2": np.zeros(10),
    }
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    onehot = np.eye(10)[y]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for step in range(1, STEPS + 1):
        h_pre = x @ params["w1"].T + params["b1"]
        h = np.maximum(h_pre, 0)
        logits = h @ params["w2"].T + params["b2"]
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        d_logits = (p - onehot) / len(y)
        d_h = d_logits @ params["w2"] * (h_pre > 0)
        grads = {
            "w2": d_logits.T @ h + WEIGHT_DECAY * params["w2"],
            "b2": d_logits.sum(axis=0),
            "w1": d_h.T @ x + WEIGHT_DECAY * params["w1"],
            "b1": d_h.sum(axis=0),
        }
        for k, g in grads.items():
            m, v = moments[k]
            m[:] = beta1 * m + (1 - beta1) * g
            v[:] = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1**step)
            v_hat = v / (1 - beta2**step)
            params[k] -= LEARNING_RATE * m_hat / (np.sqrt(v_hat) + eps)
    return {k: v.astype(np.float32) for k, v in params.items()}


def export(params, path):
    inits = [numpy_helper.from_array(np.array(1.0 / 16.0, np.float32), "scale")]
    inits += [numpy_helper.from_array(v, k) for k, v in params.items()]
    nodes = [
        helper.make_node("Mul", ["pixels", "scale"], ["x"], name="scale/Mul"),
        helper.make_node("Gemm", ["x", "w1", "b1"], ["h_pre"], name="fc1/Gemm", transB=1),
        helper.make_node("Relu", ["h_pre"], ["h"], name="fc1/Relu"),
        helper.make_node("Gemm", ["h", "w2", "b2"], ["logits"], name="fc2/Gemm", transB=1),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "digits",
        [helper.make_tensor_value_info("pixels", TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["batch", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="modelc-examples-digits")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def write_test_set(images, labels, path):
    with open(path, "wb") as f:
        f.write(b"MCDG" + struct.pack("<III", 1, len(labels), images.shape[1]))
        f.write(images.astype(np.uint8).tobytes())
        f.write(labels.astype(np.uint8).tobytes())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output directory")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    digits = load_digits()
    x_train, y_train, x_test, y_test = split(digits.data, digits.target)
    params = train(x_train / 16.0, y_train)
    model_path = os.path.join(args.out, "digits.onnx")
    export(params, model_path)
    write_test_set(x_test, y_test, os.path.join(args.out, "digits_test.bin"))

    # The reference: onnxruntime on the exported model, the whole test set as one batch.
    import onnxruntime as ort
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    probs = session.run(None, {"pixels": x_test.astype(np.float32)})[0]
    predictions = probs.argmax(axis=1)
    top2 = np.sort(probs, axis=1)[:, -2:]
    correct = int((predictions == y_test).sum())
    reference = {
        "count": int(len(y_test)),
        "ort_correct": correct,
        "ort_accuracy": correct / len(y_test),
        "ort_predictions": predictions.tolist(),
        # How close the nearest tie is: a tiny gap could flip under float rounding.
        "min_top2_gap": float((top2[:, 1] - top2[:, 0]).min()),
    }
    with open(os.path.join(args.out, "digits_reference.json"), "w") as f:
        json.dump(reference, f)
    print(f"digits: {len(y_train)} training and {len(y_test)} test images; onnxruntime "
          f"accuracy {reference['ort_accuracy']:.4f} ({correct}/{len(y_test)})")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# make_fixtures.py - Writes the tiny .npy/.pb files that RuntimeMinTest.cpp reads.
#
# The files are produced by NumPy and by the onnx Python package themselves, so the tests check
# runtime_min against the real writers rather than against our own idea of the formats. The
# values are hard-coded in RuntimeMinTest.cpp; change both together. Run from any directory:
#   python3 test/unit/data/make_fixtures.py
import io
import os

import numpy as np
import onnx
from onnx import TensorProto, external_data_helper, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def save_npy(name, array, version=None):
    with open(os.path.join(HERE, name), "wb") as f:
        if version is None:
            np.save(f, array)
        else:
            np.lib.format.write_array(f, array, version=version)


def save_pb(name, tensor):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(tensor.SerializeToString())


# NumPy files.
save_npy("npy_f32_2x3.npy", np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5 - 1)
save_npy("npy_i64_scalar.npy", np.array(-7, dtype=np.int64))
save_npy("npy_bool_4.npy", np.array([True, False, False, True]))
save_npy("npy_f16_3.npy", np.array([1, -2, 0.5], dtype=np.float16))
save_npy("npy_f32_0x3.npy", np.zeros((0, 3), dtype=np.float32))
save_npy("npy_u8_v2.npy", np.array([1, 2, 3], dtype=np.uint8), version=(2, 0))
save_npy("npy_f64_fortran.npy", np.asfortranarray(np.arange(4.0).reshape(2, 2)))
save_npy("npy_f32_bigendian.npy", np.array([1, 2], dtype=">f4"))

# ONNX TensorProto files: from_array always uses raw_data; make_tensor(raw=False) uses the
# typed fields (int32_data for float16/bfloat16/bool/narrow ints, per onnx.proto).
save_pb("pb_f32_raw.pb", numpy_helper.from_array(
    np.array([[1.5, -2], [3, 4.25]], dtype=np.float32), "x"))
save_pb("pb_f32_data.pb", helper.make_tensor("x", TensorProto.FLOAT, [3], [1.0, -2.5, 3.25]))
save_pb("pb_f32_scalar.pb", numpy_helper.from_array(np.array(3.5, dtype=np.float32), "s"))
save_pb("pb_f32_2x0.pb", numpy_helper.from_array(np.zeros((2, 0), dtype=np.float32), "e"))
save_pb("pb_i64_raw.pb", numpy_helper.from_array(np.array([-1, 2**40, 3], dtype=np.int64)))
save_pb("pb_i64_data.pb", helper.make_tensor("i", TensorProto.INT64, [3], [-1, 2**40, 3]))
save_pb("pb_i32_raw.pb", numpy_helper.from_array(np.array([-5, 0, 7], dtype=np.int32)))
save_pb("pb_i32_data.pb",
        helper.make_tensor("i", TensorProto.INT32, [2, 2], [-5, 0, 7, 2**31 - 1]))
save_pb("pb_bool_raw.pb", numpy_helper.from_array(np.array([True, False, True])))
save_pb("pb_bool_data.pb", helper.make_tensor("b", TensorProto.BOOL, [3], [True, False, True]))
save_pb("pb_f16_raw.pb", numpy_helper.from_array(np.array([1, -2, 0.5], dtype=np.float16)))
save_pb("pb_f16_data.pb", helper.make_tensor(
    "h", TensorProto.FLOAT16, [3], np.array([1, -2, 0.5], dtype=np.float16)))
save_pb("pb_bf16_data.pb", helper.make_tensor("b", TensorProto.BFLOAT16, [2], [1.0, -3.5]))
save_pb("pb_f64_raw.pb", numpy_helper.from_array(np.array([0.1, -2.0], dtype=np.float64)))
save_pb("pb_f64_data.pb", helper.make_tensor("d", TensorProto.DOUBLE, [2], [0.1, -2.0]))
save_pb("pb_u8_data.pb", helper.make_tensor("u", TensorProto.UINT8, [3], [0, 200, 255]))
save_pb("pb_i8_data.pb", helper.make_tensor("i", TensorProto.INT8, [3], [-128, 5, 127]))
save_pb("pb_u64_data.pb", helper.make_tensor("u", TensorProto.UINT64, [2], [2**63 + 5, 1]))
save_pb("pb_string.pb", helper.make_tensor("s", TensorProto.STRING, [1], [b"hi"]))

external = numpy_helper.from_array(np.array([1, 2], dtype=np.float32), "w")
external_data_helper.set_external_data(external, location="w.bin")
external.ClearField("raw_data")
save_pb("pb_external.pb", external)

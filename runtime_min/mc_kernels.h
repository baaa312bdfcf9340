// mc_kernels.h - runtime_min: the kernel library behind `kernel.call`.
//
// Generated sources include this header when a model uses a library kernel. Each kernel is a
// function template called once per task of its iteration space:
//
//   template <typename T0, ..., typename Tn, int64_t P0, ..., int64_t Pk>
//   MC_HD bool name(const mc::st<T0> *in0, ..., mc::st<Tn> *outN, double f0, ..., int64_t task);
//
// The type arguments are element tags, one per buffer (inputs, then outputs): C types for
// most element types and mc::f16 / mc::bf16 for the 16-bit floats, whose buffers hold bit
// patterns (mc::st<T> is the storage type). The integer arguments are the shapes and
// attributes the compiler fixed (so every bound is a constant), the double arguments the
// floating-point attributes. A kernel returns false on invalid data (an index out of range).
// Tasks may run in any order and concurrently, each writing its own part of the outputs.
//
// Plain C++17; under nvcc every kernel is also a __device__ function (MC_HD). Families live in
// mc_kernels_<family>.h.
#pragma once

#include "mc_kernels_common.h"

#include "mc_kernels_controlflow.h"
#include "mc_kernels_elementwise.h"
#include "mc_kernels_linalg.h"
#include "mc_kernels_nn.h"
#include "mc_kernels_reduction.h"
#include "mc_kernels_tensor.h"

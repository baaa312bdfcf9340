// mc_runtime.h - runtime_min: the tiny runtime copied into every modelc bundle.
//
// Plain C++17 (usable from C and from CUDA host code), no dependencies beyond the C++ standard
// library. Generated model code uses it to load weights; the generic runner uses it to read and
// write tensors (.npy and ONNX TensorProto .pb) and to time runs. Every function returns an
// mc_status; nothing throws across this API and there is no global mutable state.
#ifndef MODELC_RUNTIME_MIN_MC_RUNTIME_H
#define MODELC_RUNTIME_MIN_MC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes returned by generated code and runtime_min.
typedef enum mc_status {
  MC_OK = 0,
  MC_ERR_INVALID_ARGUMENT = 1, ///< Null pointer, bad name, bad option.
  MC_ERR_IO = 2,               ///< A file could not be opened, read or written.
  MC_ERR_FORMAT = 3,           ///< A file's contents are malformed (npy, pb, weights).
  MC_ERR_SHAPE = 4,            ///< A tensor's dtype or shape does not match the model.
  MC_ERR_OUT_OF_MEMORY = 5,    ///< An allocation failed.
  MC_ERR_DEVICE = 6,           ///< A CUDA call failed.
  MC_ERR_INTERNAL = 7,         ///< Anything else.
} mc_status;

/// A short lowercase description of a status ("ok", "invalid argument", ...).
const char *mc_status_string(mc_status status);

/// Element types, numbered as ONNX TensorProto.DataType.
typedef enum mc_dtype {
  MC_DTYPE_UNDEFINED = 0,
  MC_DTYPE_FLOAT32 = 1,
  MC_DTYPE_UINT8 = 2,
  MC_DTYPE_INT8 = 3,
  MC_DTYPE_UINT16 = 4,
  MC_DTYPE_INT16 = 5,
  MC_DTYPE_INT32 = 6,
  MC_DTYPE_INT64 = 7,
  MC_DTYPE_BOOL = 9,
  MC_DTYPE_FLOAT16 = 10,
  MC_DTYPE_FLOAT64 = 11,
  MC_DTYPE_UINT32 = 12,
  MC_DTYPE_UINT64 = 13,
  MC_DTYPE_BFLOAT16 = 16,
  MC_DTYPE_FLOAT8E4M3FN = 17,   ///< Stored as bit patterns, one byte each.
  MC_DTYPE_FLOAT8E4M3FNUZ = 18, ///< Bit patterns.
  MC_DTYPE_FLOAT8E5M2 = 19,     ///< Bit patterns.
  MC_DTYPE_FLOAT8E5M2FNUZ = 20, ///< Bit patterns.
  MC_DTYPE_UINT4 = 21,          ///< One element per byte, in its low bits.
  MC_DTYPE_INT4 = 22,           ///< One element per byte, in its low bits.
  MC_DTYPE_FLOAT4E2M1 = 23,     ///< One element per byte, in its low bits.
  MC_DTYPE_FLOAT8E8M0 = 24,     ///< Bit patterns.
  MC_DTYPE_UINT2 = 25,          ///< One element per byte, in its low bits.
  MC_DTYPE_INT2 = 26,           ///< One element per byte, in its low bits.
} mc_dtype;

/// Bytes per element of `dtype` in memory (1 for the 4- and 2-bit types, which ONNX files
/// pack); 0 for an unknown dtype.
size_t mc_dtype_size(int32_t dtype);
/// ONNX-style name of `dtype` ("float32", "int64", ...); "undefined" for an unknown one.
const char *mc_dtype_name(int32_t dtype);

/// Maximum rank of a tensor handled by runtime_min's file readers.
#define MC_MAX_RANK 16

/// Static description of one model input or output.
typedef struct mc_tensor_desc {
  const char *name;     ///< The ONNX graph input/output name.
  int32_t dtype;        ///< An mc_dtype value.
  int32_t rank;         ///< Number of dimensions (0 for a scalar).
  const int64_t *shape; ///< `rank` dimensions.
} mc_tensor_desc;

/// Number of elements described by `desc` (1 for a scalar).
int64_t mc_tensor_numel(const mc_tensor_desc *desc);

/// The table each bundle exports (as NAME_api()) so that generic tools, such as the runner,
/// can drive any model. Pointers to inputs/outputs are host pointers for run_host.
typedef struct mc_model_api {
  const char *model_name;
  const char *target; ///< "cpu" or "cuda".
  int32_t num_inputs;
  const mc_tensor_desc *inputs;
  int32_t num_outputs;
  const mc_tensor_desc *outputs;
  uint64_t arena_bytes;   ///< Size of the planned scratch arena.
  uint64_t weights_bytes; ///< Size of NAME.weights.bin.
  /// Loads the weights file and allocates what the model needs; *handle is the model object.
  mc_status (*create)(const char *weights_path, void **handle);
  void (*destroy)(void *handle);
  /// Runs one inference on host buffers (the CUDA bundle copies to and from the device).
  mc_status (*run_host)(void *handle, const void *const *inputs, void *const *outputs);
  /// Optional (may be NULL): times `iters` runs after `warmup` runs on host inputs already
  /// given, writing one latency per run in milliseconds to out_ms[iters]. The CUDA bundle
  /// times device execution only, with CUDA events.
  mc_status (*bench)(void *handle, const void *const *inputs, int32_t warmup, int32_t iters,
                     double *out_ms);
  /// Optional (may be NULL): sets the number of worker threads used by run; returns MC_OK.
  mc_status (*set_threads)(void *handle, int32_t threads);
  /// Optional (may be NULL): a human-readable message for the last failed call on handle,
  /// naming the ONNX node where the failure is tied to one.
  const char *(*last_error)(void *handle);
  /// Optional (may be NULL): writes the shape of output `index` after the last run_host to
  /// dims[outputs[index].rank]. For an output whose size depends on the input data (NonZero,
  /// Unique, Compress, NonMaxSuppression), outputs[index].shape is an upper bound that sizes
  /// its buffer; the actual extents come from here, and the buffer holds the values
  /// row-major in its first elements. Other outputs report outputs[index].shape.
  mc_status (*output_shape)(void *handle, int32_t index, int64_t *dims);
} mc_model_api;

/// Per-kernel timers of a bundle compiled with `modelc --profile`, exported as
/// NAME_profile_api(). CPU kernels are timed with a monotonic clock around each launch, CUDA
/// kernels with events on the stream (a profiled CUDA run() synchronizes its stream at the end).
typedef struct mc_profile_api {
  int32_t num_kernels;
  const char *const *kernel_names; ///< Kernel functions in NAME.cpp/.cu, in launch order.
  const char *const *kernel_ops;   ///< The kernel dialect op of each ("kernel.gemm", ...).
  const char *const *kernel_nodes; ///< The ONNX node(s) each computes ("'conv1' + 'relu1'").
  /// Copies the milliseconds accumulated per kernel since the last reset (num_kernels values)
  /// and the number of runs they cover.
  mc_status (*read)(void *handle, double *ms, int64_t *runs);
  void (*reset)(void *handle);
} mc_profile_api;

/// The dynamic dimension of a bundle compiled with `modelc --dim NAME=MIN:MAX`, exported as
/// NAME_dim_api(). The mc_model_api descriptors give the shapes at MAX (and its run runs at
/// MAX); run here takes the size, which must lie in [min, max] (MC_ERR_INVALID_ARGUMENT
/// otherwise), with buffers of that size along the dimension.
typedef struct mc_dim_api {
  const char *name; ///< The ONNX dim_param ("N").
  int64_t min, max;
  const int32_t *input_axes;  ///< Per input: the axis of the dimension (0), or -1.
  const int32_t *output_axes; ///< Per output: the same.
  mc_status (*run)(void *handle, int64_t size, const void *const *inputs, void *const *outputs);
} mc_dim_api;

/// Milliseconds on a monotonic clock (std::chrono::steady_clock), for the CPU kernel timers.
double mc_now_ms(void);

/// Reads a whole file into 64-byte aligned memory. When expected_bytes is not UINT64_MAX the
/// file must have exactly that size (MC_ERR_FORMAT otherwise). Free with mc_aligned_free.
/// A zero-byte file yields *data == NULL and MC_OK.
mc_status mc_read_file_aligned(const char *path, uint64_t expected_bytes, void **data,
                               uint64_t *size);
/// 64-byte aligned allocation (never NULL for bytes > 0 unless out of memory).
void *mc_aligned_alloc(uint64_t bytes);
void mc_aligned_free(void *ptr);

/// A tensor read from a file: owns `data` (free with mc_host_tensor_free).
typedef struct mc_host_tensor {
  int32_t dtype;
  int32_t rank;
  int64_t shape[MC_MAX_RANK];
  void *data;     ///< mc_aligned_alloc'ed, numel * dtype size bytes.
  uint64_t bytes; ///< Size of data.
} mc_host_tensor;

void mc_host_tensor_free(mc_host_tensor *tensor);
/// Reads a NumPy .npy file (format 1.0/2.0/3.0, little-endian, C order).
mc_status mc_npy_read(const char *path, mc_host_tensor *out);
/// Writes a NumPy .npy file (format 1.0, little-endian, C order). NumPy has no descr for the
/// float8, 4- and 2-bit types: they are written as raw bytes ('|V1', bfloat16 as '<V2'), which
/// ml_dtypes arrays view back (`a.view(ml_dtypes.float8_e4m3fn)`).
mc_status mc_npy_write(const char *path, int32_t dtype, int32_t rank, const int64_t *shape,
                       const void *data);
/// Reads a serialized ONNX TensorProto (.pb): dims, data_type, raw_data or the typed repeated
/// fields (float_data, int32_data, int64_data, double_data, uint64_data). Packed 4- and 2-bit
/// data is unpacked to one element per byte. Hand-written wire format parser; no protobuf
/// dependency.
mc_status mc_pb_read(const char *path, mc_host_tensor *out);
/// Reads .npy or .pb depending on the file extension.
mc_status mc_tensor_read(const char *path, mc_host_tensor *out);

/// Generic runner main shared by every bundle's NAME_runner:
///   NAME_runner [--input NAME=FILE]... [--output-dir DIR] [--bench N] [--warmup N]
///               [--threads N] [--weights PATH] [--seed N] [--profile]
/// Missing inputs get seeded random values. Writes one NAME.npy per output (characters outside
/// [A-Za-z0-9_] replaced by '_'), with the shape api->output_shape reports when the model has
/// one (outputs whose size depends on data). --bench prints
///   latency_ms min=... median=... p90=... iters=N
/// --profile (bundles compiled with `modelc --profile`) prints the time of every kernel over
/// the --bench runs (default 1), sorted, after the latency line:
///   kernel_profile runs=N kernels=K kernel_ms_per_run=T
///     <share>%  <mean ms per run> ms  <kernel>  <op>  <ONNX node(s)>
/// Returns a process exit code (0 ok, 1 error, message on stderr).
int mc_runner_main(const mc_model_api *api, const char *default_weights_path, int argc,
                   char **argv);
/// mc_runner_main for a bundle with kernel timers; profile may be NULL (no --profile).
int mc_runner_main_profiled(const mc_model_api *api, const mc_profile_api *profile,
                            const char *default_weights_path, int argc, char **argv);

/// mc_runner_main for a bundle with a dynamic dimension: `--dim NAME=SIZE` runs at that size
/// (inputs from files must have it; random ones and the outputs get it); without it the runner
/// runs at the maximum.
int mc_runner_main_dim(const mc_model_api *api, const mc_dim_api *dim,
                       const char *default_weights_path, int argc, char **argv);

/// A fixed-size pool of worker threads, created once per model object.
typedef struct mc_thread_pool mc_thread_pool;
/// threads <= 0 means std::thread::hardware_concurrency(). threads == 1 creates no threads.
mc_status mc_thread_pool_create(int32_t threads, mc_thread_pool **pool);
void mc_thread_pool_destroy(mc_thread_pool *pool);
int32_t mc_thread_pool_size(const mc_thread_pool *pool);
/// Calls fn(ctx, begin, end) over a static partition of [0, n) into at most size() chunks and
/// waits for all of them; the calling thread runs a chunk itself. pool may be NULL (serial).
void mc_parallel_for(mc_thread_pool *pool, int64_t n,
                     void (*fn)(void *ctx, int64_t begin, int64_t end), void *ctx);

#ifdef __cplusplus
}
#endif

#endif // MODELC_RUNTIME_MIN_MC_RUNTIME_H

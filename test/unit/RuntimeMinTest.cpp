// RuntimeMinTest.cpp - GoogleTest unit tests for runtime_min.
//
// Covers the C API of runtime_min/mc_runtime.h: status and dtype tables, aligned file reads,
// .npy and .pb tensor files (fixtures under data/ come from NumPy and the onnx package, see
// data/make_fixtures.py; malformed variants are built here), the thread pool, and
// mc_runner_main driven through small fake mc_model_api tables.
#include "mc_internal.h"
#include "mc_runtime.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace fs = std::filesystem;

namespace {

std::string dataPath(const std::string &name) { return std::string(MC_TEST_DATA_DIR) + "/" + name; }

std::vector<char> readBytes(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<char>(std::istreambuf_iterator<char>(file), {});
}

void writeBytes(const std::string &path, const std::vector<char> &bytes) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(file.good()) << path;
}

/// An mc_host_tensor that frees itself.
struct Tensor : mc_host_tensor {
  Tensor() : mc_host_tensor{} {}
  Tensor(const Tensor &) = delete;
  ~Tensor() { mc_host_tensor_free(this); }
  std::vector<int64_t> dims() const { return std::vector<int64_t>(shape, shape + rank); }
  template <typename T> std::vector<T> values() const {
    std::vector<T> result(bytes / sizeof(T));
    if (bytes)
      std::memcpy(result.data(), data, bytes);
    return result;
  }
};

/// A fresh directory per test, removed afterwards.
class RuntimeMinTest : public testing::Test {
protected:
  void SetUp() override {
    const testing::TestInfo *info = testing::UnitTest::GetInstance()->current_test_info();
    dir = fs::temp_directory_path() / (std::string("modelc_rt_") + info->test_suite_name() + "_" +
                                       info->name() + "_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string path(const std::string &name) const { return (dir / name).string(); }

  fs::path dir;
};

template <typename T>
void expectTensor(const std::string &file, int32_t dtype, std::vector<int64_t> shape,
                  std::vector<T> values) {
  SCOPED_TRACE(file);
  Tensor tensor;
  ASSERT_EQ(mc_tensor_read(dataPath(file).c_str(), &tensor), MC_OK);
  EXPECT_EQ(tensor.dtype, dtype);
  EXPECT_EQ(tensor.dims(), shape);
  EXPECT_EQ(tensor.bytes, values.size() * sizeof(T));
  EXPECT_EQ(tensor.values<T>(), values);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(tensor.data) % 64, 0u);
}

//===----------------------------------------------------------------------===//
// Tables, memory and files
//===----------------------------------------------------------------------===//

TEST(RuntimeMinTables, StatusStrings) {
  EXPECT_STREQ(mc_status_string(MC_OK), "ok");
  EXPECT_STREQ(mc_status_string(MC_ERR_INVALID_ARGUMENT), "invalid argument");
  EXPECT_STREQ(mc_status_string(MC_ERR_IO), "i/o error");
  EXPECT_STREQ(mc_status_string(MC_ERR_FORMAT), "malformed file");
  EXPECT_STREQ(mc_status_string(MC_ERR_SHAPE), "dtype or shape mismatch");
  EXPECT_STREQ(mc_status_string(MC_ERR_OUT_OF_MEMORY), "out of memory");
  EXPECT_STREQ(mc_status_string(MC_ERR_DEVICE), "device error");
  EXPECT_STREQ(mc_status_string(MC_ERR_INTERNAL), "internal error");
}

TEST(RuntimeMinTables, DtypeSizesAndNames) {
  struct Row {
    int32_t dtype;
    size_t size;
    const char *name;
  };
  const Row rows[] = {
      {MC_DTYPE_FLOAT32, 4, "float32"},   {MC_DTYPE_UINT8, 1, "uint8"},
      {MC_DTYPE_INT8, 1, "int8"},         {MC_DTYPE_UINT16, 2, "uint16"},
      {MC_DTYPE_INT16, 2, "int16"},       {MC_DTYPE_INT32, 4, "int32"},
      {MC_DTYPE_INT64, 8, "int64"},       {MC_DTYPE_BOOL, 1, "bool"},
      {MC_DTYPE_FLOAT16, 2, "float16"},   {MC_DTYPE_FLOAT64, 8, "float64"},
      {MC_DTYPE_UINT32, 4, "uint32"},     {MC_DTYPE_UINT64, 8, "uint64"},
      {MC_DTYPE_BFLOAT16, 2, "bfloat16"}, {MC_DTYPE_FLOAT8E4M3FN, 1, "float8e4m3fn"}};
  for (const Row &row : rows) {
    EXPECT_EQ(mc_dtype_size(row.dtype), row.size) << row.name;
    EXPECT_STREQ(mc_dtype_name(row.dtype), row.name);
  }
  for (int32_t unknown : {0, 8, 14, 15, -1, 1000}) { // undefined, string, complex, invalid
    EXPECT_EQ(mc_dtype_size(unknown), 0u) << unknown;
    EXPECT_STREQ(mc_dtype_name(unknown), "undefined");
  }
}

TEST(RuntimeMinTables, TensorNumel) {
  const int64_t shape[] = {2, 3, 4};
  const int64_t empty[] = {2, 0};
  mc_tensor_desc scalar{"s", MC_DTYPE_FLOAT32, 0, nullptr};
  mc_tensor_desc cube{"c", MC_DTYPE_FLOAT32, 3, shape};
  mc_tensor_desc none{"e", MC_DTYPE_FLOAT32, 2, empty};
  EXPECT_EQ(mc_tensor_numel(&scalar), 1);
  EXPECT_EQ(mc_tensor_numel(&cube), 24);
  EXPECT_EQ(mc_tensor_numel(&none), 0);
  EXPECT_EQ(mc_tensor_numel(nullptr), 0);
}

TEST(RuntimeMinTables, HalfConversions) {
  using mc::floatToBFloat16;
  using mc::floatToHalf;
  EXPECT_EQ(floatToHalf(1.0f), 0x3C00);
  EXPECT_EQ(floatToHalf(-2.0f), 0xC000);
  EXPECT_EQ(floatToHalf(0.5f), 0x3800);
  EXPECT_EQ(floatToHalf(-0.0f), 0x8000);
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(65519.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00); // Ties to even: rounds up to infinity.
  EXPECT_EQ(floatToHalf(1e9f), 0x7C00);
  EXPECT_EQ(floatToHalf(-INFINITY), 0xFC00);
  EXPECT_EQ(floatToHalf(NAN) & 0x7C00, 0x7C00);
  EXPECT_NE(floatToHalf(NAN) & 0x3FF, 0);
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -24)), 0x0001);            // Smallest subnormal.
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -25)), 0x0000);            // Tie: to even (zero).
  EXPECT_EQ(floatToHalf(std::ldexp(3.0f, -25)), 0x0002);            // Tie: 1.5 ulp to even (2).
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400);            // Smallest normal.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11)), 0x3C00);     // Tie to even.
  EXPECT_EQ(floatToHalf(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3C02); // Tie to even.
  EXPECT_EQ(floatToHalf(1.0f + std::ldexp(1.0f, -11) + std::ldexp(1.0f, -20)), 0x3C01);
  // Every non-NaN half survives half -> float -> half.
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    if ((bits & 0x7C00) == 0x7C00 && (bits & 0x3FF))
      continue;
    ASSERT_EQ(floatToHalf(mc::halfToFloat(static_cast<uint16_t>(bits))), bits) << bits;
  }
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3F80);
  EXPECT_EQ(floatToBFloat16(-3.5f), 0xC060);
  EXPECT_EQ(floatToBFloat16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);     // Tie to even.
  EXPECT_EQ(floatToBFloat16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82); // Tie to even.
  EXPECT_EQ(floatToBFloat16(NAN) & 0x7FC0, 0x7FC0);
}

TEST_F(RuntimeMinTest, AlignedAlloc) {
  for (uint64_t bytes : {1u, 7u, 64u, 1000u}) {
    void *ptr = mc_aligned_alloc(bytes);
    ASSERT_NE(ptr, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(ptr) % 64, 0u);
    std::memset(ptr, 0xAB, bytes);
    mc_aligned_free(ptr);
  }
  EXPECT_EQ(mc_aligned_alloc(0), nullptr);
  EXPECT_EQ(mc_aligned_alloc(UINT64_MAX), nullptr);
  EXPECT_EQ(mc_aligned_alloc(UINT64_MAX - 10), nullptr); // Must not wrap when rounded up.
  mc_aligned_free(nullptr);
}

TEST_F(RuntimeMinTest, ReadFileAligned) {
  std::vector<char> bytes(100);
  for (size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<char>(i * 7);
  writeBytes(path("blob.bin"), bytes);
  void *data = nullptr;
  uint64_t size = 0;
  ASSERT_EQ(mc_read_file_aligned(path("blob.bin").c_str(), UINT64_MAX, &data, &size), MC_OK);
  EXPECT_EQ(size, 100u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(data) % 64, 0u);
  EXPECT_EQ(std::memcmp(data, bytes.data(), 100), 0);
  mc_aligned_free(data);

  ASSERT_EQ(mc_read_file_aligned(path("blob.bin").c_str(), 100, &data, nullptr), MC_OK);
  mc_aligned_free(data);
  EXPECT_EQ(mc_read_file_aligned(path("blob.bin").c_str(), 99, &data, &size), MC_ERR_FORMAT);
  EXPECT_EQ(data, nullptr);
  EXPECT_EQ(mc_read_file_aligned(path("blob.bin").c_str(), 101, &data, &size), MC_ERR_FORMAT);
  EXPECT_EQ(mc_read_file_aligned(path("missing.bin").c_str(), UINT64_MAX, &data, &size), MC_ERR_IO);
  EXPECT_EQ(mc_read_file_aligned(dir.c_str(), UINT64_MAX, &data, &size), MC_ERR_IO);
  EXPECT_EQ(mc_read_file_aligned(nullptr, UINT64_MAX, &data, &size), MC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mc_read_file_aligned(path("blob.bin").c_str(), UINT64_MAX, nullptr, &size),
            MC_ERR_INVALID_ARGUMENT);

  writeBytes(path("empty.bin"), {});
  size = 5;
  ASSERT_EQ(mc_read_file_aligned(path("empty.bin").c_str(), UINT64_MAX, &data, &size), MC_OK);
  EXPECT_EQ(data, nullptr);
  EXPECT_EQ(size, 0u);
  EXPECT_EQ(mc_read_file_aligned(path("empty.bin").c_str(), 0, &data, &size), MC_OK);
}

//===----------------------------------------------------------------------===//
// .npy
//===----------------------------------------------------------------------===//

template <typename T>
void expectNpyRoundTrip(const std::string &file, int32_t dtype, std::vector<int64_t> shape,
                        std::vector<T> values) {
  SCOPED_TRACE(file);
  ASSERT_EQ(mc_npy_write(file.c_str(), dtype, static_cast<int32_t>(shape.size()), shape.data(),
                         values.data()),
            MC_OK);
  // The data starts 64-byte aligned, as NumPy writes it.
  EXPECT_EQ((fs::file_size(file) - values.size() * sizeof(T)) % 64, 0u);
  Tensor tensor;
  ASSERT_EQ(mc_npy_read(file.c_str(), &tensor), MC_OK);
  EXPECT_EQ(tensor.dtype, dtype);
  EXPECT_EQ(tensor.dims(), shape);
  EXPECT_EQ(tensor.values<T>(), values);
}

TEST_F(RuntimeMinTest, NpyRoundTrip) {
  expectNpyRoundTrip<float>(path("f32.npy"), MC_DTYPE_FLOAT32, {2, 3},
                            {1.5f, -2, 0, 3, 1e-30f, -7});
  expectNpyRoundTrip<int64_t>(path("i64.npy"), MC_DTYPE_INT64, {}, {-1234567890123});
  expectNpyRoundTrip<uint8_t>(path("bool.npy"), MC_DTYPE_BOOL, {4}, {1, 0, 0, 1});
  expectNpyRoundTrip<uint16_t>(path("f16.npy"), MC_DTYPE_FLOAT16, {1, 3}, {0x3C00, 0xC000, 0x3800});
  expectNpyRoundTrip<uint16_t>(path("bf16.npy"), MC_DTYPE_BFLOAT16, {2}, {0x3F80, 0xC060});
  expectNpyRoundTrip<float>(path("empty.npy"), MC_DTYPE_FLOAT32, {0, 3}, {});
  expectNpyRoundTrip<int8_t>(path("i8.npy"), MC_DTYPE_INT8, {1, 1, 1, 2}, {-128, 127});
  expectNpyRoundTrip<double>(path("f64.npy"), MC_DTYPE_FLOAT64, {1}, {0.1});

  // The header is the dict NumPy itself writes.
  const int64_t shape[] = {3};
  const float data[] = {1, 2, 3};
  ASSERT_EQ(mc_npy_write(path("h.npy").c_str(), MC_DTYPE_FLOAT32, 1, shape, data), MC_OK);
  std::vector<char> bytes = readBytes(path("h.npy"));
  std::string header(bytes.begin() + 10, bytes.begin() + 128);
  EXPECT_EQ(header.substr(0, header.find('}') + 1),
            "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
  EXPECT_EQ(header.back(), '\n');

  EXPECT_EQ(mc_npy_write(path("x.npy").c_str(), 8, 1, shape, data), MC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mc_npy_write(path("x.npy").c_str(), MC_DTYPE_FLOAT32, 1, shape, nullptr),
            MC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mc_npy_write(path("x.npy").c_str(), MC_DTYPE_FLOAT32, 1, nullptr, data),
            MC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mc_npy_write(path("no/such/dir/x.npy").c_str(), MC_DTYPE_FLOAT32, 1, shape, data),
            MC_ERR_IO);
}

TEST(RuntimeMinNpy, ReadsNumpyFiles) {
  expectTensor<float>("npy_f32_2x3.npy", MC_DTYPE_FLOAT32, {2, 3}, {-1, -0.5, 0, 0.5, 1, 1.5});
  expectTensor<int64_t>("npy_i64_scalar.npy", MC_DTYPE_INT64, {}, {-7});
  expectTensor<uint8_t>("npy_bool_4.npy", MC_DTYPE_BOOL, {4}, {1, 0, 0, 1});
  expectTensor<uint16_t>("npy_f16_3.npy", MC_DTYPE_FLOAT16, {3}, {0x3C00, 0xC000, 0x3800});
  expectTensor<uint8_t>("npy_u8_v2.npy", MC_DTYPE_UINT8, {3}, {1, 2, 3});
  expectTensor<float>("npy_f32_0x3.npy", MC_DTYPE_FLOAT32, {0, 3}, {});
}

TEST_F(RuntimeMinTest, NpyRejectsMalformedFiles) {
  Tensor tensor;
  std::string reason;
  EXPECT_EQ(mc::readTensorFile(dataPath("npy_f64_fortran.npy").c_str(), &tensor, reason),
            MC_ERR_FORMAT);
  EXPECT_NE(reason.find("fortran"), std::string::npos) << reason;
  EXPECT_EQ(mc::readTensorFile(dataPath("npy_f32_bigendian.npy").c_str(), &tensor, reason),
            MC_ERR_FORMAT);
  EXPECT_NE(reason.find(">f4"), std::string::npos) << reason;
  EXPECT_EQ(tensor.data, nullptr);

  std::vector<char> good = readBytes(dataPath("npy_f32_2x3.npy"));
  ASSERT_EQ(good.size(), 128u + 24u);
  // Every truncation fails cleanly.
  for (size_t length = 0; length < good.size(); ++length) {
    writeBytes(path("t.npy"), std::vector<char>(good.begin(), good.begin() + length));
    EXPECT_EQ(mc_npy_read(path("t.npy").c_str(), &tensor), MC_ERR_FORMAT) << length;
    EXPECT_EQ(tensor.data, nullptr);
  }
  std::vector<char> trailing = good;
  trailing.push_back(0);
  writeBytes(path("t.npy"), trailing);
  EXPECT_EQ(mc_npy_read(path("t.npy").c_str(), &tensor), MC_ERR_FORMAT);
  std::vector<char> badMagic = good;
  badMagic[1] = 'X';
  writeBytes(path("t.npy"), badMagic);
  EXPECT_EQ(mc_npy_read(path("t.npy").c_str(), &tensor), MC_ERR_FORMAT);
  std::vector<char> badShape = good;
  std::string header(good.begin(), good.end());
  badShape[header.find("(2, 3)") + 1] = 'x';
  writeBytes(path("t.npy"), badShape);
  EXPECT_EQ(mc_npy_read(path("t.npy").c_str(), &tensor), MC_ERR_FORMAT);

  EXPECT_EQ(mc_npy_read(path("missing.npy").c_str(), &tensor), MC_ERR_IO);
  EXPECT_EQ(mc_npy_read(nullptr, &tensor), MC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(mc_npy_read(path("t.npy").c_str(), nullptr), MC_ERR_INVALID_ARGUMENT);
}

//===----------------------------------------------------------------------===//
// .pb (ONNX TensorProto)
//===----------------------------------------------------------------------===//

TEST(RuntimeMinPb, ReadsOnnxFiles) {
  expectTensor<float>("pb_f32_raw.pb", MC_DTYPE_FLOAT32, {2, 2}, {1.5, -2, 3, 4.25});
  expectTensor<float>("pb_f32_data.pb", MC_DTYPE_FLOAT32, {3}, {1, -2.5, 3.25});
  expectTensor<float>("pb_f32_scalar.pb", MC_DTYPE_FLOAT32, {}, {3.5});
  expectTensor<float>("pb_f32_2x0.pb", MC_DTYPE_FLOAT32, {2, 0}, {});
  expectTensor<int64_t>("pb_i64_raw.pb", MC_DTYPE_INT64, {3}, {-1, int64_t(1) << 40, 3});
  expectTensor<int64_t>("pb_i64_data.pb", MC_DTYPE_INT64, {3}, {-1, int64_t(1) << 40, 3});
  expectTensor<int32_t>("pb_i32_raw.pb", MC_DTYPE_INT32, {3}, {-5, 0, 7});
  expectTensor<int32_t>("pb_i32_data.pb", MC_DTYPE_INT32, {2, 2}, {-5, 0, 7, INT32_MAX});
  expectTensor<uint8_t>("pb_bool_raw.pb", MC_DTYPE_BOOL, {3}, {1, 0, 1});
  expectTensor<uint8_t>("pb_bool_data.pb", MC_DTYPE_BOOL, {3}, {1, 0, 1});
  expectTensor<uint16_t>("pb_f16_raw.pb", MC_DTYPE_FLOAT16, {3}, {0x3C00, 0xC000, 0x3800});
  expectTensor<uint16_t>("pb_f16_data.pb", MC_DTYPE_FLOAT16, {3}, {0x3C00, 0xC000, 0x3800});
  expectTensor<uint16_t>("pb_bf16_data.pb", MC_DTYPE_BFLOAT16, {2}, {0x3F80, 0xC060});
  expectTensor<double>("pb_f64_raw.pb", MC_DTYPE_FLOAT64, {2}, {0.1, -2.0});
  expectTensor<double>("pb_f64_data.pb", MC_DTYPE_FLOAT64, {2}, {0.1, -2.0});
  expectTensor<uint8_t>("pb_u8_data.pb", MC_DTYPE_UINT8, {3}, {0, 200, 255});
  expectTensor<int8_t>("pb_i8_data.pb", MC_DTYPE_INT8, {3}, {-128, 5, 127});
  expectTensor<uint64_t>("pb_u64_data.pb", MC_DTYPE_UINT64, {2}, {(uint64_t(1) << 63) + 5, 1});
}

/// A tiny protobuf encoder for hand-built TensorProtos.
struct Proto {
  std::vector<char> bytes;
  Proto &varint(uint64_t value) {
    do {
      bytes.push_back(static_cast<char>((value & 0x7F) | (value > 0x7F ? 0x80 : 0)));
      value >>= 7;
    } while (value);
    return *this;
  }
  Proto &key(uint32_t field, uint32_t wireType) { return varint(field << 3 | wireType); }
  Proto &field(uint32_t number, uint64_t value) { return key(number, 0).varint(value); }
  Proto &bytesField(uint32_t number, const std::vector<char> &payload) {
    key(number, 2).varint(payload.size());
    bytes.insert(bytes.end(), payload.begin(), payload.end());
    return *this;
  }
  template <typename T> Proto &fixed(uint32_t number, uint32_t wireType, T value) {
    key(number, wireType);
    const char *raw = reinterpret_cast<const char *>(&value);
    bytes.insert(bytes.end(), raw, raw + sizeof(T));
    return *this;
  }
};

template <typename T> std::vector<char> rawBytes(std::initializer_list<T> values) {
  std::vector<char> result(values.size() * sizeof(T));
  std::memcpy(result.data(), values.begin(), result.size());
  return result;
}

TEST_F(RuntimeMinTest, PbHandlesWireFormatVariants) {
  // Packed dims, fields in an unusual order, unknown fields of every wire type, repeated
  // non-packed float_data, a segment submessage and a name.
  Proto packedDims;
  packedDims.fixed<float>(4, 5, 1.0f);
  packedDims.field(99, 12345)
      .fixed<uint64_t>(100, 1, 7)
      .bytesField(101, {'a', 'b'})
      .fixed<uint32_t>(102, 5, 9);
  Proto dims;
  dims.varint(2).varint(1);
  packedDims.bytesField(1, dims.bytes);
  packedDims.bytesField(3, Proto().field(1, 0).field(2, 2).bytes); // segment {begin, end}
  packedDims.bytesField(8, {'n'});
  packedDims.fixed<float>(4, 5, -2.0f);
  packedDims.field(2, MC_DTYPE_FLOAT32);
  writeBytes(path("v.pb"), packedDims.bytes);
  Tensor tensor;
  ASSERT_EQ(mc_pb_read(path("v.pb").c_str(), &tensor), MC_OK);
  EXPECT_EQ(tensor.dims(), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(tensor.values<float>(), (std::vector<float>{1, -2}));
  mc_host_tensor_free(&tensor);

  // Non-packed int64_data and uint32 via uint64_data.
  Proto unpacked;
  unpacked.field(1, 2).field(2, MC_DTYPE_INT64).field(7, uint64_t(-3)).field(7, 4);
  writeBytes(path("u.pb"), unpacked.bytes);
  ASSERT_EQ(mc_pb_read(path("u.pb").c_str(), &tensor), MC_OK);
  EXPECT_EQ(tensor.values<int64_t>(), (std::vector<int64_t>{-3, 4}));
  mc_host_tensor_free(&tensor);
  Proto uint32;
  uint32.field(1, 1).field(2, MC_DTYPE_UINT32).field(11, 4000000000u);
  writeBytes(path("u32.pb"), uint32.bytes);
  ASSERT_EQ(mc_pb_read(path("u32.pb").c_str(), &tensor), MC_OK);
  EXPECT_EQ(tensor.values<uint32_t>(), (std::vector<uint32_t>{4000000000u}));
}

TEST_F(RuntimeMinTest, PbRejectsMalformedFiles) {
  Tensor tensor;
  std::string reason;
  EXPECT_EQ(mc::readTensorFile(dataPath("pb_external.pb").c_str(), &tensor, reason), MC_ERR_FORMAT);
  EXPECT_NE(reason.find("external"), std::string::npos) << reason;
  EXPECT_EQ(mc::readTensorFile(dataPath("pb_string.pb").c_str(), &tensor, reason), MC_ERR_FORMAT);
  EXPECT_NE(reason.find("string"), std::string::npos) << reason;

  // Every truncation of a valid file fails with MC_ERR_FORMAT.
  std::vector<char> good = readBytes(dataPath("pb_f32_raw.pb"));
  for (size_t length = 0; length < good.size(); ++length) {
    writeBytes(path("t.pb"), std::vector<char>(good.begin(), good.begin() + length));
    EXPECT_EQ(mc_pb_read(path("t.pb").c_str(), &tensor), MC_ERR_FORMAT) << length;
    EXPECT_EQ(tensor.data, nullptr);
  }

  auto expectFormatError = [&](const Proto &proto, const char *what) {
    writeBytes(path("bad.pb"), proto.bytes);
    EXPECT_EQ(mc_pb_read(path("bad.pb").c_str(), &tensor), MC_ERR_FORMAT) << what;
    EXPECT_EQ(tensor.data, nullptr) << what;
  };
  auto floats = rawBytes<float>({1, 2, 3});
  expectFormatError(Proto().field(1, 2).field(2, 1).bytesField(9, floats), "raw size");
  expectFormatError(Proto().field(1, 2).field(2, 1).fixed<float>(4, 5, 1), "value count");
  expectFormatError(Proto().field(1, 1).field(2, 7).fixed<float>(4, 5, 1), "wrong field");
  expectFormatError(
      Proto().field(1, 1).field(2, 1).bytesField(9, rawBytes<float>({1})).fixed<float>(4, 5, 1),
      "raw and typed");
  expectFormatError(Proto().fixed<uint32_t>(1, 5, 2).field(2, 1), "dims wire type");
  expectFormatError(Proto().field(1, 1).key(2, 3), "group wire type");
  expectFormatError(Proto().field(1, 1).field(2, 8), "string dtype");
  expectFormatError(Proto().field(1, 1).field(2, 99), "unknown dtype");
  expectFormatError(Proto().field(1, 1), "no data_type");
  expectFormatError(Proto().field(1, uint64_t(-1)).field(2, 1), "negative dim");
  expectFormatError(Proto().field(1, 1).field(2, 1).bytesField(4, {1, 2, 3}), "packed size");
  expectFormatError(Proto().field(2, 1).field(14, 1), "data_location");
  Proto rank17;
  for (int i = 0; i < 17; ++i)
    rank17.field(1, 1);
  expectFormatError(rank17.field(2, 1).fixed<float>(4, 5, 1), "rank 17");
  Proto longVarint;
  longVarint.key(2, 0);
  for (int i = 0; i < 11; ++i)
    longVarint.bytes.push_back(static_cast<char>(0x81));
  longVarint.bytes.push_back(0);
  expectFormatError(longVarint, "varint over 10 bytes");
  Proto zeroField;
  zeroField.key(0, 0).varint(1);
  expectFormatError(zeroField, "field number 0");

  EXPECT_EQ(mc_pb_read(path("missing.pb").c_str(), &tensor), MC_ERR_IO);
}

TEST_F(RuntimeMinTest, TensorReadDispatchesOnExtension) {
  fs::copy_file(dataPath("pb_f32_scalar.pb"), path("upper.PB"));
  Tensor tensor;
  ASSERT_EQ(mc_tensor_read(path("upper.PB").c_str(), &tensor), MC_OK);
  EXPECT_EQ(tensor.values<float>(), std::vector<float>{3.5f});
  Tensor other;
  fs::copy_file(dataPath("npy_f32_2x3.npy"), path("a.txt"));
  EXPECT_EQ(mc_tensor_read(path("a.txt").c_str(), &other), MC_ERR_INVALID_ARGUMENT);
  // A .npy file named .pb is parsed as protobuf and rejected.
  fs::copy_file(dataPath("npy_f32_2x3.npy"), path("a.pb"));
  EXPECT_EQ(mc_tensor_read(path("a.pb").c_str(), &other), MC_ERR_FORMAT);
  EXPECT_EQ(mc_tensor_read(nullptr, &other), MC_ERR_INVALID_ARGUMENT);
}

//===----------------------------------------------------------------------===//
// Thread pool
//===----------------------------------------------------------------------===//

struct Coverage {
  std::vector<std::atomic<int>> hits;
  std::atomic<int> calls{0};
  std::atomic<int> emptyCalls{0};
  std::thread::id caller;
  std::atomic<bool> callerRanFirstChunk{false};
  explicit Coverage(int64_t n) : hits(static_cast<size_t>(std::max<int64_t>(n, 0))) {}

  static void visit(void *ctx, int64_t begin, int64_t end) {
    auto *self = static_cast<Coverage *>(ctx);
    ++self->calls;
    if (begin >= end)
      ++self->emptyCalls;
    if (begin == 0 && std::this_thread::get_id() == self->caller)
      self->callerRanFirstChunk = true;
    for (int64_t i = begin; i < end; ++i)
      ++self->hits[static_cast<size_t>(i)];
  }
};

void expectCoversOnce(mc_thread_pool *pool, int64_t n) {
  SCOPED_TRACE("n=" + std::to_string(n) + " size=" + std::to_string(mc_thread_pool_size(pool)));
  Coverage coverage(n);
  coverage.caller = std::this_thread::get_id();
  mc_parallel_for(pool, n, &Coverage::visit, &coverage);
  for (int64_t i = 0; i < n; ++i)
    ASSERT_EQ(coverage.hits[static_cast<size_t>(i)].load(), 1) << i;
  int64_t expectedCalls = std::min<int64_t>(n, mc_thread_pool_size(pool));
  EXPECT_EQ(coverage.calls.load(), n > 0 ? expectedCalls : 0);
  EXPECT_EQ(coverage.emptyCalls.load(), 0);
  EXPECT_EQ(coverage.callerRanFirstChunk.load(), n > 0);
}

TEST(RuntimeMinThreadPool, CoversEveryIndexOnce) {
  for (int32_t threads : {1, 2, 3, 4, 7}) {
    mc_thread_pool *pool = nullptr;
    ASSERT_EQ(mc_thread_pool_create(threads, &pool), MC_OK);
    ASSERT_EQ(mc_thread_pool_size(pool), threads);
    for (int64_t n : {int64_t(0), int64_t(-3), int64_t(1), int64_t(threads - 1), int64_t(threads),
                      int64_t(threads + 1), int64_t(1000), int64_t(100003)})
      expectCoversOnce(pool, n);
    // Many back-to-back jobs exercise the generation handshake.
    for (int round = 0; round < 300; ++round)
      expectCoversOnce(pool, 1 + round % 13);
    mc_thread_pool_destroy(pool);
  }
  expectCoversOnce(nullptr, 10);
  EXPECT_EQ(mc_thread_pool_size(nullptr), 1);
  mc_thread_pool_destroy(nullptr);
}

TEST(RuntimeMinThreadPool, DefaultSizeAndConcurrentCallers) {
  mc_thread_pool *pool = nullptr;
  ASSERT_EQ(mc_thread_pool_create(0, &pool), MC_OK);
  EXPECT_EQ(mc_thread_pool_size(pool),
            static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency())));
  mc_thread_pool_destroy(pool);
  EXPECT_EQ(mc_thread_pool_create(2, nullptr), MC_ERR_INVALID_ARGUMENT);

  ASSERT_EQ(mc_thread_pool_create(3, &pool), MC_OK);
  auto caller = [&] {
    for (int round = 0; round < 200; ++round)
      expectCoversOnce(pool, 50 + round);
  };
  std::thread other(caller);
  caller();
  other.join();
  mc_thread_pool_destroy(pool);
}

//===----------------------------------------------------------------------===//
// mc_runner_main with fake models
//===----------------------------------------------------------------------===//

/// What the fake models saw; reset by each runner test. Test-only global state.
struct FakeLog {
  int runs = 0;
  int destroys = 0;
  int threads = 0;
  int benchWarmup = -1;
  std::string weights;
  mc_status createStatus = MC_OK;
} fakeLog;

struct FakeHandle {
  std::string error;
};

mc_status fakeCreate(const char *weights, void **handle) {
  fakeLog.weights = weights ? weights : "(null)";
  *handle = new FakeHandle{fakeLog.createStatus == MC_OK ? "" : "weights are missing"};
  return fakeLog.createStatus;
}
void fakeDestroy(void *handle) {
  ++fakeLog.destroys;
  delete static_cast<FakeHandle *>(handle);
}
const char *fakeLastError(void *handle) { return static_cast<FakeHandle *>(handle)->error.c_str(); }
mc_status fakeSetThreads(void *, int32_t threads) {
  fakeLog.threads = threads;
  return MC_OK;
}

/// y:0 = x + 1 on float32[2,3].
const int64_t kShape23[] = {2, 3};
const mc_tensor_desc kAddInputs[] = {{"x", MC_DTYPE_FLOAT32, 2, kShape23}};
const mc_tensor_desc kAddOutputs[] = {{"y:0/out", MC_DTYPE_FLOAT32, 2, kShape23}};
mc_status addOneRun(void *, const void *const *inputs, void *const *outputs) {
  ++fakeLog.runs;
  const float *x = static_cast<const float *>(inputs[0]);
  float *y = static_cast<float *>(outputs[0]);
  for (int i = 0; i < 6; ++i)
    y[i] = x[i] + 1;
  return MC_OK;
}
mc_status fixedBench(void *, const void *const *, int32_t warmup, int32_t iters, double *out) {
  fakeLog.benchWarmup = warmup;
  const double times[] = {5, 1, 3, 2};
  for (int32_t i = 0; i < iters; ++i)
    out[i] = times[i % 4];
  return MC_OK;
}
mc_model_api addOneApi() {
  return {"add_one",   "cpu",        1,          kAddInputs, 1,       kAddOutputs,   0, 0,
          &fakeCreate, &fakeDestroy, &addOneRun, nullptr,    nullptr, &fakeLastError};
}

/// Copies input i to output i for one input of every dtype.
const int64_t kShape64[] = {64};
const mc_tensor_desc kMixedDescs[] = {
    {"f32", MC_DTYPE_FLOAT32, 1, kShape64},   {"f16", MC_DTYPE_FLOAT16, 1, kShape64},
    {"bf16", MC_DTYPE_BFLOAT16, 1, kShape64}, {"f64", MC_DTYPE_FLOAT64, 1, kShape64},
    {"i8", MC_DTYPE_INT8, 1, kShape64},       {"i32", MC_DTYPE_INT32, 1, kShape64},
    {"i64", MC_DTYPE_INT64, 1, kShape64},     {"u8", MC_DTYPE_UINT8, 1, kShape64},
    {"u64", MC_DTYPE_UINT64, 1, kShape64},    {"b", MC_DTYPE_BOOL, 1, kShape64}};
constexpr int32_t kNumMixed = 10;
mc_status copyRun(void *, const void *const *inputs, void *const *outputs) {
  for (int32_t i = 0; i < kNumMixed; ++i)
    std::memcpy(outputs[i], inputs[i], 64 * mc_dtype_size(kMixedDescs[i].dtype));
  return MC_OK;
}
mc_model_api copyApi() {
  return {"copy", "cpu",       kNumMixed,    kMixedDescs, kNumMixed, kMixedDescs,     0,
          0,      &fakeCreate, &fakeDestroy, &copyRun,    nullptr,   &fakeSetThreads, nullptr};
}

struct RunResult {
  int code;
  std::string out, err;
};

/// Kernel timers of a fake three-kernel model: each run adds {1, 3, 2} ms.
struct FakeTimers {
  double ms[3] = {0, 0, 0};
  int64_t runs = 0;
  int resets = 0;
} fakeTimers;
const char *const kFakeKernelNames[] = {"k0_a", "k1_b", "k2_c"};
const char *const kFakeKernelOps[] = {"kernel.gemm", "kernel.elementwise", "kernel.pool"};
const char *const kFakeKernelNodes[] = {"'a'", "'b' + 'c'", "'d'"};
mc_status timedRun(void *handle, const void *const *inputs, void *const *outputs) {
  const double add[] = {1, 3, 2};
  for (int i = 0; i < 3; ++i)
    fakeTimers.ms[i] += add[i];
  ++fakeTimers.runs;
  return addOneRun(handle, inputs, outputs);
}
mc_status timersRead(void *, double *ms, int64_t *runs) {
  std::copy(fakeTimers.ms, fakeTimers.ms + 3, ms);
  *runs = fakeTimers.runs;
  return MC_OK;
}
void timersReset(void *) { fakeTimers = FakeTimers{{0, 0, 0}, 0, fakeTimers.resets + 1}; }
const mc_profile_api kFakeProfile = {
    3, kFakeKernelNames, kFakeKernelOps, kFakeKernelNodes, &timersRead, &timersReset};

RunResult runRunner(const mc_model_api &api, std::vector<std::string> args,
                    const mc_profile_api *profile = nullptr) {
  args.insert(args.begin(), "add_one_runner");
  std::vector<char *> argv;
  for (std::string &arg : args)
    argv.push_back(arg.data());
  argv.push_back(nullptr);
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int code = profile ? mc_runner_main_profiled(&api, profile, "default.weights.bin",
                                               static_cast<int>(args.size()), argv.data())
                     : mc_runner_main(&api, "default.weights.bin", static_cast<int>(args.size()),
                                      argv.data());
  std::string out = testing::internal::GetCapturedStdout();
  std::string err = testing::internal::GetCapturedStderr();
  return {code, out, err};
}

class RuntimeMinRunnerTest : public RuntimeMinTest {
protected:
  void SetUp() override {
    RuntimeMinTest::SetUp();
    fakeLog = FakeLog();
    const float x[] = {0, 1, 2, 3, 4, 5.5f};
    ASSERT_EQ(mc_npy_write(path("x.npy").c_str(), MC_DTYPE_FLOAT32, 2, kShape23, x), MC_OK);
  }
  bool contains(const std::string &text, const std::string &part) {
    return text.find(part) != std::string::npos;
  }
};

TEST_F(RuntimeMinRunnerTest, WritesOutputs) {
  std::string out = path("out/nested");
  RunResult result = runRunner(addOneApi(), {"--input", "x=" + path("x.npy"), "--output-dir", out});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(fakeLog.runs, 1);
  EXPECT_EQ(fakeLog.destroys, 1);
  EXPECT_EQ(fakeLog.weights, "default.weights.bin");
  Tensor y;
  ASSERT_EQ(mc_npy_read((out + "/y_0_out.npy").c_str(), &y), MC_OK);
  EXPECT_EQ(y.dtype, MC_DTYPE_FLOAT32);
  EXPECT_EQ(y.dims(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(y.values<float>(), (std::vector<float>{1, 2, 3, 4, 5, 6.5f}));
}

TEST_F(RuntimeMinRunnerTest, AcceptsEqualsSyntaxAndPbInputs) {
  fs::copy_file(dataPath("pb_f32_raw.pb"), path("x.pb")); // float32[2,2]: wrong shape.
  RunResult bad = runRunner(addOneApi(), {"--input=x=" + path("x.pb")});
  EXPECT_EQ(bad.code, 1);
  EXPECT_TRUE(contains(bad.err, "float32[2,2]")) << bad.err;

  RunResult result = runRunner(
      addOneApi(), {"--input=x=" + path("x.npy"), "--output-dir=" + path("o"), "--weights=w.bin"});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(fakeLog.weights, "w.bin");
  EXPECT_TRUE(fs::exists(path("o/y_0_out.npy")));
}

TEST_F(RuntimeMinRunnerTest, RejectsWrongShapeAndDtype) {
  const float x[] = {0, 1, 2, 3, 4, 5};
  const int64_t shape32[] = {3, 2};
  ASSERT_EQ(mc_npy_write(path("x32.npy").c_str(), MC_DTYPE_FLOAT32, 2, shape32, x), MC_OK);
  RunResult result =
      runRunner(addOneApi(), {"--input", "x=" + path("x32.npy"), "--output-dir", path("o")});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << result.err;
  EXPECT_TRUE(contains(result.err, "'x'")) << result.err;
  EXPECT_TRUE(contains(result.err, "float32[3,2]")) << result.err;
  EXPECT_TRUE(contains(result.err, "float32[2,3]")) << result.err;
  EXPECT_EQ(fakeLog.runs, 0);
  EXPECT_FALSE(fs::exists(path("o/y_0_out.npy")));

  const int64_t ints[] = {0, 1, 2, 3, 4, 5};
  ASSERT_EQ(mc_npy_write(path("xi.npy").c_str(), MC_DTYPE_INT64, 2, kShape23, ints), MC_OK);
  result = runRunner(addOneApi(), {"--input", "x=" + path("xi.npy")});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(contains(result.err, "int64[2,3]")) << result.err;

  result = runRunner(addOneApi(), {"--input", "x=" + path("missing.npy")});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(contains(result.err, "missing.npy")) << result.err;
}

TEST_F(RuntimeMinRunnerTest, RejectsUnknownInputAndBadOptions) {
  RunResult result = runRunner(addOneApi(), {"--input", "z=" + path("x.npy")});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(contains(result.err, "error: unknown input 'z'")) << result.err;
  EXPECT_TRUE(contains(result.err, "'x'")) << result.err;

  for (std::vector<std::string> args :
       {std::vector<std::string>{"--bench", "abc"},
        {"--bench", "0"},
        {"--bench"},
        {"--frobnicate", "1"},
        {"--input", "noequals"},
        {"stray"},
        {"--warmup=-1"},
        {"--input", "x=" + path("x.npy"), "--input", "x=" + path("x.npy")}}) {
    result = runRunner(addOneApi(), args);
    EXPECT_EQ(result.code, 1) << args[0];
    EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << result.err;
  }
  EXPECT_EQ(fakeLog.runs, 0);
}

TEST_F(RuntimeMinRunnerTest, BenchPrintsLatencyLine) {
  RunResult result = runRunner(addOneApi(), {"--bench", "5", "--output-dir", path("o")});
  ASSERT_EQ(result.code, 0) << result.err;
  std::regex line(R"(latency_ms min=\d+\.\d{4} median=\d+\.\d{4} p90=\d+\.\d{4} iters=5\n)");
  EXPECT_TRUE(std::regex_match(result.out, line)) << result.out;
  EXPECT_EQ(fakeLog.runs, 1 + 1 + 5); // One run for the outputs, default warmup 1, 5 timed.

  fakeLog.runs = 0;
  result = runRunner(addOneApi(), {"--bench=3", "--warmup=0", "--output-dir", path("o")});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "iters=3")) << result.out;
  EXPECT_EQ(fakeLog.runs, 1 + 3);
}

TEST_F(RuntimeMinRunnerTest, BenchUsesModelTimerAndStatistics) {
  mc_model_api api = addOneApi();
  api.bench = &fixedBench;
  RunResult result = runRunner(api, {"--bench", "4", "--output-dir", path("o")});
  ASSERT_EQ(result.code, 0) << result.err;
  // Times {5, 1, 3, 2}: median of an even count averages the middle two; p90 is sorted[2].
  EXPECT_EQ(result.out, "latency_ms min=1.0000 median=2.5000 p90=3.0000 iters=4\n");
  EXPECT_EQ(fakeLog.benchWarmup, 1);
  EXPECT_EQ(fakeLog.runs, 1);

  result = runRunner(api, {"--bench", "5", "--warmup", "7", "--output-dir", path("o")});
  ASSERT_EQ(result.code, 0) << result.err;
  // Times {5, 1, 3, 2, 5}: median sorted[2] = 3, p90 = sorted[floor(3.6)] = 5.
  EXPECT_EQ(result.out, "latency_ms min=1.0000 median=3.0000 p90=5.0000 iters=5\n");
  EXPECT_EQ(fakeLog.benchWarmup, 7);
}

TEST_F(RuntimeMinRunnerTest, ProfilePrintsKernelsSortedByTime) {
  mc_model_api api = addOneApi();
  api.run_host = &timedRun;
  fakeTimers = FakeTimers();
  RunResult result =
      runRunner(api, {"--bench", "4", "--warmup", "2", "--output-dir", path("o"), "--profile"},
                &kFakeProfile);
  ASSERT_EQ(result.code, 0) << result.err;
  // Reset once after the first run and the warmup: the table covers exactly the 4 timed runs.
  EXPECT_EQ(fakeTimers.resets, 1);
  EXPECT_EQ(fakeTimers.runs, 4);
  std::regex expected(R"(latency_ms min=\d+\.\d{4} median=\d+\.\d{4} p90=\d+\.\d{4} iters=4\n)"
                      R"(kernel_profile runs=4 kernels=3 kernel_ms_per_run=6\.000000\n)"
                      R"(  +share +mean +kernel +op +ONNX node\(s\)\n)"
                      R"(   50\.00%  +3\.000000 ms  k1_b +kernel\.elementwise +'b' \+ 'c'\n)"
                      R"(   33\.33%  +2\.000000 ms  k2_c +kernel\.pool +'d'\n)"
                      R"(   16\.67%  +1\.000000 ms  k0_a +kernel\.gemm +'a'\n)");
  EXPECT_TRUE(std::regex_match(result.out, expected)) << result.out;

  // --profile alone profiles one run after the warmup.
  fakeTimers = FakeTimers();
  result = runRunner(api, {"--output-dir", path("o"), "--profile"}, &kFakeProfile);
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_TRUE(contains(result.out, "kernel_profile runs=1 kernels=3")) << result.out;

  // A bundle without timers says how to get them.
  result = runRunner(api, {"--output-dir", path("o"), "--profile"});
  EXPECT_EQ(result.code, 1);
  EXPECT_TRUE(contains(result.err, "modelc --profile")) << result.err;
}

TEST_F(RuntimeMinRunnerTest, ReportsCreateFailure) {
  fakeLog.createStatus = MC_ERR_IO;
  RunResult result = runRunner(addOneApi(), {"--weights", "nope.bin", "--output-dir", path("o")});
  EXPECT_EQ(result.code, 1);
  EXPECT_EQ(result.err.rfind("error: ", 0), 0u) << result.err;
  EXPECT_TRUE(contains(result.err, "nope.bin")) << result.err;
  EXPECT_TRUE(contains(result.err, "weights are missing")) << result.err;
  EXPECT_EQ(fakeLog.runs, 0);
  EXPECT_EQ(fakeLog.destroys, 1);
}

TEST_F(RuntimeMinRunnerTest, SeededRandomInputs) {
  RunResult result =
      runRunner(copyApi(), {"--seed", "3", "--threads", "2", "--output-dir", path("a")});
  ASSERT_EQ(result.code, 0) << result.err;
  EXPECT_EQ(fakeLog.threads, 2);
  ASSERT_EQ(runRunner(copyApi(), {"--seed=3", "--output-dir", path("b")}).code, 0);
  ASSERT_EQ(runRunner(copyApi(), {"--seed=4", "--output-dir", path("c")}).code, 0);
  for (const mc_tensor_desc &desc : kMixedDescs) {
    SCOPED_TRACE(desc.name);
    std::string file = std::string(desc.name) + ".npy";
    std::vector<char> a = readBytes(path("a/" + file));
    EXPECT_EQ(a, readBytes(path("b/" + file)));
    EXPECT_NE(a, readBytes(path("c/" + file)));
    // Different inputs get different streams (seed + input index).
    if (desc.dtype == MC_DTYPE_FLOAT32) {
      std::vector<char> other = readBytes(path("a/f64.npy"));
      EXPECT_NE(a, other);
    }
  }

  auto load = [&](const char *name) {
    auto tensor = std::make_unique<Tensor>();
    EXPECT_EQ(mc_npy_read(path(std::string("a/") + name + ".npy").c_str(), tensor.get()), MC_OK);
    return tensor;
  };
  auto expectRange = [](std::vector<double> values, double lo, double hi, bool integral) {
    double minSeen = hi, maxSeen = lo;
    for (double v : values) {
      EXPECT_GE(v, lo);
      EXPECT_LE(v, hi);
      if (integral) {
        EXPECT_EQ(v, std::floor(v));
      }
      minSeen = std::min(minSeen, v);
      maxSeen = std::max(maxSeen, v);
    }
    EXPECT_LT(minSeen, lo + (hi - lo) / 4); // Spread over the range, not constant.
    EXPECT_GT(maxSeen, hi - (hi - lo) / 4);
  };
  auto asDoubles = [](const auto &values) {
    return std::vector<double>(values.begin(), values.end());
  };
  expectRange(asDoubles(load("f32")->values<float>()), -1, 1, false);
  expectRange(asDoubles(load("f64")->values<double>()), -1, 1, false);
  std::vector<double> halves;
  for (uint16_t bits : load("f16")->values<uint16_t>())
    halves.push_back(mc::halfToFloat(bits));
  expectRange(halves, -1, 1, false);
  std::vector<double> bhalves;
  for (uint16_t bits : load("bf16")->values<uint16_t>()) {
    uint32_t wide = uint32_t(bits) << 16;
    float value;
    std::memcpy(&value, &wide, 4);
    bhalves.push_back(value);
  }
  expectRange(bhalves, -1, 1, false);
  expectRange(asDoubles(load("i8")->values<int8_t>()), -5, 5, true);
  expectRange(asDoubles(load("i32")->values<int32_t>()), -5, 5, true);
  expectRange(asDoubles(load("i64")->values<int64_t>()), -5, 5, true);
  expectRange(asDoubles(load("u8")->values<uint8_t>()), 0, 10, true);
  expectRange(asDoubles(load("u64")->values<uint64_t>()), 0, 10, true);
  expectRange(asDoubles(load("b")->values<uint8_t>()), 0, 1, true);
}

TEST_F(RuntimeMinRunnerTest, WarnsWhenThreadsUnsupportedAndPrintsHelp) {
  RunResult result = runRunner(addOneApi(), {"--threads", "4", "--output-dir", path("o")});
  EXPECT_EQ(result.code, 0) << result.err;
  EXPECT_TRUE(contains(result.err, "warning:")) << result.err;

  fakeLog.runs = 0;
  result = runRunner(addOneApi(), {"--help"});
  EXPECT_EQ(result.code, 0);
  EXPECT_TRUE(contains(result.out, "usage:")) << result.out;
  EXPECT_TRUE(contains(result.out, "x: float32[2,3]")) << result.out;
  EXPECT_EQ(fakeLog.runs, 0);
}

} // namespace

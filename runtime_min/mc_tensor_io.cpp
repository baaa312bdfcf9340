// mc_tensor_io.cpp - Reading and writing tensors as NumPy .npy and ONNX TensorProto .pb files.
//
// These are the two formats model inputs and reference outputs come in: .npy from NumPy
// scripts, .pb from the ONNX backend test data (test_data_set_N/input_0.pb). The TensorProto
// reader is a hand-written protobuf wire-format parser (onnx/onnx.proto, message TensorProto)
// so bundles need no protobuf library. Every reader validates sizes before touching memory and
// reports malformed input as MC_ERR_FORMAT with a reason; hosts must be little-endian.
#include "mc_internal.h"

#include <cstring>
#include <fstream>
#include <limits>
#include <new>

namespace {

using Error = std::string;

bool isLittleEndianHost() {
  const uint16_t probe = 1;
  uint8_t first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

/// Owns an mc_aligned_alloc'ed buffer until release().
class AlignedBuffer {
public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer &) = delete;
  AlignedBuffer &operator=(const AlignedBuffer &) = delete;
  ~AlignedBuffer() { mc_aligned_free(ptr); }
  void **addr() { return &ptr; }
  void *get() const { return ptr; }
  void *release() {
    void *result = ptr;
    ptr = nullptr;
    return result;
  }

private:
  void *ptr = nullptr;
};

mc_status fail(Error &error, mc_status status, const char *message) {
  error = message;
  return status;
}

/// Checks the dims of `tensor` and computes its element count and byte size without overflow.
mc_status computeSize(const mc_host_tensor &tensor, uint64_t &numel, Error &error) {
  numel = 1;
  for (int32_t i = 0; i < tensor.rank; ++i) {
    if (tensor.shape[i] < 0)
      return fail(error, MC_ERR_FORMAT, "negative dimension");
    uint64_t dim = static_cast<uint64_t>(tensor.shape[i]);
    if (dim != 0 && numel > std::numeric_limits<uint64_t>::max() / 16 / dim)
      return fail(error, MC_ERR_FORMAT, "tensor size overflows 64 bits");
    numel *= dim;
  }
  return MC_OK;
}

/// Reads the whole of `path` into `buffer`.
mc_status readWholeFile(const char *path, AlignedBuffer &buffer, uint64_t &size, Error &error) {
  mc_status status = mc_read_file_aligned(path, UINT64_MAX, buffer.addr(), &size);
  if (status == MC_ERR_IO)
    error = "cannot read file";
  else if (status != MC_OK)
    error = mc_status_string(status);
  return status;
}

//===----------------------------------------------------------------------===//
// NumPy .npy (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
//===----------------------------------------------------------------------===//

struct NpyType {
  const char *code; ///< descr without its byte-order character.
  int32_t dtype;
};

/// bfloat16 is written as '<V2', the descr NumPy gives ml_dtypes.bfloat16 arrays.
constexpr NpyType kNpyTypes[] = {
    {"f4", MC_DTYPE_FLOAT32}, {"f8", MC_DTYPE_FLOAT64}, {"f2", MC_DTYPE_FLOAT16},
    {"i1", MC_DTYPE_INT8},    {"u1", MC_DTYPE_UINT8},   {"i2", MC_DTYPE_INT16},
    {"u2", MC_DTYPE_UINT16},  {"i4", MC_DTYPE_INT32},   {"u4", MC_DTYPE_UINT32},
    {"i8", MC_DTYPE_INT64},   {"u8", MC_DTYPE_UINT64},  {"b1", MC_DTYPE_BOOL},
    {"V2", MC_DTYPE_BFLOAT16}};

/// A cursor over the header's Python dict literal, e.g.
/// {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class NpyHeader {
public:
  NpyHeader(const char *first, const char *last) : begin(first), end(last) {}

  /// Positions the cursor after `key`'s colon; false if the key is absent.
  bool seekKey(const char *key) {
    size_t keyLength = std::strlen(key);
    for (const char *p = begin; p + keyLength + 2 <= end; ++p) {
      if ((*p != '\'' && *p != '"') || p[keyLength + 1] != *p ||
          std::memcmp(p + 1, key, keyLength) != 0)
        continue;
      pos = p + keyLength + 2;
      return consume(':');
    }
    return false;
  }
  /// Consumes optional spaces and then `c`.
  bool consume(char c) {
    skipSpaces();
    if (pos == end || *pos != c)
      return false;
    ++pos;
    return true;
  }
  bool consumeWord(const char *word) {
    skipSpaces();
    size_t length = std::strlen(word);
    if (static_cast<size_t>(end - pos) < length || std::memcmp(pos, word, length) != 0)
      return false;
    pos += length;
    return true;
  }
  /// Reads a quoted string into `out` (at most `capacity - 1` characters).
  bool readString(char *out, size_t capacity) {
    skipSpaces();
    if (pos == end || (*pos != '\'' && *pos != '"'))
      return false;
    char quote = *pos++;
    size_t length = 0;
    for (; pos != end && *pos != quote; ++pos) {
      if (length + 1 >= capacity)
        return false;
      out[length++] = *pos;
    }
    out[length] = '\0';
    return consume(quote);
  }
  bool readInt(int64_t &value) {
    skipSpaces();
    if (pos == end || *pos < '0' || *pos > '9')
      return false;
    value = 0;
    for (; pos != end && *pos >= '0' && *pos <= '9'; ++pos) {
      if (value > (std::numeric_limits<int64_t>::max() - 9) / 10)
        return false;
      value = value * 10 + (*pos - '0');
    }
    return true;
  }
  bool peek(char c) {
    skipSpaces();
    return pos != end && *pos == c;
  }

private:
  void skipSpaces() {
    while (pos != end && (*pos == ' ' || *pos == '\t' || *pos == '\n'))
      ++pos;
  }
  const char *begin, *end, *pos = nullptr;
};

mc_status parseNpyHeader(const char *begin, const char *end, mc_host_tensor &out, Error &error) {
  NpyHeader header(begin, end);
  char descr[16];
  if (!header.seekKey("descr") || !header.readString(descr, sizeof(descr)))
    return fail(error, MC_ERR_FORMAT, "npy header has no valid 'descr'");
  char order = descr[0];
  const char *code = descr + 1;
  for (const NpyType &type : kNpyTypes) {
    if (std::strcmp(code, type.code) != 0)
      continue;
    bool singleByte = mc_dtype_size(type.dtype) == 1;
    if (order == '<' || order == '=' || order == '|' || (order == '>' && singleByte))
      out.dtype = type.dtype;
  }
  if (out.dtype == MC_DTYPE_UNDEFINED) {
    error = std::string("unsupported npy dtype '") + descr + "' (little-endian numbers only)";
    return MC_ERR_FORMAT;
  }

  if (!header.seekKey("fortran_order"))
    return fail(error, MC_ERR_FORMAT, "npy header has no 'fortran_order'");
  if (header.consumeWord("True"))
    return fail(error, MC_ERR_FORMAT, "fortran-order npy files are not supported");
  if (!header.consumeWord("False"))
    return fail(error, MC_ERR_FORMAT, "npy header has a bad 'fortran_order'");

  if (!header.seekKey("shape") || !header.consume('('))
    return fail(error, MC_ERR_FORMAT, "npy header has no valid 'shape'");
  while (!header.peek(')')) {
    int64_t dim;
    if (out.rank == MC_MAX_RANK)
      return fail(error, MC_ERR_FORMAT, "npy tensor has more than 16 dimensions");
    if (!header.readInt(dim))
      return fail(error, MC_ERR_FORMAT, "npy header has a bad 'shape'");
    out.shape[out.rank++] = dim;
    if (!header.consume(',') && !header.peek(')'))
      return fail(error, MC_ERR_FORMAT, "npy header has a bad 'shape'");
  }
  return MC_OK;
}

mc_status readNpy(const char *path, mc_host_tensor &out, Error &error) {
  AlignedBuffer buffer;
  uint64_t size = 0;
  if (mc_status status = readWholeFile(path, buffer, size, error))
    return status;
  const char *bytes = static_cast<const char *>(buffer.get());
  if (size < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0)
    return fail(error, MC_ERR_FORMAT, "not an npy file (bad magic)");
  uint8_t major = static_cast<uint8_t>(bytes[6]);
  if (major < 1 || major > 3)
    return fail(error, MC_ERR_FORMAT, "unsupported npy format version");
  uint64_t prefix = major == 1 ? 10 : 12;
  if (size < prefix)
    return fail(error, MC_ERR_FORMAT, "truncated npy header");
  const uint8_t *lengthBytes = reinterpret_cast<const uint8_t *>(bytes + 8);
  uint64_t headerLength = lengthBytes[0] | (uint64_t(lengthBytes[1]) << 8);
  if (major > 1)
    headerLength |= (uint64_t(lengthBytes[2]) << 16) | (uint64_t(lengthBytes[3]) << 24);
  if (headerLength > size - prefix)
    return fail(error, MC_ERR_FORMAT, "truncated npy header");
  if (mc_status status = parseNpyHeader(bytes + prefix, bytes + prefix + headerLength, out, error))
    return status;

  uint64_t numel;
  if (mc_status status = computeSize(out, numel, error))
    return status;
  uint64_t dataBytes = numel * mc_dtype_size(out.dtype);
  uint64_t offset = prefix + headerLength;
  if (size - offset != dataBytes)
    return fail(error, MC_ERR_FORMAT,
                size - offset < dataBytes ? "truncated npy data" : "npy file has trailing bytes");
  // Reuse the file buffer: move the payload to its (aligned) start.
  if (dataBytes > 0) {
    std::memmove(buffer.get(), bytes + offset, static_cast<size_t>(dataBytes));
    out.data = buffer.release();
  }
  out.bytes = dataBytes;
  return MC_OK;
}

mc_status writeNpy(const char *path, int32_t dtype, int32_t rank, const int64_t *shape,
                   const void *data) {
  size_t elementSize = mc_dtype_size(dtype);
  if (!path || elementSize == 0 || rank < 0 || rank > MC_MAX_RANK || (rank > 0 && !shape))
    return MC_ERR_INVALID_ARGUMENT;
  if (!isLittleEndianHost())
    return MC_ERR_INTERNAL;
  mc_host_tensor sizeCheck{};
  sizeCheck.rank = rank;
  for (int32_t i = 0; i < rank; ++i)
    sizeCheck.shape[i] = shape[i];
  uint64_t numel;
  Error ignored;
  if (computeSize(sizeCheck, numel, ignored) != MC_OK)
    return MC_ERR_INVALID_ARGUMENT;
  uint64_t dataBytes = numel * elementSize;
  if (dataBytes > 0 && !data)
    return MC_ERR_INVALID_ARGUMENT;

  const char *code = elementSize == 1 ? "V1" : ""; // float8, 4- and 2-bit types: raw bytes
  for (const NpyType &type : kNpyTypes)
    if (type.dtype == dtype)
      code = type.code;
  std::string header = "{'descr': '";
  header += elementSize == 1 ? '|' : '<';
  header += code;
  header += "', 'fortran_order': False, 'shape': (";
  for (int32_t i = 0; i < rank; ++i) {
    header += std::to_string(shape[i]);
    if (i + 1 < rank || rank == 1)
      header += rank == 1 ? "," : ", ";
  }
  header += "), }";
  // Pad with spaces and end with '\n' so the data starts 64-byte aligned, as NumPy does.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  char prefix[10] = "\x93NUMPY\x01"; // Magic, version 1.0, then the header length (LE).
  prefix[8] = static_cast<char>(header.size() & 0xFF);
  prefix[9] = static_cast<char>(header.size() >> 8);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file)
    return MC_ERR_IO;
  file.write(prefix, sizeof(prefix));
  file.write(header.data(), static_cast<std::streamsize>(header.size()));
  if (dataBytes > 0)
    file.write(static_cast<const char *>(data), static_cast<std::streamsize>(dataBytes));
  file.close();
  return file ? MC_OK : MC_ERR_IO;
}

//===----------------------------------------------------------------------===//
// ONNX TensorProto (.pb), protobuf wire format
//===----------------------------------------------------------------------===//

/// TensorProto field numbers used here (onnx/onnx.proto).
enum TensorField : uint32_t {
  kDims = 1,
  kDataType = 2,
  kFloatData = 4,
  kInt32Data = 5,
  kStringData = 6,
  kInt64Data = 7,
  kRawData = 9,
  kDoubleData = 10,
  kUint64Data = 11,
  kExternalData = 13,
  kDataLocation = 14,
};

enum WireType : uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

bool readVarint(const uint8_t *&pos, const uint8_t *end, uint64_t &value) {
  value = 0;
  for (unsigned shift = 0; shift < 64 && pos != end; shift += 7) {
    uint8_t byte = *pos++;
    value |= uint64_t(byte & 0x7F) << shift;
    if (!(byte & 0x80))
      return true;
  }
  return false;
}

/// One decoded field: a varint/fixed value in `value`, or a length-delimited payload.
struct Field {
  uint32_t number;
  uint32_t wireType;
  uint64_t value;
  const uint8_t *payload;
  size_t size;
};

/// Calls visit(field) for every field of the message in [pos, end); stops at the first error
/// message returned by visit or found in the encoding.
template <typename Visit>
const char *forEachField(const uint8_t *pos, const uint8_t *end, Visit visit) {
  while (pos != end) {
    uint64_t key;
    if (!readVarint(pos, end, key))
      return "truncated field key";
    Field field{static_cast<uint32_t>(key >> 3), static_cast<uint32_t>(key & 7), 0, nullptr, 0};
    if (field.number == 0 || key >> 32)
      return "invalid field number";
    size_t left = static_cast<size_t>(end - pos);
    switch (field.wireType) {
    case kVarint:
      if (!readVarint(pos, end, field.value))
        return "truncated varint";
      break;
    case kFixed64:
    case kFixed32: {
      size_t width = field.wireType == kFixed64 ? 8 : 4;
      if (left < width)
        return "truncated fixed-width field";
      std::memcpy(&field.value, pos, width); // Little-endian host: low bytes first.
      field.payload = pos;
      field.size = width;
      pos += width;
      break;
    }
    case kLengthDelimited:
      if (!readVarint(pos, end, field.value))
        return "truncated length";
      if (field.value > static_cast<uint64_t>(end - pos))
        return "truncated length-delimited field";
      field.payload = pos;
      field.size = static_cast<size_t>(field.value);
      pos += field.size;
      break;
    default: // Groups (3, 4) are not used by onnx.proto; 6 and 7 are invalid.
      return "unsupported protobuf wire type";
    }
    if (const char *message = visit(field))
      return message;
  }
  return nullptr;
}

/// Wire type of one element of a repeated numeric field, and its packed width (0: varint).
bool elementEncoding(uint32_t number, uint32_t &wireType, size_t &width) {
  switch (number) {
  case kFloatData:
    wireType = kFixed32, width = 4;
    return true;
  case kDoubleData:
    wireType = kFixed64, width = 8;
    return true;
  case kDims:
  case kInt32Data:
  case kInt64Data:
  case kUint64Data:
    wireType = kVarint, width = 0;
    return true;
  default:
    return false;
  }
}

/// Calls visit(value) for each element of a repeated numeric field occurrence, packed or not.
/// Fixed-width elements are passed as their raw bits.
template <typename Visit> const char *forEachElement(const Field &field, Visit visit) {
  uint32_t wireType = 0;
  size_t width = 0;
  if (!elementEncoding(field.number, wireType, width))
    return "not a repeated numeric field";
  if (field.wireType == wireType) {
    visit(field.value);
    return nullptr;
  }
  if (field.wireType != kLengthDelimited)
    return "repeated field has the wrong wire type";
  const uint8_t *pos = field.payload, *end = field.payload + field.size;
  if (width != 0) {
    if (field.size % width != 0)
      return "packed field size is not a multiple of its element size";
    for (; pos != end; pos += width) {
      uint64_t bits = 0;
      std::memcpy(&bits, pos, width);
      visit(bits);
    }
    return nullptr;
  }
  while (pos != end) {
    uint64_t value;
    if (!readVarint(pos, end, value))
      return "truncated packed varint";
    visit(value);
  }
  return nullptr;
}

/// The repeated field that holds values of `dtype` when raw_data is not used (onnx.proto:
/// float16, bfloat16, bool and the narrow integers are stored widened in int32_data; uint32 in
/// uint64_data).
uint32_t typedFieldFor(int32_t dtype) {
  switch (dtype) {
  case MC_DTYPE_FLOAT32:
    return kFloatData;
  case MC_DTYPE_FLOAT64:
    return kDoubleData;
  case MC_DTYPE_INT64:
    return kInt64Data;
  case MC_DTYPE_UINT32:
  case MC_DTYPE_UINT64:
    return kUint64Data;
  default:
    return kInt32Data;
  }
}

/// Bits per element of the dtypes TensorProto packs several to a byte (low bits first), 0
/// for the others.
uint32_t packedBits(int32_t dtype) {
  switch (dtype) {
  case MC_DTYPE_UINT4:
  case MC_DTYPE_INT4:
  case MC_DTYPE_FLOAT4E2M1:
    return 4;
  case MC_DTYPE_UINT2:
  case MC_DTYPE_INT2:
    return 2;
  default:
    return 0;
  }
}

/// Unpacks `numel` elements of `bits` bits from `packed` to one element per byte (in place
/// when `packed == out`: the loop runs backwards, since element i's byte i >= its source).
void unpackElements(const uint8_t *packed, uint8_t *out, uint64_t numel, uint32_t bits) {
  const uint32_t perByte = 8 / bits, mask = (1u << bits) - 1u;
  for (uint64_t i = numel; i-- > 0;)
    out[i] = static_cast<uint8_t>((packed[i / perByte] >> ((i % perByte) * bits)) & mask);
}

/// Stores one typed-field value as element `index` of a `dtype` tensor.
void storeElement(void *data, int32_t dtype, uint64_t index, uint64_t value) {
  auto put = [&](auto element) {
    std::memcpy(static_cast<char *>(data) + index * sizeof(element), &element, sizeof(element));
  };
  switch (dtype) {
  case MC_DTYPE_FLOAT32:
  case MC_DTYPE_INT32:
  case MC_DTYPE_UINT32:
    return put(static_cast<uint32_t>(value)); // float_data bits, or a truncated varint.
  case MC_DTYPE_INT64:
  case MC_DTYPE_UINT64:
  case MC_DTYPE_FLOAT64:
    return put(value);
  case MC_DTYPE_INT16:
  case MC_DTYPE_UINT16:
  case MC_DTYPE_FLOAT16:
  case MC_DTYPE_BFLOAT16:
    return put(static_cast<uint16_t>(value)); // Half types: the int32 holds the bit pattern.
  case MC_DTYPE_BOOL:
    return put(static_cast<uint8_t>(value != 0));
  default:
    return put(static_cast<uint8_t>(value));
  }
}

mc_status readPb(const char *path, mc_host_tensor &out, Error &error) {
  AlignedBuffer buffer;
  uint64_t size = 0;
  if (mc_status status = readWholeFile(path, buffer, size, error))
    return status;
  const uint8_t *begin = static_cast<const uint8_t *>(buffer.get());
  const uint8_t *end = begin + size;

  // Pass 1: shape, type, where the data is, and how many typed values each field holds.
  const uint8_t *raw = nullptr;
  size_t rawSize = 0;
  bool external = false;
  uint64_t counts[16] = {};
  const char *message = forEachField(begin, end, [&](const Field &field) -> const char * {
    switch (field.number) {
    case kDims:
      return forEachElement(field, [&](uint64_t dim) {
        if (out.rank < MC_MAX_RANK)
          out.shape[out.rank] = static_cast<int64_t>(dim);
        ++out.rank;
      });
    case kDataType:
      if (field.wireType != kVarint)
        return "data_type has the wrong wire type";
      out.dtype = static_cast<int32_t>(field.value);
      return nullptr;
    case kStringData:
      return "string tensors are not supported";
    case kRawData:
      if (field.wireType != kLengthDelimited)
        return "raw_data has the wrong wire type";
      raw = field.payload, rawSize = field.size;
      return nullptr;
    case kExternalData:
      external = true;
      return nullptr;
    case kDataLocation:
      external |= field.wireType == kVarint && field.value == 1; // DataLocation.EXTERNAL
      return nullptr;
    case kFloatData:
    case kInt32Data:
    case kInt64Data:
    case kDoubleData:
    case kUint64Data:
      return forEachElement(field, [&](uint64_t) { ++counts[field.number]; });
    default: // name, segment, doc_string, metadata_props, ... are not needed.
      return nullptr;
    }
  });
  if (message)
    return fail(error, MC_ERR_FORMAT, message);
  if (external)
    return fail(error, MC_ERR_FORMAT,
                "tensor data is stored in an external file (data_location = EXTERNAL), which is "
                "not supported; save the tensor with its data inline");
  if (out.rank > MC_MAX_RANK)
    return fail(error, MC_ERR_FORMAT, "tensor has more than 16 dimensions");
  if (out.dtype == MC_DTYPE_UNDEFINED)
    return fail(error, MC_ERR_FORMAT, "tensor has no data_type");
  if (mc_dtype_size(out.dtype) == 0) {
    error = "unsupported data_type " + std::to_string(out.dtype);
    return MC_ERR_FORMAT;
  }
  uint64_t numel;
  if (mc_status status = computeSize(out, numel, error))
    return status;
  uint64_t dataBytes = numel * mc_dtype_size(out.dtype);
  // Packed types: raw_data and int32_data hold ceil(numel * bits / 8) bytes.
  uint32_t bits = packedBits(out.dtype);
  uint64_t fileElements = bits ? (numel * bits + 7) / 8 : numel;
  uint64_t fileBytes = bits ? fileElements : dataBytes;
  uint32_t typedField = typedFieldFor(out.dtype);
  for (uint32_t number : {kFloatData, kInt32Data, kInt64Data, kDoubleData, kUint64Data}) {
    if (counts[number] != 0 && (raw || number != typedField)) {
      error = std::string("unexpected typed data field ") + std::to_string(number) + " for a " +
              mc_dtype_name(out.dtype) + " tensor";
      return MC_ERR_FORMAT;
    }
  }
  out.bytes = dataBytes;
  if (dataBytes == 0)
    return rawSize == 0 ? MC_OK : fail(error, MC_ERR_FORMAT, "raw_data size mismatch");

  if (raw) {
    if (rawSize != fileBytes) {
      error = "raw_data has " + std::to_string(rawSize) + " bytes, expected " +
              std::to_string(fileBytes);
      return MC_ERR_FORMAT;
    }
    if (bits) {
      AlignedBuffer data;
      *data.addr() = mc_aligned_alloc(dataBytes);
      if (!data.get())
        return fail(error, MC_ERR_OUT_OF_MEMORY, "out of memory");
      unpackElements(raw, static_cast<uint8_t *>(data.get()), numel, bits);
      out.data = data.release();
      return MC_OK;
    }
    std::memmove(buffer.get(), raw, rawSize); // Reuse the file buffer, now aligned.
    out.data = buffer.release();
    return MC_OK;
  }
  if (counts[typedField] != fileElements) {
    error = "tensor has " + std::to_string(counts[typedField]) + " values, expected " +
            std::to_string(fileElements);
    return MC_ERR_FORMAT;
  }

  // Pass 2: decode the typed field into the element type.
  AlignedBuffer data;
  *data.addr() = mc_aligned_alloc(dataBytes);
  if (!data.get())
    return fail(error, MC_ERR_OUT_OF_MEMORY, "out of memory");
  uint64_t index = 0;
  // Packed types: each int32 holds one packed byte, unpacked in place afterwards.
  int32_t storeAs = bits ? static_cast<int32_t>(MC_DTYPE_UINT8) : out.dtype;
  forEachField(begin, end, [&](const Field &field) -> const char * {
    if (field.number != typedField)
      return nullptr;
    return forEachElement(
        field, [&](uint64_t value) { storeElement(data.get(), storeAs, index++, value); });
  });
  if (bits)
    unpackElements(static_cast<uint8_t *>(data.get()), static_cast<uint8_t *>(data.get()), numel,
                   bits);
  out.data = data.release();
  return MC_OK;
}

bool hasExtension(const char *path, const char *extension) {
  size_t pathLength = std::strlen(path), extensionLength = std::strlen(extension);
  if (pathLength < extensionLength)
    return false;
  const char *tail = path + pathLength - extensionLength;
  for (size_t i = 0; i < extensionLength; ++i) {
    char c = tail[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != extension[i])
      return false;
  }
  return true;
}

using Reader = mc_status (*)(const char *, mc_host_tensor &, Error &);

/// Runs `reader` with the shared argument checks; `out` is zeroed first and on failure.
mc_status runReader(Reader reader, const char *path, mc_host_tensor *out, Error &error) noexcept {
  if (!path || !out) {
    error = "null argument";
    return MC_ERR_INVALID_ARGUMENT;
  }
  *out = mc_host_tensor{};
  mc_status status;
  try {
    status = isLittleEndianHost() ? reader(path, *out, error)
                                  : fail(error, MC_ERR_INTERNAL, "big-endian host");
  } catch (const std::bad_alloc &) {
    status = MC_ERR_OUT_OF_MEMORY;
  } catch (...) {
    status = MC_ERR_INTERNAL;
  }
  if (status != MC_OK) {
    mc_host_tensor_free(out);
    *out = mc_host_tensor{};
  }
  return status;
}

} // namespace

mc_status mc::readTensorFile(const char *path, mc_host_tensor *out, std::string &error) noexcept {
  if (path && hasExtension(path, ".npy"))
    return runReader(readNpy, path, out, error);
  if (path && hasExtension(path, ".pb"))
    return runReader(readPb, path, out, error);
  try {
    error = "unknown tensor file extension (expected .npy or .pb)";
  } catch (...) {
  }
  return MC_ERR_INVALID_ARGUMENT;
}

extern "C" {

mc_status mc_npy_read(const char *path, mc_host_tensor *out) {
  Error error;
  return runReader(readNpy, path, out, error);
}

mc_status mc_pb_read(const char *path, mc_host_tensor *out) {
  Error error;
  return runReader(readPb, path, out, error);
}

mc_status mc_tensor_read(const char *path, mc_host_tensor *out) {
  Error error;
  return mc::readTensorFile(path, out, error);
}

mc_status mc_npy_write(const char *path, int32_t dtype, int32_t rank, const int64_t *shape,
                       const void *data) {
  try {
    return writeNpy(path, dtype, rank, shape, data);
  } catch (const std::bad_alloc &) {
    return MC_ERR_OUT_OF_MEMORY;
  } catch (...) {
    return MC_ERR_IO;
  }
}

} // extern "C"

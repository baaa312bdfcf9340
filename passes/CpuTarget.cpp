//===- CpuTarget.cpp - CPU target descriptions for --cpu -----------------===//
//
// See CpuTarget.h. The presets follow the x86-64 micro-architecture levels: v4 is AVX-512
// (32 zmm registers), v3 is AVX2 + FMA (16 ymm registers), generic is the compiler's default
// target (SSE2 on x86-64: 16 xmm registers; NEON's 128-bit registers elsewhere). Cache sizes
// are those of common parts of each level; `native` reads the real ones.
//
//===----------------------------------------------------------------------===//

#include "passes/CpuTarget.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"

using namespace modelc;

namespace {

CpuTarget preset(llvm::StringRef name) {
  CpuTarget t;
  t.name = name.str();
  if (name == "x86-64-v4") {
    t.vectorBits = 512;
    t.registers = 32;
    t.l2Bytes = 1 << 20;
    t.l3Bytes = 2 << 20;
    t.march = "x86-64-v4";
  } else if (name == "x86-64-v3") {
    t.vectorBits = 256;
    t.registers = 16;
    t.l2Bytes = 512 << 10;
    t.l3Bytes = 2 << 20;
    t.march = "x86-64-v3";
  }
  return t;
}

/// Contents of a small sysfs file, trimmed; "" if it cannot be read.
std::string readSysfs(const llvm::Twine &path) {
  auto buffer = llvm::MemoryBuffer::getFileAsStream(path);
  return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
}

/// "32K" / "1024K" / "32M" -> bytes; 0 if malformed.
int64_t parseCacheSize(llvm::StringRef s) {
  int64_t scale = 1;
  if (s.consume_back("K"))
    scale = 1024;
  else if (s.consume_back("M"))
    scale = 1024 * 1024;
  int64_t v = 0;
  return s.getAsInteger(10, v) ? 0 : v * scale;
}

/// Number of CPUs in a sysfs cpu list such as "0-3,8-11".
int64_t countCpus(llvm::StringRef list) {
  int64_t n = 0;
  llvm::SmallVector<llvm::StringRef> ranges;
  list.split(ranges, ',', -1, false);
  for (llvm::StringRef r : ranges) {
    auto [lo, hi] = r.split('-');
    int64_t a = 0, b = 0;
    if (lo.getAsInteger(10, a))
      continue;
    if (hi.empty() || hi.getAsInteger(10, b))
      b = a;
    n += b - a + 1;
  }
  return std::max<int64_t>(n, 1);
}

CpuTarget native() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  auto has = [&](llvm::StringRef f) { return features.lookup(f); };
  CpuTarget t = has("avx512f")              ? preset("x86-64-v4")
                : has("avx2") && has("fma") ? preset("x86-64-v3")
                                            : preset("generic");
  t.name = "native";
  t.march = "native";
  // Cache sizes of CPU 0 (Linux sysfs); the L3 is shared by the CPUs in its list.
  for (int i = 0; i < 8; ++i) {
    std::string dir = llvm::formatv("/sys/devices/system/cpu/cpu0/cache/index{0}/", i).str();
    std::string level = readSysfs(dir + "level"), type = readSysfs(dir + "type");
    int64_t size = parseCacheSize(readSysfs(dir + "size"));
    if (level.empty() || size <= 0 || type == "Instruction")
      continue;
    if (level == "1")
      t.l1Bytes = size;
    else if (level == "2")
      t.l2Bytes = size;
    else if (level == "3")
      t.l3Bytes = size / countCpus(readSysfs(dir + "shared_cpu_list"));
  }
  return t;
}

} // namespace

std::string CpuTarget::describe() const {
  return llvm::formatv("{0}: {1}-bit vectors, {2} vector registers, L1d {3} KiB, L2 {4} KiB, "
                       "L3 {5} KiB per core, -march={6}",
                       name, vectorBits, registers, l1Bytes / 1024, l2Bytes / 1024, l3Bytes / 1024,
                       march.empty() ? "(compiler default)" : march)
      .str();
}

std::optional<CpuTarget> modelc::lookupCpuTarget(llvm::StringRef name) {
  if (name == "native")
    return native();
  if (name == "x86-64-v4" || name == "x86-64-v3" || name == "generic")
    return preset(name);
  return std::nullopt;
}

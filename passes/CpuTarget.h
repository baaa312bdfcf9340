//===- CpuTarget.h - CPU target descriptions for --cpu ---------*- C++ -*-===//
//
// A CPU target is what the tiling pass and the bundle's build need to know about the machine
// that runs the generated code: SIMD width, vector registers, cache sizes and the compiler flag
// that enables the matching instructions. modelc's `--cpu` names one of the presets below, or
// `native`, which describes the machine modelc runs on.
//
//===----------------------------------------------------------------------===//

#ifndef MODELC_PASSES_CPUTARGET_H
#define MODELC_PASSES_CPUTARGET_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace modelc {

struct CpuTarget {
  std::string name;          ///< "native", "x86-64-v4", "x86-64-v3" or "generic".
  int64_t vectorBits = 128;  ///< SIMD register width.
  int64_t registers = 16;    ///< Architectural vector registers.
  int64_t l1Bytes = 32768;   ///< L1 data cache per core.
  int64_t l2Bytes = 262144;  ///< L2 cache per core.
  int64_t l3Bytes = 2097152; ///< L3 share per core.
  /// Value of the bundle's -march flag ("" = the compiler's default target).
  std::string march;
  /// One-line description for --help and generated files.
  std::string describe() const;
};

/// The names --cpu accepts.
inline constexpr const char *kCpuTargetNames[] = {"native", "x86-64-v4", "x86-64-v3", "generic"};

/// The description of `name`, or nullopt for an unknown name. `native` queries the host: its
/// instruction set (LLVM's host feature detection) and, on Linux, its cache sizes from sysfs
/// (presets fill in whatever cannot be read).
std::optional<CpuTarget> lookupCpuTarget(llvm::StringRef name);

} // namespace modelc

#endif // MODELC_PASSES_CPUTARGET_H

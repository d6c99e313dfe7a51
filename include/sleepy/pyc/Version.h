//===- sleepy/pyc/Version.h - CPython versions and their magic numbers ----===//
//
// The registry from a .pyc magic number to the CPython version that wrote it.
// Only the magic numbers of final releases are accepted: alphas and betas of a
// version use other opcode tables.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_PYC_VERSION_H
#define SLEEPY_PYC_VERSION_H

#include "llvm/ADT/Optional.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace sleepy {

/// A CPython feature version, such as 3.11.
struct PyVersion {
  uint8_t major = 0;
  uint8_t minor = 0;

  constexpr PyVersion() = default;
  constexpr PyVersion(uint8_t major, uint8_t minor)
      : major(major), minor(minor) {}

  constexpr unsigned key() const { return major * 100u + minor; }
  friend constexpr bool operator==(PyVersion a, PyVersion b) {
    return a.key() == b.key();
  }
  friend constexpr bool operator!=(PyVersion a, PyVersion b) {
    return a.key() != b.key();
  }
  friend constexpr bool operator<(PyVersion a, PyVersion b) {
    return a.key() < b.key();
  }
  friend constexpr bool operator>=(PyVersion a, PyVersion b) {
    return a.key() >= b.key();
  }
  std::string str() const;
  /// The tag in cached file names: "cpython-311".
  std::string cacheTag() const;
};

/// What the registry knows of a magic number.
struct MagicInfo {
  uint16_t magic;
  PyVersion version;
  bool isFinal; ///< the magic of the version's final release
};

/// The version that writes \p magic, final or pre-release; None if unknown.
llvm::Optional<MagicInfo> lookupMagic(uint16_t magic);

/// The final-release magic number of \p version; 0 if unknown.
uint16_t magicOf(PyVersion version);

/// Versions whose code objects lib/pyc reads and writes (3.8-3.13).
bool isMarshalSupported(PyVersion version);

/// Versions whose bytecode lib/cfg decodes and assembles (3.11-3.13).
bool isCfgSupported(PyVersion version);

/// Parses "3.11" or "311".
llvm::Optional<PyVersion> parseVersion(llvm::StringRef text);

} // namespace sleepy

#endif

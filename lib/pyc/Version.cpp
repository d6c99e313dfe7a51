//===- lib/pyc/Version.cpp - CPython versions and their magic numbers -----===//
#include "sleepy/pyc/Version.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

/// Magic number ranges from importlib/_bootstrap_external.py; the last of each
/// range is the final release's.
struct MagicRange {
  PyVersion version;
  uint16_t first, last;
};

constexpr MagicRange Ranges[] = {
    {{3, 6}, 3360, 3379},  {{3, 7}, 3390, 3394},  {{3, 8}, 3400, 3413},
    {{3, 9}, 3420, 3425},  {{3, 10}, 3430, 3439}, {{3, 11}, 3450, 3495},
    {{3, 12}, 3500, 3531}, {{3, 13}, 3550, 3571},
};

} // namespace

std::string PyVersion::str() const { return fmt::format("{}.{}", major, minor); }

std::string PyVersion::cacheTag() const {
  return fmt::format("cpython-{}{}", major, minor);
}

llvm::Optional<MagicInfo> lookupMagic(uint16_t magic) {
  for (const MagicRange &r : Ranges)
    if (magic >= r.first && magic <= r.last)
      return MagicInfo{magic, r.version, magic == r.last};
  return llvm::None;
}

uint16_t magicOf(PyVersion version) {
  for (const MagicRange &r : Ranges)
    if (r.version == version)
      return r.last;
  return 0;
}

bool isMarshalSupported(PyVersion version) {
  return version >= PyVersion(3, 8) && !(PyVersion(3, 13) < version);
}

bool isCfgSupported(PyVersion version) {
  return version >= PyVersion(3, 11) && !(PyVersion(3, 13) < version);
}

llvm::Optional<PyVersion> parseVersion(llvm::StringRef text) {
  unsigned major = 0, minor = 0;
  auto parts = text.split('.');
  if (!parts.second.empty()) {
    if (parts.first.getAsInteger(10, major) ||
        parts.second.getAsInteger(10, minor))
      return llvm::None;
  } else {
    if (text.size() < 2 || text.substr(0, 1).getAsInteger(10, major) ||
        text.substr(1).getAsInteger(10, minor))
      return llvm::None;
  }
  if (major != 3 || minor > 99)
    return llvm::None;
  return PyVersion(major, minor);
}

} // namespace sleepy

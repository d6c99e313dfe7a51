//===- sleepy/pyc/Pyc.h - .pyc files: the PEP 552 header and the graph ----===//
#ifndef SLEEPY_PYC_PYC_H
#define SLEEPY_PYC_PYC_H

#include "sleepy/pyc/Marshal.h"
#include "sleepy/pyc/Version.h"

#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace sleepy {

/// The last bytes of a .pyc that has a trailer after its module code object.
constexpr llvm::StringLiteral TrailerFooter = "SLEEPY01";

/// The 16-byte header of a .pyc (PEP 552).
struct PycHeader {
  static constexpr size_t Size = 16;
  enum : uint32_t { HashBased = 1, CheckSource = 2 };

  uint16_t magic = 0;
  PyVersion version;
  uint32_t flags = 0;
  uint32_t mtime = 0;      ///< timestamp form
  uint32_t sourceSize = 0; ///< timestamp form
  uint64_t sourceHash = 0; ///< hash forms

  bool isHashBased() const { return flags & HashBased; }
  bool checksSource() const { return flags & CheckSource; }
};

/// Parses and checks the header at the start of \p data.
llvm::Expected<PycHeader> readPycHeader(llvm::StringRef data,
                                        llvm::StringRef path);
void writePycHeader(const PycHeader &header, llvm::SmallVectorImpl<char> &out);

/// A .pyc read into memory. The graph's payloads point into the buffer.
class PycFile {
public:
  /// Reads a .pyc from \p buffer; \p path names it in errors.
  static llvm::Expected<std::unique_ptr<PycFile>>
  read(std::unique_ptr<llvm::MemoryBuffer> buffer, llvm::StringRef path);
  /// Reads the .pyc at \p path.
  static llvm::Expected<std::unique_ptr<PycFile>> open(llvm::StringRef path);

  const std::string &path() const { return filePath; }
  llvm::StringRef bytes() const { return buffer->getBuffer(); }
  PycHeader header;
  ObjectGraph graph;

  /// The whole file: header, then the graph from its root.
  void write(llvm::SmallVectorImpl<char> &out) const;

private:
  PycFile(std::unique_ptr<llvm::MemoryBuffer> buffer, llvm::StringRef path,
          const PycHeader &header)
      : header(header), graph(header.version), buffer(std::move(buffer)),
        filePath(path.str()) {}
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  std::string filePath;
};

} // namespace sleepy

#endif

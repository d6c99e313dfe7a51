//===- lib/pyc/Pyc.cpp - .pyc files: the PEP 552 header and the graph -----===//
#include "sleepy/pyc/Pyc.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"

#include <unistd.h>

namespace sleepy {

namespace fs = llvm::sys::fs;
using llvm::support::endian::read32le;
using llvm::support::endian::read64le;

llvm::Expected<PycHeader> readPycHeader(llvm::StringRef data,
                                        llvm::StringRef path) {
  if (data.size() < 4)
    return inputError(path, 0,
                      fmt::format("truncated header: the file has {} bytes, a "
                                  ".pyc header has 16",
                                  data.size()));
  PycHeader h;
  h.magic = uint16_t(uint8_t(data[0]) | uint8_t(data[1]) << 8);
  if (data[2] != '\r' || data[3] != '\n')
    return inputError(path, 0, "not a .pyc file: bad magic number");
  auto info = lookupMagic(h.magic);
  if (!info)
    return inputError(path, 0,
                      fmt::format("unknown magic number {}: not written by "
                                  "any CPython from 3.6 to 3.13",
                                  h.magic));
  h.version = info->version;
  if (!info->isFinal)
    return inputError(
        path, 0,
        fmt::format("magic number {} is from a pre-release of CPython {}; "
                    "only the final release's ({}) is supported",
                    h.magic, info->version.str(), magicOf(info->version)));
  if (!isMarshalSupported(h.version))
    return inputError(path, 0,
                      fmt::format("CPython {} is not supported (3.8 to 3.13 "
                                  "are)",
                                  h.version.str()));
  if (data.size() < PycHeader::Size)
    return inputError(path, 0,
                      fmt::format("truncated header: the file has {} bytes, a "
                                  ".pyc header has 16",
                                  data.size()));
  h.flags = read32le(data.data() + 4);
  if (h.flags & ~uint32_t(3))
    return inputError(path, 4,
                      fmt::format("unknown header flags {:#x}", h.flags));
  if (h.isHashBased()) {
    h.sourceHash = read64le(data.data() + 8);
  } else {
    h.mtime = read32le(data.data() + 8);
    h.sourceSize = read32le(data.data() + 12);
  }
  return h;
}

void writePycHeader(const PycHeader &h, llvm::SmallVectorImpl<char> &out) {
  char buf[PycHeader::Size];
  llvm::support::endian::write16le(buf, h.magic);
  buf[2] = '\r';
  buf[3] = '\n';
  llvm::support::endian::write32le(buf + 4, h.flags);
  if (h.isHashBased()) {
    llvm::support::endian::write64le(buf + 8, h.sourceHash);
  } else {
    llvm::support::endian::write32le(buf + 8, h.mtime);
    llvm::support::endian::write32le(buf + 12, h.sourceSize);
  }
  out.append(buf, buf + PycHeader::Size);
}

llvm::Expected<std::unique_ptr<PycFile>>
PycFile::read(std::unique_ptr<llvm::MemoryBuffer> buffer,
              llvm::StringRef path) {
  llvm::StringRef data = buffer->getBuffer();
  auto header = readPycHeader(data, path);
  if (!header)
    return header.takeError();
  std::unique_ptr<PycFile> file(new PycFile(std::move(buffer), path, *header));
  data = file->bytes();
  auto root = readMarshal(data, PycHeader::Size, file->graph, path);
  if (!root)
    return root.takeError();
  file->graph.root = *root;
  return std::move(file);
}

llvm::Expected<std::unique_ptr<PycFile>> PycFile::open(llvm::StringRef path) {
  // Read, not mapped: a .pyc is small and read once, and mapping it costs a
  // page fault per page and an munmap. (LLVM 14 maps a volatile file all the
  // same unless a null terminator is asked for too.) Closed directly: LLVM's
  // close blocks every signal around it, two system calls per file.
  llvm::Expected<fs::file_t> fd = fs::openNativeFileForRead(path);
  if (!fd)
    return fileError(path, llvm::toString(fd.takeError()));
  auto buffer = llvm::MemoryBuffer::getOpenFile(*fd, path, /*FileSize=*/-1,
                                                /*RequiresNullTerminator=*/true,
                                                /*IsVolatile=*/true);
  ::close(*fd);
  if (!buffer)
    return fileError(path, buffer.getError().message());
  return read(std::move(*buffer), path);
}

void PycFile::write(llvm::SmallVectorImpl<char> &out) const {
  writePycHeader(header, out);
  writeMarshal(graph, graph.root, out);
  if (graph.trailer != NoObject) {
    writeMarshal(graph, graph.trailer, out);
    // A fixed footer tells a rewritten file from any other by its last bytes.
    out.append(TrailerFooter.begin(), TrailerFooter.end());
  }
}

} // namespace sleepy

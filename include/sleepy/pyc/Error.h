//===- sleepy/pyc/Error.h - errors that name the place in the input ---===//
//
// Every library reports bad input as an llvm::Error whose text starts with the
// place: `path/to/mod.pyc:0x1a4: error: what is wrong`. The offset is a byte
// offset into the input file, so a reader can find it with `xxd -s`.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_PYC_ERROR_H
#define SLEEPY_PYC_ERROR_H

#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace sleepy {

/// An error at a byte offset of an input file.
class InputError : public llvm::ErrorInfo<InputError> {
public:
  static char ID;
  /// Offset value meaning "the file as a whole".
  static constexpr uint64_t NoOffset = ~uint64_t(0);

  InputError(std::string path, uint64_t offset, std::string message)
      : path(std::move(path)), offset(offset), message(std::move(message)) {}

  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }

  const std::string &getPath() const { return path; }
  uint64_t getOffset() const { return offset; }
  const std::string &getMessage() const { return message; }

private:
  std::string path;
  uint64_t offset;
  std::string message;
};

// Both are cold: the compiler then lays the paths that end in an error (and
// the messages formatted on them) out away from the loops they leave.

/// Makes an InputError: `path:0xOFFSET: error: message`.
[[gnu::cold]] llvm::Error inputError(llvm::StringRef path, uint64_t offset,
                                     const llvm::Twine &message);

/// Makes an error about a whole file: `path: error: message`.
[[gnu::cold]] llvm::Error fileError(llvm::StringRef path,
                                    const llvm::Twine &message);

} // namespace sleepy

#endif

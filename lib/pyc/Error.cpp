//===- lib/pyc/Error.cpp - errors that name the place in the input -------===//
#include "sleepy/pyc/Error.h"

#include "fmt/format.h"
#include "llvm/Support/raw_ostream.h"

namespace sleepy {

char InputError::ID = 0;

void InputError::log(llvm::raw_ostream &os) const {
  if (offset == NoOffset)
    os << fmt::format("{}: error: {}", path, message);
  else
    os << fmt::format("{}:{:#x}: error: {}", path, offset, message);
}

llvm::Error inputError(llvm::StringRef path, uint64_t offset,
                       const llvm::Twine &message) {
  return llvm::make_error<InputError>(path.str(), offset, message.str());
}

llvm::Error fileError(llvm::StringRef path, const llvm::Twine &message) {
  return llvm::make_error<InputError>(path.str(), InputError::NoOffset,
                                      message.str());
}

} // namespace sleepy

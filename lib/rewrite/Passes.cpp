//===- lib/rewrite/Passes.cpp - the registry of rewriting passes ----------===//
//
// The one table of passes. The default pipeline is every pass in table order.
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Pass.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"

namespace sleepy {

std::unique_ptr<Pass> createSuspendPass();

llvm::ArrayRef<PassInfo> registeredPasses() {
  static const std::vector<PassInfo> passes = {
      {"suspend", "make every call site a place to suspend and resume the frame",
       createSuspendPass},
  };
  return passes;
}

llvm::Expected<std::vector<const PassInfo *>>
parsePassList(llvm::StringRef text) {
  std::vector<const PassInfo *> out;
  text = text.trim();
  if (text == "none" || text.empty())
    return out;
  if (text == "default") {
    for (const PassInfo &p : registeredPasses())
      out.push_back(&p);
    return out;
  }
  llvm::SmallVector<llvm::StringRef, 8> names;
  text.split(names, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef name : names) {
    name = name.trim();
    const PassInfo *found = nullptr;
    for (const PassInfo &p : registeredPasses())
      if (p.name == name)
        found = &p;
    if (!found) {
      std::string known = "none, default";
      for (const PassInfo &p : registeredPasses())
        known += ", " + p.name.str();
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "unknown pass '%s' (known: %s)",
                                     name.str().c_str(), known.c_str());
    }
    out.push_back(found);
  }
  return out;
}

} // namespace sleepy

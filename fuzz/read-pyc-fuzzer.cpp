//===- fuzz/read-pyc-fuzzer.cpp - libFuzzer target on the .pyc reader -----===//
//
// Reads the input as a .pyc, decodes every code object, and for each one
// that decodes runs the verifier and the assembler, as `sleepy-rewrite
// --passes=none` does. Bad input must give an llvm::Error, never a crash, a
// sanitizer report or a hang.
//
// Beyond not crashing, what sleepy accepts it must be able to read back: the
// file written after assembling is read again, every function that
// assembled decodes again, and assembling it a second time gives the same
// bytes (the assembler's output is its own fixed point).
//
// On CPython 3.11 input, every function that decodes and verifies also goes
// through the suspension pass: what it leaves must verify, and the
// assembler's shortcut for code a pass only appended to (the input's bytes
// kept, Function::appendedOnly) must give what the general layout gives,
// with the stack depth the pass worked out, wherever the input is as
// CPython writes it (the general layout gives its bytes back; elsewhere,
// needless EXTENDED_ARGs and longer location entries than needed are kept).
//
//===----------------------------------------------------------------------===//
#include "sleepy/cfg/Assemble.h"
#include "sleepy/cfg/Decode.h"
#include "sleepy/cfg/Verify.h"
#include "sleepy/pyc/Pyc.h"
#include "sleepy/rewrite/Pass.h"
#include "sleepy/rewrite/Suspend.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace sleepy;

namespace {

constexpr llvm::StringLiteral Path = "fuzz.pyc";

/// Stops the run on a broken invariant, so libFuzzer keeps the input.
[[noreturn]] void broken(const char *what, llvm::Error e) {
  llvm::errs() << "read-pyc-fuzzer: " << what << ": "
               << llvm::toString(std::move(e)) << "\n";
  std::abort();
}

std::unique_ptr<PycFile> read(llvm::StringRef bytes, bool copy) {
  auto buffer = copy ? llvm::MemoryBuffer::getMemBufferCopy(bytes, Path)
                     : llvm::MemoryBuffer::getMemBuffer(
                           bytes, Path, /*RequiresNullTerminator=*/false);
  auto file = PycFile::read(std::move(buffer), Path);
  if (!file) {
    llvm::consumeError(file.takeError());
    return nullptr;
  }
  return std::move(*file);
}

/// The suspension pass on each function of \p bytes (see above).
void suspendEach(llvm::StringRef bytes) {
  std::unique_ptr<PycFile> file = read(bytes, /*copy=*/true);
  if (!file || file->graph.version() != PyVersion(3, 11))
    return;
  const PassInfo *suspend = nullptr;
  for (const PassInfo &p : registeredPasses())
    if (p.name == "suspend")
      suspend = &p;
  ObjectGraph &graph = file->graph;
  for (size_t k = 0; k < graph.codes().size(); ++k) {
    ObjectId id = graph.codes()[k].self;
    auto fn = decodeFunction(graph, id, Path);
    if (!fn) {
      llvm::consumeError(fn.takeError());
      continue;
    }
    if (auto e = verifyFunction(*fn)) {
      llvm::consumeError(std::move(e));
      continue;
    }
    Function plain = *fn;
    auto asIs = assemble(plain);
    if (!asIs) {
      llvm::consumeError(asIs.takeError());
      continue;
    }
    const CodeObject &co = graph.code(id);
    bool canonical = asIs->code == graph.get(co.code).data &&
                     asIs->lineTable == graph.get(co.lineTable).data;
    RewriteContext ctx{graph, id, uint32_t(k), nullptr};
    if (auto e = suspend->create()->run(*fn, ctx)) {
      llvm::consumeError(std::move(e));
      continue;
    }
    if (auto e = verifyFunction(*fn))
      broken("the suspension pass left code that does not verify",
             std::move(e));
    Function general = *fn;
    general.appendedOnly = false;
    general.maxStackDepth = -1;
    auto fast = assemble(*fn);
    auto slow = assemble(general);
    if (bool(fast) != bool(slow))
      broken("one way of assembling failed",
             fast ? slow.takeError() : fast.takeError());
    if (!fast) {
      llvm::consumeError(fast.takeError());
      llvm::consumeError(slow.takeError());
      continue;
    }
    if (fast->stackSize != slow->stackSize ||
        (canonical && (fast->code != slow->code ||
                       fast->exceptionTable != slow->exceptionTable ||
                       fast->lineTable != slow->lineTable)))
      broken("kept input bytes differ from the general layout",
             llvm::Error::success());
  }
}

} // namespace

// Sanitizer reports stop the run like a crash does.
extern "C" const char *__ubsan_default_options() {
  return "halt_on_error=1:print_stacktrace=1";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  suspendEach(bytes);
  std::unique_ptr<PycFile> file = read(bytes, /*copy=*/false);
  if (!file)
    return 0;
  ObjectGraph &graph = file->graph;
  size_t numCodes = graph.codes().size();
  std::vector<bool> assembled(numCodes, false);
  std::vector<AssembledCode> first(numCodes);
  for (size_t k = 0; k < numCodes; ++k) {
    ObjectId id = graph.codes()[k].self;
    auto fn = decodeFunction(graph, id, Path);
    if (!fn) {
      llvm::consumeError(fn.takeError());
      continue;
    }
    llvm::consumeError(verifyFunction(*fn));
    auto code = assemble(*fn);
    if (!code) {
      llvm::consumeError(code.takeError());
      continue;
    }
    storeAssembled(graph, id, *code);
    assembled[k] = true;
    first[k] = std::move(*code);
  }

  llvm::SmallVector<char, 0> out;
  file->write(out);
  std::unique_ptr<PycFile> again =
      read(llvm::StringRef(out.data(), out.size()), /*copy=*/true);
  if (!again)
    broken("the written file does not read back",
           llvm::createStringError(llvm::inconvertibleErrorCode(), "-"));
  if (again->graph.codes().size() != numCodes)
    broken("the written file has another number of code objects",
           llvm::Error::success());
  for (size_t k = 0; k < numCodes; ++k) {
    if (!assembled[k])
      continue;
    auto fn = decodeFunction(again->graph, again->graph.codes()[k].self, Path);
    if (!fn)
      broken("assembled code does not decode", fn.takeError());
    auto code = assemble(*fn);
    if (!code)
      broken("assembled code does not assemble again", code.takeError());
    if (code->code != first[k].code ||
        code->exceptionTable != first[k].exceptionTable ||
        code->lineTable != first[k].lineTable)
      broken("assembling twice gives other bytes", llvm::Error::success());
  }
  return 0;
}

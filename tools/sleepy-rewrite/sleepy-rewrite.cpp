//===- tools/sleepy-rewrite/sleepy-rewrite.cpp - the command-line driver --===//
//
// Parses options, hands them to the driver library, prints diagnostics.
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Driver.h"

#include "fmt/format.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace llvm;

namespace {

cl::OptionCategory Category("sleepy-rewrite options");

cl::list<std::string> Inputs(cl::Positional, cl::OneOrMore,
                             cl::desc("<INPUT .pyc file or directory>..."),
                             cl::cat(Category));
cl::opt<std::string> OutDir("o", cl::Required, cl::value_desc("OUTDIR"),
                            cl::desc("Directory to write the output into"),
                            cl::cat(Category));
cl::opt<std::string>
    Passes("passes", cl::init("default"), cl::value_desc("LIST"),
           cl::desc("Passes to run: none, default, or names separated by "
                    "commas"),
           cl::cat(Category));
cl::opt<sleepy::EmitKind> Emit(
    "emit", cl::init(sleepy::EmitKind::None),
    cl::desc("Print each function after the passes"),
    cl::values(clEnumValN(sleepy::EmitKind::Dis, "dis", "a dis-like listing"),
               clEnumValN(sleepy::EmitKind::Cfg, "cfg", "the blocks"),
               clEnumValN(sleepy::EmitKind::Dot, "dot", "a Graphviz graph")),
    cl::cat(Category));
cl::opt<std::string> Function("function", cl::value_desc("QUALNAME"),
                              cl::desc("Print only the function QUALNAME"),
                              cl::cat(Category));
cl::opt<bool> PrintAfterAll("print-after-all",
                            cl::desc("Print the blocks after every pass"),
                            cl::cat(Category));
cl::opt<bool> VerifyEach("verify-each",
                         cl::desc("Run the verifier after every pass"),
                         cl::cat(Category));
cl::opt<std::string> Python("python", cl::init("python3"), cl::value_desc("PY"),
                            cl::desc("Interpreter that compiles .py inputs"),
                            cl::cat(Category));
cl::opt<sleepy::Layout> LayoutOpt(
    "layout", cl::init(sleepy::Layout::Sourceless),
    cl::desc("Where outputs go"),
    cl::values(clEnumValN(sleepy::Layout::Sourceless, "sourceless",
                          "OUTDIR/pkg/mod.pyc"),
               clEnumValN(sleepy::Layout::Pycache, "pycache",
                          "OUTDIR/pkg/mod.py and "
                          "OUTDIR/pkg/__pycache__/mod.TAG.pyc")),
    cl::cat(Category));
cl::list<std::string> Excludes("exclude", cl::value_desc("GLOB"),
                               cl::desc("Leave out matching files and "
                                        "directories (repeatable)"),
                               cl::cat(Category));
cl::opt<bool> Force("force", cl::desc("Rewrite even outputs newer than their "
                                      "inputs"),
                    cl::cat(Category));
cl::opt<bool> Summary("summary",
                      cl::desc("Print a closing summary (the default on a "
                               "terminal)"),
                      cl::cat(Category));
cl::opt<unsigned> Jobs("j", cl::init(0), cl::Prefix, cl::value_desc("N"),
                       cl::desc("Files rewritten at once (default: one per "
                                "core)"),
                       cl::cat(Category));

} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(Category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "sleepy-rewrite: rewrite CPython bytecode so that programs can suspend "
      "and resume\n");

  sleepy::DriverOptions options;
  options.inputs.assign(Inputs.begin(), Inputs.end());
  options.outDir = OutDir;
  options.jobs = Jobs;
  options.python = Python;
  options.layout = LayoutOpt;
  options.excludes.assign(Excludes.begin(), Excludes.end());
  options.force = Force;
  bool terminal = sys::Process::StandardErrIsDisplayed();
  options.progress = terminal;
  // The runtime copied next to the output: $SLEEPY_RUNTIME, else the one in
  // the source tree this tool was built from.
  const char *runtime = std::getenv("SLEEPY_RUNTIME");
  options.runtimeDir = runtime ? runtime : SLEEPY_RUNTIME_DIR;
  options.pipeline.emit = Emit;
  options.pipeline.function = Function;
  options.pipeline.printAfterAll = PrintAfterAll;
  options.pipeline.verifyEach = VerifyEach;
  auto passes = sleepy::parsePassList(Passes);
  if (!passes) {
    errs() << "sleepy-rewrite: error: " << toString(passes.takeError())
           << "\n";
    return 2;
  }
  options.pipeline.passes = std::move(*passes);

  sleepy::DriverSummary summary = sleepy::runDriver(options, outs(), errs());
  outs().flush();
  if (terminal || Summary)
    errs() << fmt::format("sleepy-rewrite: {} files rewritten, {} up to date, "
                          "{} copied, {} failed; {} code objects, {} "
                          "suspension sites; {:.2f} s\n",
                      summary.files, summary.upToDate, summary.copied,
                      summary.failed, summary.codeObjects, summary.sites,
                      summary.seconds);
  return summary.failed ? 1 : 0;
}

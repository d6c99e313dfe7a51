//===- sleepy/rewrite/Driver.h - rewrite files and trees into a directory -===//
//
// What `sleepy-rewrite INPUT... -o OUTDIR` does, as a library: find the .pyc
// files of every input, decide each one's output name, rewrite them on a pool
// of threads, and write each output atomically (a temporary file renamed into
// place), so a failure never leaves a half-written file.
//
// Output names: a file INPUT goes to OUTDIR/<its sourceless name>; a
// directory INPUT is mirrored into OUTDIR/<its name>/. A cached file
// (pkg/__pycache__/mod.cpython-311.pyc) takes its sourceless name
// (OUTDIR/pkg/mod.pyc); optimized caches (.opt-1, .opt-2) are skipped.
//
//===----------------------------------------------------------------------===//
#ifndef SLEEPY_REWRITE_DRIVER_H
#define SLEEPY_REWRITE_DRIVER_H

#include "sleepy/rewrite/Pipeline.h"

#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace sleepy {

struct DriverOptions {
  std::vector<std::string> inputs;
  std::string outDir;
  PipelineOptions pipeline;
  unsigned jobs = 0;               ///< 0: one per core
  std::string python = "python3";  ///< compiles .py inputs
  std::string runtimeDir;          ///< copied to OUTDIR/sleepy when suspending
};

struct DriverSummary {
  unsigned files = 0;       ///< files written
  unsigned failed = 0;      ///< inputs that gave an error
  unsigned codeObjects = 0; ///< code objects rewritten
};

/// One file to rewrite.
struct RewriteJob {
  std::string input;  ///< the .pyc to read
  std::string output;
  std::string source; ///< a .py input, compiled into `input` first
};

/// The output name of a cached or sourceless .pyc file name, or "" for a file
/// that is not rewritten (not a .pyc, or an optimized cache).
std::string sourcelessName(llvm::StringRef fileName, bool inCache);

/// Plans the jobs for \p options. Inputs that do not exist are reported on
/// \p errs and counted in \p failed.
std::vector<RewriteJob> planJobs(const DriverOptions &options,
                                 llvm::raw_ostream &errs, unsigned &failed);

/// Rewrites everything. Printer output goes to \p outs in input order,
/// errors to \p errs.
DriverSummary runDriver(const DriverOptions &options, llvm::raw_ostream &outs,
                        llvm::raw_ostream &errs);

} // namespace sleepy

#endif

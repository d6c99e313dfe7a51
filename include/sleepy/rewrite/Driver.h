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

/// Where rewritten files go (see lib/rewrite/Inputs.cpp).
enum class Layout {
  Sourceless, ///< OUTDIR/pkg/mod.pyc
  Pycache,    ///< OUTDIR/pkg/mod.py and OUTDIR/pkg/__pycache__/mod.TAG.pyc
};

struct DriverOptions {
  std::vector<std::string> inputs;
  std::string outDir;
  PipelineOptions pipeline;
  unsigned jobs = 0;               ///< 0: one per core
  std::string python = "python3";  ///< compiles .py inputs
  std::string runtimeDir;          ///< copied to OUTDIR/sleepy when suspending
  Layout layout = Layout::Sourceless;
  std::vector<std::string> excludes; ///< glob patterns
  bool force = false;   ///< rewrite outputs that are newer than their inputs
  bool progress = false; ///< a progress bar on stderr
};

struct DriverSummary {
  unsigned files = 0;       ///< files rewritten
  unsigned copied = 0;      ///< files copied (package data)
  unsigned upToDate = 0;    ///< outputs newer than their inputs, left alone
  unsigned failed = 0;      ///< inputs that gave an error
  unsigned codeObjects = 0; ///< code objects rewritten
  unsigned sites = 0;       ///< suspension sites made
  double seconds = 0;
};

/// One file to rewrite or copy.
struct RewriteJob {
  enum Kind { Rewrite, Copy } kind = Rewrite;
  std::string input;      ///< the .pyc to read, or the file to copy
  std::string output;     ///< where it goes; a directory if cacheStem is set
  std::string source;     ///< a .py compiled into `input` first
  std::string sourceCopy; ///< where the .py is copied (pycache layout)
  std::string cacheStem;  ///< output is output/<stem>.<tag>.pyc
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

//===- lib/rewrite/Driver.cpp - rewrite files and trees into a directory --===//
#include "sleepy/rewrite/Driver.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <algorithm>

namespace sleepy {
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

struct JobResult {
  std::string text;   ///< printer output
  std::string errors; ///< error messages, one per line
  unsigned codeObjects = 0;
  bool written = false;
};

/// Writes \p bytes to \p outPath through a temporary file in the same
/// directory, renamed into place once complete.
llvm::Error writeAtomically(llvm::StringRef outPath,
                            llvm::ArrayRef<char> bytes) {
  llvm::StringRef dir = path::parent_path(outPath);
  if (!dir.empty())
    if (std::error_code ec = fs::create_directories(dir))
      return fileError(dir, "cannot create directory: " + ec.message());
  auto temp = fs::TempFile::create(outPath + ".tmp-%%%%%%%%");
  if (!temp)
    return fileError(outPath, "cannot create a temporary file: " +
                                  llvm::toString(temp.takeError()));
  llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
  os.write(bytes.data(), bytes.size());
  os.flush();
  if (os.has_error()) {
    std::string msg = os.error().message();
    os.clear_error();
    llvm::consumeError(temp->discard());
    return fileError(outPath, "cannot write: " + msg);
  }
  if (auto e = temp->keep(outPath))
    return fileError(outPath, "cannot rename into place: " +
                                  llvm::toString(std::move(e)));
  return llvm::Error::success();
}

JobResult runJob(const RewriteJob &job, const PipelineOptions &options) {
  JobResult result;
  auto fail = [&](llvm::Error e) {
    llvm::handleAllErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) {
      result.errors += info.message() + "\n";
    });
  };
  auto file = PycFile::open(job.input);
  if (!file) {
    fail(file.takeError());
    return result;
  }
  PipelineStats stats;
  if (auto e = rewritePyc(**file, options, result.text, stats)) {
    fail(std::move(e));
    return result;
  }
  llvm::SmallVector<char, 0> bytes;
  bytes.reserve((*file)->bytes().size() + 64);
  (*file)->write(bytes);
  if (auto e = writeAtomically(job.output, bytes)) {
    fail(std::move(e));
    return result;
  }
  result.codeObjects = stats.codeObjects;
  result.written = true;
  return result;
}

} // namespace

std::string sourcelessName(llvm::StringRef fileName, bool inCache) {
  if (!fileName.endswith(".pyc"))
    return "";
  if (!inCache)
    return fileName.str();
  // mod.cpython-311.pyc -> mod.pyc; mod.cpython-311.opt-1.pyc is skipped.
  llvm::StringRef stem = fileName.drop_back(4);
  if (stem.contains(".opt-"))
    return "";
  size_t dot = stem.find('.');
  return (dot == llvm::StringRef::npos ? stem : stem.take_front(dot)).str() +
         ".pyc";
}

std::vector<RewriteJob> planJobs(const DriverOptions &options,
                                 llvm::raw_ostream &errs, unsigned &failed) {
  std::vector<RewriteJob> jobs;
  auto addFile = [&](llvm::StringRef input, llvm::StringRef relDir) {
    llvm::StringRef parent = path::parent_path(input);
    bool inCache = path::filename(parent) == "__pycache__";
    std::string name = sourcelessName(path::filename(input), inCache);
    if (name.empty())
      return;
    llvm::SmallString<256> out(options.outDir);
    path::append(out, relDir, name);
    jobs.push_back(RewriteJob{input.str(), std::string(out)});
  };
  for (const std::string &input : options.inputs) {
    fs::file_status status;
    if (std::error_code ec = fs::status(input, status)) {
      errs << fmt::format("{}: error: {}\n", input, ec.message());
      ++failed;
      continue;
    }
    if (!fs::is_directory(status)) {
      if (!llvm::StringRef(input).endswith(".pyc")) {
        errs << fmt::format("{}: error: not a .pyc file or a directory\n",
                            input);
        ++failed;
        continue;
      }
      addFile(input, "");
      continue;
    }
    // Mirror the directory into OUTDIR/<its name>.
    llvm::SmallString<256> root(input);
    path::remove_dots(root, /*remove_dot_dot=*/false);
    while (root.size() > 1 && path::is_separator(root.back()))
      root.pop_back();
    llvm::StringRef base = path::filename(root);
    if (base == "." || base.empty())
      base = "";
    std::error_code ec;
    std::vector<std::string> found;
    for (fs::recursive_directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec)) {
      if (it->type() == fs::file_type::regular_file ||
          it->type() == fs::file_type::symlink_file)
        found.push_back(it->path());
    }
    if (ec) {
      errs << fmt::format("{}: error: {}\n", input, ec.message());
      ++failed;
    }
    std::sort(found.begin(), found.end());
    for (const std::string &file : found) {
      llvm::StringRef rel = llvm::StringRef(file).drop_front(root.size());
      rel = rel.ltrim("/");
      llvm::SmallString<256> relDir(base);
      llvm::StringRef dir = path::parent_path(rel);
      if (path::filename(dir) == "__pycache__")
        dir = path::parent_path(dir);
      path::append(relDir, dir);
      addFile(file, relDir);
    }
  }
  // Two inputs must not write one output.
  llvm::StringSet<> seen;
  std::vector<RewriteJob> unique;
  for (RewriteJob &job : jobs) {
    if (!seen.insert(job.output).second) {
      errs << fmt::format("{}: error: another input already writes {}\n",
                          job.input, job.output);
      ++failed;
      continue;
    }
    unique.push_back(std::move(job));
  }
  return unique;
}

DriverSummary runDriver(const DriverOptions &options, llvm::raw_ostream &outs,
                        llvm::raw_ostream &errs) {
  DriverSummary summary;
  std::vector<RewriteJob> jobs = planJobs(options, errs, summary.failed);
  std::vector<JobResult> results(jobs.size());
  unsigned threads =
      llvm::hardware_concurrency(options.jobs).compute_thread_count();
  if (threads <= 1 || jobs.size() <= 1) {
    for (size_t k = 0; k < jobs.size(); ++k)
      results[k] = runJob(jobs[k], options.pipeline);
  } else {
    llvm::ThreadPool pool(llvm::hardware_concurrency(options.jobs));
    for (size_t k = 0; k < jobs.size(); ++k)
      pool.async([&, k] { results[k] = runJob(jobs[k], options.pipeline); });
    pool.wait();
  }
  for (const JobResult &r : results) {
    outs << r.text;
    errs << r.errors;
    if (r.written) {
      ++summary.files;
      summary.codeObjects += r.codeObjects;
    } else {
      ++summary.failed;
    }
  }
  return summary;
}

} // namespace sleepy

//===- lib/rewrite/Inputs.cpp - what to rewrite, copy, and where ---------===//
//
// Turns the command line's inputs into jobs. A file input goes to the top of
// OUTDIR; a directory is mirrored into OUTDIR/<its name>/:
//
//   pkg/mod.py                     compiled by the target interpreter, then
//                                  rewritten: OUTDIR/pkg/mod.pyc (sourceless
//                                  layout), or OUTDIR/pkg/mod.py copied and
//                                  OUTDIR/pkg/__pycache__/mod.cpython-XY.pyc
//                                  (pycache layout, unchecked-hash header)
//   pkg/__pycache__/mod.*.pyc      skipped when pkg/mod.py is there (the
//                                  source is compiled instead); otherwise
//                                  rewritten to OUTDIR/pkg/mod.pyc
//   pkg/legacy.pyc                 rewritten to OUTDIR/pkg/legacy.pyc
//   anything else                  copied (package data)
//
// Optimized caches (.opt-1, .opt-2) are skipped. --exclude GLOB leaves out
// files and directories whose path under the input, or whose name, matches.
//
//===----------------------------------------------------------------------===//
#include "sleepy/rewrite/Driver.h"

#include "fmt/format.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/Path.h"

#include <algorithm>

namespace sleepy {
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

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

namespace {

RewriteJob job(RewriteJob::Kind kind, std::string input, std::string output) {
  RewriteJob j;
  j.kind = kind;
  j.input = std::move(input);
  j.output = std::move(output);
  return j;
}

class Planner {
public:
  Planner(const DriverOptions &options, llvm::raw_ostream &errs,
          unsigned &failed)
      : options(options), errs(errs), failed(failed) {
    for (const std::string &g : options.excludes) {
      auto pattern = llvm::GlobPattern::create(g);
      if (pattern)
        excludes.push_back(std::move(*pattern));
      else {
        errs << fmt::format("sleepy-rewrite: error: --exclude {}: {}\n", g,
                            llvm::toString(pattern.takeError()));
        ++failed;
      }
    }
  }

  void input(const std::string &in);
  std::vector<RewriteJob> take();

private:
  bool excluded(llvm::StringRef rel) const {
    for (const llvm::GlobPattern &p : excludes)
      if (p.match(rel) || p.match(path::filename(rel)))
        return true;
    return false;
  }
  std::string out(llvm::StringRef relDir, llvm::StringRef name) const {
    llvm::SmallString<256> o(options.outDir);
    path::append(o, relDir, name);
    return std::string(o);
  }
  void source(llvm::StringRef file, llvm::StringRef relDir);
  void directory(llvm::StringRef root);

  const DriverOptions &options;
  llvm::raw_ostream &errs;
  unsigned &failed;
  std::vector<llvm::GlobPattern> excludes;
  std::vector<RewriteJob> jobs;
};

void Planner::source(llvm::StringRef file, llvm::StringRef relDir) {
  RewriteJob j;
  j.source = file.str();
  llvm::StringRef stem = path::stem(file);
  if (options.layout == Layout::Pycache) {
    j.output = out(relDir, "__pycache__");
    j.cacheStem = stem.str();
    j.sourceCopy = out(relDir, path::filename(file));
  } else {
    j.output = out(relDir, stem.str() + ".pyc");
  }
  jobs.push_back(std::move(j));
}

void Planner::input(const std::string &in) {
  fs::file_status status;
  if (std::error_code ec = fs::status(in, status)) {
    errs << fmt::format("{}: error: {}\n", in, ec.message());
    ++failed;
    return;
  }
  llvm::StringRef name(in);
  if (fs::is_directory(status))
    return directory(in);
  if (name.endswith(".py"))
    return source(in, "");
  if (!name.endswith(".pyc")) {
    errs << fmt::format("{}: error: not a .py or .pyc file or a directory\n",
                        in);
    ++failed;
    return;
  }
  bool inCache = path::filename(path::parent_path(in)) == "__pycache__";
  std::string outName = sourcelessName(path::filename(in), inCache);
  if (!outName.empty())
    jobs.push_back(job(RewriteJob::Rewrite, in, out("", outName)));
}

void Planner::directory(llvm::StringRef input) {
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
    llvm::StringRef rel = llvm::StringRef(it->path()).drop_front(root.size());
    rel = rel.ltrim("/");
    if (excluded(rel)) {
      if (it->type() == fs::file_type::directory_file)
        it.no_push();
      continue;
    }
    auto type = it->type();
    if (type == fs::file_type::symlink_file) {
      fs::file_status st;
      if (!fs::status(it->path(), st))
        type = st.type();
    }
    if (type == fs::file_type::regular_file)
      found.push_back(it->path());
  }
  if (ec) {
    errs << fmt::format("{}: error: {}\n", input, ec.message());
    ++failed;
  }
  std::sort(found.begin(), found.end());
  llvm::StringSet<> files;
  for (const std::string &f : found)
    files.insert(f);
  for (const std::string &file : found) {
    llvm::StringRef rel = llvm::StringRef(file).drop_front(root.size());
    rel = rel.ltrim("/");
    llvm::SmallString<256> relDir(base);
    path::append(relDir, path::parent_path(rel));
    llvm::StringRef name = path::filename(file);
    llvm::StringRef parent = path::parent_path(file);
    if (name.endswith(".py")) {
      source(file, relDir);
      continue;
    }
    if (name.endswith(".pyc")) {
      bool inCache = path::filename(parent) == "__pycache__";
      std::string outName = sourcelessName(name, inCache);
      if (outName.empty())
        continue;
      llvm::SmallString<256> dir(relDir);
      if (inCache) {
        // The source, if it is here, is compiled instead.
        llvm::SmallString<256> src(path::parent_path(parent));
        path::append(src, llvm::StringRef(outName).drop_back(1));
        if (files.count(src))
          continue;
        dir = path::parent_path(relDir);
      }
      jobs.push_back(job(RewriteJob::Rewrite, file, out(dir, outName)));
      continue;
    }
    if (name.endswith(".pyo"))
      continue;
    // Package data, and extension modules: copied as they are.
    jobs.push_back(job(RewriteJob::Copy, file, out(relDir, name)));
  }
}

std::vector<RewriteJob> Planner::take() {
  // Two inputs must not write one output.
  llvm::StringSet<> seen;
  std::vector<RewriteJob> unique;
  for (RewriteJob &job : jobs) {
    std::string key = job.cacheStem.empty()
                          ? job.output
                          : job.output + "/" + job.cacheStem;
    if (!seen.insert(key).second) {
      errs << fmt::format("{}: error: another input already writes {}\n",
                          job.source.empty() ? job.input : job.source, key);
      ++failed;
      continue;
    }
    unique.push_back(std::move(job));
  }
  return unique;
}

} // namespace

std::vector<RewriteJob> planJobs(const DriverOptions &options,
                                 llvm::raw_ostream &errs, unsigned &failed) {
  Planner planner(options, errs, failed);
  for (const std::string &input : options.inputs)
    planner.input(input);
  return planner.take();
}

} // namespace sleepy

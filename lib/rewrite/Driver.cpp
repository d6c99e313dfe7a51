//===- lib/rewrite/Driver.cpp - rewrite files and trees into a directory --===//
#include "sleepy/rewrite/Driver.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Errno.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/ThreadPool.h"
#include "llvm/Support/Threading.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include <unistd.h>

namespace sleepy {
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

struct JobResult {
  std::string text;   ///< printer output
  std::string errors; ///< error messages, one per line
  unsigned codeObjects = 0;
  unsigned sites = 0;
  bool written = false;
  bool upToDate = false; ///< left alone: the output is newer than the input
};

/// Writes outputs atomically: each file is written to a temporary file
/// OUTDIR/.sleepy-tmp-PID-N.pyc and renamed into place once complete, so an
/// output is either whole or absent. Each worker thread reuses one temporary
/// name, registered once for removal if a signal kills the process;
/// registering a name per file costs more than the rewrite itself on big
/// trees. The temporaries sit in OUTDIR itself: the removal on a signal
/// removes files only, and left a directory of them behind.
class OutputWriter {
public:
  explicit OutputWriter(llvm::StringRef outDir)
      : outDir(outDir.str()), id(++lastId) {
    llvm::SmallString<256> prefix(outDir);
    path::append(prefix, fmt::format(".sleepy-tmp-{}-",
                                     llvm::sys::Process::getProcessId()));
    tempPrefix = std::string(prefix);
  }
  ~OutputWriter() {
    for (const std::string &name : tempNames) {
      fs::remove(name);
      llvm::sys::DontRemoveFileOnSignal(name);
    }
  }

  /// Writes \p bytes to \p outPath through the temporary; with \p mode, the
  /// output gets those permissions (a copy keeps its source's: an executable
  /// script stays executable).
  llvm::Error write(llvm::StringRef outPath, llvm::ArrayRef<char> bytes,
                    std::optional<fs::perms> mode = std::nullopt) {
    // Name the output and the reason: the temporary file is ours, not
    // something the user asked for.
    std::string temp;
    if (std::error_code ec = tempName(temp))
      return fileError(outPath, "cannot create the output directory " +
                                    outDir + ": " + ec.message());
    int fd;
    if (std::error_code ec =
            fs::openFileForWrite(temp, fd, fs::CD_CreateAlways, fs::OF_None))
      return fileError(outPath, "cannot create the temporary file " + temp +
                                    ": " + ec.message());
    // The bytes are all here: written and closed directly (a raw_fd_ostream
    // would seek and stat the file first, and LLVM's close blocks every
    // signal around it: four system calls per file that do nothing here).
    if (std::error_code ec = writeAll(fd, bytes)) {
      ::close(fd);
      fs::remove(temp);
      return fileError(outPath, "cannot write: " + ec.message());
    }
    if (::close(fd) != 0) {
      std::error_code ec(errno, std::generic_category());
      fs::remove(temp);
      return fileError(outPath, "cannot write: " + ec.message());
    }
    if (mode)
      if (std::error_code ec = fs::setPermissions(temp, *mode)) {
        fs::remove(temp);
        return fileError(outPath, "cannot set permissions: " + ec.message());
      }
    if (std::error_code ec = fs::rename(temp, outPath)) {
      fs::remove(temp);
      return fileError(outPath, "cannot rename into place: " + ec.message());
    }
    return llvm::Error::success();
  }

private:
  static std::error_code writeAll(int fd, llvm::ArrayRef<char> bytes) {
    while (!bytes.empty()) {
      ssize_t n = llvm::sys::RetryAfterSignal(-1, ::write, fd, bytes.data(),
                                              bytes.size());
      if (n < 0)
        return std::error_code(errno, std::generic_category());
      if (n == 0) // (a regular file takes some of what it is given)
        return std::make_error_code(std::errc::io_error);
      bytes = bytes.drop_front(size_t(n));
    }
    return {};
  }

  /// This thread's temporary file, made and registered on first use.
  std::error_code tempName(std::string &out) {
    // Keyed by the writer's id rather than its address: a later writer can
    // be allocated where an earlier one was, and must not take its name.
    thread_local uint64_t owner = 0;
    thread_local std::string name;
    if (owner == id) {
      out = name;
      return {};
    }
    std::lock_guard<std::mutex> lock(mutex);
    if (!dirMade) {
      if (std::error_code ec = fs::create_directories(outDir))
        return ec;
      dirMade = true;
    }
    name = tempPrefix + std::to_string(tempNames.size()) + ".pyc";
    llvm::sys::RemoveFileOnSignal(name);
    tempNames.push_back(name);
    owner = id;
    out = name;
    return {};
  }

  static std::atomic<uint64_t> lastId;
  std::string outDir;
  uint64_t id;
  std::string tempPrefix;
  std::mutex mutex;
  bool dirMade = false;
  std::vector<std::string> tempNames;
};

std::atomic<uint64_t> OutputWriter::lastId{0};

/// Compiles the .py inputs with one interpreter process: each job with a
/// source gets its input, a .pyc in \p scratch (made here). A file that does
/// not compile gets its error in its result.
void compileSources(const DriverOptions &options, std::vector<RewriteJob> &jobs,
                    const std::vector<bool> &todo,
                    std::vector<JobResult> &results,
                    llvm::SmallString<256> &scratch) {
  bool any = false;
  for (size_t k = 0; k < jobs.size(); ++k)
    any |= todo[k] && !jobs[k].source.empty();
  if (!any)
    return;
  auto failAll = [&](const std::string &why) {
    for (size_t k = 0; k < jobs.size(); ++k)
      if (!jobs[k].source.empty() && todo[k])
        results[k].errors += fmt::format("{}: error: {}\n", jobs[k].source, why);
  };
  if (std::error_code ec = fs::createUniqueDirectory("sleepy-src", scratch))
    return failAll("cannot make a scratch directory: " + ec.message());
  auto python = llvm::sys::findProgramByName(options.python);
  if (!python)
    return failAll("cannot find the interpreter " + options.python);
  llvm::SmallString<256> list(scratch), log(scratch);
  path::append(list, "list.txt");
  path::append(log, "errors.txt");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(list, ec);
    for (size_t k = 0; k < jobs.size(); ++k) {
      if (jobs[k].source.empty() || !todo[k])
        continue;
      llvm::SmallString<256> src(jobs[k].source), pyc(scratch);
      fs::make_absolute(src);
      path::append(pyc, std::to_string(k) + ".pyc");
      jobs[k].input = std::string(pyc);
      os << src << "\t" << pyc << "\t" << k << "\n";
    }
  }
  // Each failure is a line "INDEX<TAB>LINE<TAB>Type: message" on stderr
  // (LINE empty when there is none): the exception itself rather than
  // py_compile's traceback-like text, which is several lines long.
  static const char *script =
      "import py_compile, sys\n"
      "for line in open(sys.argv[1], encoding='utf-8'):\n"
      "    src, dst, k = line.rstrip('\\n').split('\\t')\n"
      "    try:\n"
      "        py_compile.compile(src, cfile=dst, doraise=True, invalidation_mode="
      "py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
      "    except Exception as e:\n"
      "        e = getattr(e, 'exc_value', e)\n"
      "        syntax = isinstance(e, SyntaxError)\n"
      "        what = e.msg if syntax else getattr(e, 'strerror', None) or str(e)\n"
      "        where = (syntax and e.lineno) or ''\n"
      "        print(k, where, type(e).__name__ + ': ' + ' '.join(str(what).split()),"
      " sep='\\t', file=sys.stderr)\n";
  llvm::SmallVector<llvm::StringRef, 4> args = {*python, "-c", script, list};
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::None, llvm::None,
                                                 llvm::StringRef(log)};
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(*python, args, llvm::None, redirects, 0, 0,
                                     &err);
  if (rc < 0)
    return failAll("cannot run " + options.python + ": " + err);
  auto text = llvm::MemoryBuffer::getFile(log);
  if (!text)
    return;
  llvm::SmallVector<llvm::StringRef, 8> lines;
  (*text)->getBuffer().split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    auto [index, rest] = line.split('\t');
    auto [lineNo, msg] = rest.split('\t');
    size_t k;
    if (index.getAsInteger(10, k) || k >= jobs.size())
      continue; // not ours: a warning, say
    // file:LINE, decimal, as compilers put it: a place in the source.
    std::string where = jobs[k].source;
    if (!lineNo.empty())
      where += ":" + lineNo.str();
    results[k].errors += fmt::format("{}: error: {}\n", where, msg.str());
    jobs[k].input.clear();
  }
}

/// Copies the runtime package into OUTDIR/sleepy, so that PYTHONPATH=OUTDIR
/// is all a rewritten program needs.
llvm::Error copyRuntime(const DriverOptions &options, OutputWriter &writer) {
  llvm::SmallString<256> from(options.runtimeDir), to(options.outDir);
  path::append(from, "sleepy");
  path::append(to, "sleepy");
  std::error_code ec;
  if ((ec = fs::create_directories(to)))
    return fileError(to, "cannot create directory: " + ec.message());
  bool any = false;
  for (fs::directory_iterator it(from, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (path::extension(it->path()) != ".py")
      continue;
    auto data = llvm::MemoryBuffer::getFile(it->path());
    if (!data)
      return fileError(it->path(), data.getError().message());
    llvm::SmallString<256> out(to);
    path::append(out, path::filename(it->path()));
    llvm::StringRef bytes = (*data)->getBuffer();
    if (auto e = writer.write(out, llvm::ArrayRef<char>(bytes.data(), bytes.size())))
      return e;
    any = true;
  }
  if (ec || !any)
    return fileError(from, "cannot read the sleepy runtime here" +
                               (ec ? ": " + ec.message() : std::string()) +
                               " (set SLEEPY_RUNTIME to the directory holding "
                               "sleepy/)");
  return llvm::Error::success();
}

/// Copies \p from to \p to through the writer.
llvm::Error copyFile(llvm::StringRef from, llvm::StringRef to,
                     OutputWriter &writer) {
  auto data = llvm::MemoryBuffer::getFile(from, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!data)
    return fileError(from, data.getError().message());
  llvm::StringRef bytes = (*data)->getBuffer();
  std::optional<fs::perms> mode;
  fs::file_status st;
  if (!fs::status(from, st))
    mode = st.permissions();
  return writer.write(to, llvm::ArrayRef<char>(bytes.data(), bytes.size()),
                      mode);
}

/// Reads the .pyc compiled from a .py input, named in every message by the
/// .py the user gave, not by the file in the scratch directory (removed when
/// the run ends: that name leads nowhere). Offsets stay offsets into the
/// .pyc, which holds the same bytes at the same offsets as the one
/// `PYTHON -m py_compile` writes: `prog.py:0xc7` is byte 0xc7 of the
/// compiled prog.py.
llvm::Expected<std::unique_ptr<PycFile>> openCompiled(const RewriteJob &job) {
  auto buffer = llvm::MemoryBuffer::getFile(job.input, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/true,
                                            /*IsVolatile=*/true);
  if (!buffer)
    return fileError(job.source, "cannot read the .pyc compiled from it (" +
                                     job.input +
                                     "): " + buffer.getError().message());
  return PycFile::read(std::move(*buffer), job.source);
}

/// The pipeline's workspaces (cfg/Workspace.h), one for each job running at
/// once: a job takes one, and gives it back for the next job to reuse.
class WorkspacePool {
public:
  std::unique_ptr<Workspace> take() {
    std::lock_guard<std::mutex> lock(mutex);
    if (spare.empty())
      return std::make_unique<Workspace>();
    std::unique_ptr<Workspace> ws = std::move(spare.back());
    spare.pop_back();
    return ws;
  }
  void give(std::unique_ptr<Workspace> ws) {
    std::lock_guard<std::mutex> lock(mutex);
    spare.push_back(std::move(ws));
  }

private:
  std::mutex mutex;
  std::vector<std::unique_ptr<Workspace>> spare;
};

JobResult runJob(const RewriteJob &job, const PipelineOptions &options,
                 OutputWriter &writer, Workspace &ws) {
  JobResult result;
  auto fail = [&](llvm::Error e) {
    llvm::handleAllErrors(std::move(e), [&](const llvm::ErrorInfoBase &info) {
      result.errors += info.message() + "\n";
    });
  };
  if (job.kind == RewriteJob::Copy) {
    if (auto e = copyFile(job.input, job.output, writer))
      fail(std::move(e));
    else
      result.written = true;
    return result;
  }
  if (job.input.empty())
    return result; // its source did not compile
  if (!job.sourceCopy.empty())
    if (auto e = copyFile(job.source, job.sourceCopy, writer)) {
      fail(std::move(e));
      return result;
    }
  auto file = job.source.empty() ? PycFile::open(job.input) : openCompiled(job);
  if (!file) {
    fail(file.takeError());
    return result;
  }
  PipelineStats stats;
  if (auto e = rewritePyc(**file, options, result.text, stats, ws)) {
    fail(std::move(e));
    return result;
  }
  // Kept in the workspace: most outputs fit in what an earlier one grew it
  // to, so the bytes are neither reallocated nor faulted in again.
  struct OutputBytes {
    llvm::SmallVector<char, 0> v;
  };
  llvm::SmallVectorImpl<char> &bytes = ws.get<OutputBytes>().v;
  bytes.clear();
  bytes.reserve((*file)->bytes().size() + 64);
  (*file)->write(bytes);
  if (auto e = writer.write(job.output, bytes)) {
    fail(std::move(e));
    return result;
  }
  result.codeObjects = stats.codeObjects;
  result.sites = stats.sites;
  result.written = true;
  return result;
}

/// The cache tag of the interpreter (cpython-311), or "" if it cannot run.
std::string cacheTag(const std::string &python) {
  auto program = llvm::sys::findProgramByName(python);
  if (!program)
    return "";
  llvm::SmallString<128> out;
  if (fs::createTemporaryFile("sleepy-tag", "txt", out))
    return "";
  llvm::Optional<llvm::StringRef> redirects[] = {llvm::None, llvm::StringRef(out),
                                                 llvm::None};
  llvm::SmallVector<llvm::StringRef, 4> args = {
      *program, "-c", "import sys; print(sys.implementation.cache_tag)"};
  int rc = llvm::sys::ExecuteAndWait(*program, args, llvm::None, redirects);
  auto text = llvm::MemoryBuffer::getFile(out);
  fs::remove(out);
  if (rc != 0 || !text)
    return "";
  return (*text)->getBuffer().trim().str();
}

/// Tells whether an output is there and at least as new as its input. An
/// output whose directory is missing is not there: in a fresh build, one
/// look at each directory stands for one at each output.
class Freshness {
public:
  bool newer(llvm::StringRef output, llvm::StringRef input) {
    llvm::StringRef dir = path::parent_path(output);
    auto [it, added] = dirs.try_emplace(dir, false);
    if (added)
      it->second = dir.empty() || fs::is_directory(dir);
    fs::file_status in, out;
    // The output first: in a fresh build it is missing, and the input's
    // status is not needed.
    if (!it->second || fs::status(output, out) || fs::status(input, in))
      return false;
    return out.getLastModificationTime() >= in.getLastModificationTime();
  }

private:
  llvm::StringMap<bool> dirs; ///< does the directory exist?
};

/// A progress bar on stderr, updated as jobs finish.
class Progress {
public:
  Progress(llvm::raw_ostream &os, size_t total, bool on)
      : os(os), total(total), on(on && total > 0) {}
  void step() {
    if (!on)
      return;
    std::lock_guard<std::mutex> lock(mutex);
    size_t width = 40, fill = ++done * width / total;
    if (fill == shown && done != total)
      return;
    shown = fill;
    os << "\r[" << std::string(fill, '#') << std::string(width - fill, '.')
       << "] " << done << "/" << total << " files";
    if (done == total)
      os << "\r" << std::string(width + 30, ' ') << "\r";
    os.flush();
  }

private:
  llvm::raw_ostream &os;
  size_t total, done = 0, shown = ~size_t(0);
  bool on;
  std::mutex mutex;
};

} // namespace

DriverSummary runDriver(const DriverOptions &options, llvm::raw_ostream &outs,
                        llvm::raw_ostream &errs) {
  auto started = std::chrono::steady_clock::now();
  DriverSummary summary;
  std::vector<RewriteJob> jobs = planJobs(options, errs, summary.failed);
  std::vector<JobResult> results(jobs.size());

  // Cached names (pycache layout) take the target interpreter's tag.
  if (llvm::any_of(jobs, [](const RewriteJob &j) { return !j.cacheStem.empty(); })) {
    std::string tag = cacheTag(options.python);
    for (size_t k = 0; k < jobs.size(); ++k) {
      if (jobs[k].cacheStem.empty())
        continue;
      if (tag.empty()) {
        results[k].errors += fmt::format("{}: error: cannot run {} to learn "
                                         "its cache tag\n",
                                         jobs[k].source, options.python);
        continue;
      }
      llvm::SmallString<256> out(jobs[k].output);
      path::append(out, jobs[k].cacheStem + "." + tag + ".pyc");
      jobs[k].output = std::string(out);
    }
  }
  // Incremental: an output newer than its input is left alone.
  std::vector<bool> todo(jobs.size(), true);
  Freshness freshness;
  for (size_t k = 0; k < jobs.size(); ++k) {
    const RewriteJob &job = jobs[k];
    if (!results[k].errors.empty()) {
      todo[k] = false;
      continue;
    }
    // Asked to print the functions: they are read whatever their age.
    if (options.force || options.pipeline.emit != EmitKind::None ||
        options.pipeline.printAfterAll)
      continue;
    llvm::StringRef in = job.source.empty() ? job.input : job.source;
    if (freshness.newer(job.output, in) &&
        (job.sourceCopy.empty() || freshness.newer(job.sourceCopy, in))) {
      todo[k] = false;
      results[k].upToDate = true;
    }
  }
  // Make every output directory once, before the workers start.
  llvm::StringSet<> dirs;
  for (size_t k = 0; k < jobs.size(); ++k) {
    if (!todo[k])
      continue;
    llvm::StringRef dir = path::parent_path(jobs[k].output);
    if (!dir.empty() && dirs.insert(dir).second)
      if (std::error_code ec = fs::create_directories(dir))
        errs << fmt::format("{}: error: cannot create directory: {}\n", dir,
                            ec.message());
  }
  OutputWriter writer(options.outDir);
  llvm::SmallString<256> scratch;
  compileSources(options, jobs, todo, results, scratch);

  size_t work = size_t(std::count(todo.begin(), todo.end(), true));
  Progress progress(errs, work, options.progress);
  WorkspacePool workspaces;
  auto run = [&](size_t k) {
    if (jobs[k].input.empty() && !results[k].errors.empty()) {
      // The source did not compile; in the pycache layout it is still
      // mirrored, as any other file.
      if (!jobs[k].sourceCopy.empty())
        if (auto e = copyFile(jobs[k].source, jobs[k].sourceCopy, writer))
          results[k].errors += llvm::toString(std::move(e)) + "\n";
      progress.step();
      return;
    }
    std::unique_ptr<Workspace> ws = workspaces.take();
    results[k] = runJob(jobs[k], options.pipeline, writer, *ws);
    workspaces.give(std::move(ws));
    progress.step();
  };
  unsigned threads =
      llvm::hardware_concurrency(options.jobs).compute_thread_count();
  if (threads <= 1 || work <= 1) {
    for (size_t k = 0; k < jobs.size(); ++k)
      if (todo[k])
        run(k);
  } else {
    llvm::ThreadPool pool(llvm::hardware_concurrency(options.jobs));
    for (size_t k = 0; k < jobs.size(); ++k)
      if (todo[k])
        pool.async([&, k] { run(k); });
    pool.wait();
  }
  if (!options.runtimeDir.empty() &&
      llvm::any_of(options.pipeline.passes,
                   [](const PassInfo *p) { return p->name == "suspend"; }))
    if (auto e = copyRuntime(options, writer)) {
      errs << llvm::toString(std::move(e)) << "\n";
      ++summary.failed;
    }
  if (!scratch.empty())
    fs::remove_directories(scratch);
  for (size_t k = 0; k < jobs.size(); ++k) {
    const JobResult &r = results[k];
    outs << r.text;
    errs << r.errors;
    if (r.upToDate)
      ++summary.upToDate;
    else if (!r.written)
      ++summary.failed;
    else if (jobs[k].kind == RewriteJob::Copy)
      ++summary.copied;
    else {
      ++summary.files;
      summary.codeObjects += r.codeObjects;
      summary.sites += r.sites;
    }
  }
  summary.seconds = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  return summary;
}

} // namespace sleepy

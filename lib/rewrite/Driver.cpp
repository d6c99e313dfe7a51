//===- lib/rewrite/Driver.cpp - rewrite files and trees into a directory --===//
#include "sleepy/rewrite/Driver.h"

#include "sleepy/pyc/Error.h"

#include "fmt/format.h"
#include "llvm/ADT/StringSet.h"
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
#include <mutex>

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

  llvm::Error write(llvm::StringRef outPath, llvm::ArrayRef<char> bytes) {
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
    {
      llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
      os.write(bytes.data(), bytes.size());
      os.close();
      if (os.has_error()) {
        std::string msg = os.error().message();
        os.clear_error();
        fs::remove(temp);
        return fileError(outPath, "cannot write: " + msg);
      }
    }
    if (std::error_code ec = fs::rename(temp, outPath)) {
      fs::remove(temp);
      return fileError(outPath, "cannot rename into place: " + ec.message());
    }
    return llvm::Error::success();
  }

private:
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
                    std::vector<JobResult> &results,
                    llvm::SmallString<256> &scratch) {
  if (llvm::none_of(jobs, [](const RewriteJob &j) { return !j.source.empty(); }))
    return;
  auto failAll = [&](const std::string &why) {
    for (size_t k = 0; k < jobs.size(); ++k)
      if (!jobs[k].source.empty())
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
      if (jobs[k].source.empty())
        continue;
      llvm::SmallString<256> src(jobs[k].source), pyc(scratch);
      fs::make_absolute(src);
      path::append(pyc, std::to_string(k) + ".pyc");
      jobs[k].input = std::string(pyc);
      os << src << "\t" << pyc << "\t" << k << "\n";
    }
  }
  // Each failure is a line "INDEX<TAB>message" on stderr.
  static const char *script =
      "import py_compile, sys\n"
      "for line in open(sys.argv[1], encoding='utf-8'):\n"
      "    src, dst, k = line.rstrip('\\n').split('\\t')\n"
      "    try:\n"
      "        py_compile.compile(src, cfile=dst, doraise=True, invalidation_mode="
      "py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
      "    except Exception as e:\n"
      "        msg = getattr(e, 'msg', str(e)).strip().replace('\\n', ' ')\n"
      "        print(k + '\\t' + msg, file=sys.stderr)\n";
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
    auto [index, msg] = line.split('\t');
    size_t k;
    if (index.getAsInteger(10, k) || k >= jobs.size())
      continue;
    results[k].errors +=
        fmt::format("{}: error: {}\n", jobs[k].source, msg.str());
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

JobResult runJob(const RewriteJob &job, const PipelineOptions &options,
                 OutputWriter &writer) {
  JobResult result;
  if (job.input.empty())
    return result; // its source did not compile
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
  if (auto e = writer.write(job.output, bytes)) {
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
    jobs.push_back(RewriteJob{input.str(), std::string(out), ""});
  };
  for (const std::string &input : options.inputs) {
    fs::file_status status;
    if (std::error_code ec = fs::status(input, status)) {
      errs << fmt::format("{}: error: {}\n", input, ec.message());
      ++failed;
      continue;
    }
    if (!fs::is_directory(status) && llvm::StringRef(input).endswith(".py")) {
      llvm::SmallString<256> out(options.outDir);
      path::append(out, path::stem(input) + ".pyc");
      jobs.push_back(RewriteJob{"", std::string(out), input});
      continue;
    }
    if (!fs::is_directory(status)) {
      if (!llvm::StringRef(input).endswith(".pyc")) {
        errs << fmt::format("{}: error: not a .py or .pyc file or a directory\n",
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
  // Make every output directory once, before the workers start.
  llvm::StringSet<> dirs;
  for (const RewriteJob &job : jobs) {
    llvm::StringRef dir = path::parent_path(job.output);
    if (!dir.empty() && dirs.insert(dir).second)
      if (std::error_code ec = fs::create_directories(dir))
        errs << fmt::format("{}: error: cannot create directory: {}\n", dir,
                            ec.message());
  }
  OutputWriter writer(options.outDir);
  llvm::SmallString<256> scratch;
  compileSources(options, jobs, results, scratch);
  unsigned threads =
      llvm::hardware_concurrency(options.jobs).compute_thread_count();
  if (threads <= 1 || jobs.size() <= 1) {
    for (size_t k = 0; k < jobs.size(); ++k)
      if (!(jobs[k].input.empty() && !results[k].errors.empty()))
        results[k] = runJob(jobs[k], options.pipeline, writer);
  } else {
    llvm::ThreadPool pool(llvm::hardware_concurrency(options.jobs));
    for (size_t k = 0; k < jobs.size(); ++k)
      if (!(jobs[k].input.empty() && !results[k].errors.empty()))
        pool.async([&, k] { results[k] = runJob(jobs[k], options.pipeline, writer); });
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

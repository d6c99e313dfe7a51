//===- lib/cfg/Print.cpp - text and disassembly printers ------------------===//
#include "sleepy/cfg/Print.h"

#include "sleepy/cfg/StackDepth.h"
#include "sleepy/pyc/Repr.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

constexpr const char *CompareOps[] = {"<", "<=", "==", "!=", ">", ">="};
constexpr const char *BinaryOps[] = {
    "+",  "&",  "//",  "<<",  "@",  "*",  "%",  "|",  "**",  ">>",  "-",  "/",
    "^",  "+=", "&=",  "//=", "<<=", "@=", "*=", "%=", "|=", "**=", ">>=",
    "-=", "/=", "^="};

std::string flagNames(int32_t flags) {
  static const std::pair<int32_t, const char *> names[] = {
      {CO_OPTIMIZED, "OPTIMIZED"},   {CO_NEWLOCALS, "NEWLOCALS"},
      {CO_VARARGS, "VARARGS"},       {CO_VARKEYWORDS, "VARKEYWORDS"},
      {CO_NESTED, "NESTED"},         {CO_GENERATOR, "GENERATOR"},
      {CO_NOFREE, "NOFREE"},         {CO_COROUTINE, "COROUTINE"},
      {CO_ITERABLE_COROUTINE, "ITERABLE_COROUTINE"},
      {CO_ASYNC_GENERATOR, "ASYNC_GENERATOR"}};
  std::string out;
  for (auto &[bit, name] : names)
    if (flags & bit)
      out += (out.empty() ? "" : "|") + std::string(name);
  int32_t rest = flags & ~0x3ff;
  if (rest)
    out += fmt::format("{}{:#x}", out.empty() ? "" : "|", rest);
  return out.empty() ? "0" : out;
}

std::string locationText(const Location &loc) {
  if (loc.line < 0)
    return "-";
  if (loc.col < 0)
    return loc.endLine == loc.line || loc.endLine < 0
               ? fmt::format("{}", loc.line)
               : fmt::format("{}-{}", loc.line, loc.endLine);
  return fmt::format("{}:{}-{}:{}", loc.line, loc.col, loc.endLine,
                     loc.endCol);
}

std::string handlerText(const Handler &h) {
  if (!h.valid())
    return "";
  return fmt::format("  [exc bb{} depth {}{}]", h.block, h.depth,
                     h.lasti ? " lasti" : "");
}

/// The name at \p index of a tuple of names, or a placeholder.
std::string nameAt(const ObjectGraph &graph, ObjectId tuple, uint32_t index) {
  if (tuple == NoObject)
    return "?";
  auto items = graph.items(tuple);
  if (index >= items.size())
    return fmt::format("<{} out of range>", index);
  return graph.str(items[index]).str();
}

/// The name tuple that LOAD_FAST-style opargs index.
ObjectId localsTuple(const Function &fn) {
  const CodeObject &co = fn.codeObject();
  return fn.dialect().localsPlus ? co.localsPlusNames : co.varNames;
}

} // namespace

std::string describeArg(const Function &fn, const Instr &in) {
  const OpInfo &info = fn.info(in);
  const ObjectGraph &graph = fn.graph;
  const CodeObject &co = fn.codeObject();
  const Dialect &d = fn.dialect();
  if (info.has(OF_HasConst)) {
    auto consts = graph.items(co.consts);
    if (in.arg >= consts.size())
      return fmt::format("<const {} out of range>", in.arg);
    return reprObject(graph, consts[in.arg]);
  }
  if (info.has(OF_HasName)) {
    uint32_t index = nameIndex(d, in.op, in.arg);
    std::string before, after;
    if (in.op == Op::LOAD_GLOBAL && d.globalNullBit) {
      if (in.arg & 1)
        (d.nullAfterCallable ? after : before) =
            d.nullAfterCallable ? " + NULL" : "NULL + ";
    } else if ((in.op == Op::LOAD_ATTR && d.attrMethodBit) ||
               in.op == Op::LOAD_SUPER_ATTR) {
      if (in.arg & 1)
        after = " + NULL|self";
    }
    return before + nameAt(graph, co.names, index) + after;
  }
  if (in.op == Op::LOAD_FAST_LOAD_FAST || in.op == Op::STORE_FAST_STORE_FAST ||
      in.op == Op::STORE_FAST_LOAD_FAST)
    return nameAt(graph, localsTuple(fn), in.arg >> 4) + ", " +
           nameAt(graph, localsTuple(fn), in.arg & 15);
  if (info.has(OF_HasLocal) ||
      (info.has(OF_HasFree) && d.localsPlus))
    return nameAt(graph, localsTuple(fn), in.arg);
  if (info.has(OF_HasCompare)) {
    uint32_t index = in.arg >> d.compareShift;
    return index < 6 ? CompareOps[index] : "?";
  }
  if (in.op == Op::BINARY_OP)
    return in.arg < std::size(BinaryOps) ? BinaryOps[in.arg] : "?";
  return "";
}

std::string describeCode(const Function &fn) {
  const CodeObject &co = fn.codeObject();
  const ObjectGraph &g = fn.graph;
  ObjectId qual = co.qualName != NoObject ? co.qualName : co.name;
  return fmt::format("code {} ({}:{}) flags {} args {}/{}/{} stacksize {}",
                     g.str(qual).str(), g.str(co.fileName).str(),
                     co.firstLineNo, flagNames(co.flags), co.argCount,
                     co.posOnlyArgCount, co.kwOnlyArgCount, co.stackSize);
}

void printFunction(llvm::raw_ostream &os, const Function &fn) {
  os << describeCode(fn) << "\n";
  auto depths = computeStackDepths(fn);
  std::string problem;
  if (!depths)
    problem = llvm::toString(depths.takeError());
  else
    os << fmt::format("  computed stacksize {}\n", depths->maxDepth);
  for (size_t k = 0; k < fn.layout.size(); ++k) {
    uint32_t b = fn.layout[k];
    int32_t depth = depths ? depths->atEntry[b] : -1;
    os << fmt::format("bb{}: depth {}\n", b,
                      depth < 0 ? std::string("?") : std::to_string(depth));
    for (const Instr &in : fn.blocks[b].instrs) {
      const OpInfo &info = fn.info(in);
      std::string arg;
      if (info.isJump())
        arg = fmt::format("bb{}", in.target);
      else if (info.has(OF_HasArg)) {
        arg = std::to_string(in.arg);
        std::string meaning = describeArg(fn, in);
        if (!meaning.empty())
          arg += " (" + meaning + ")";
      }
      os << fmt::format("    {:<26} {:<30} {}{}\n", opName(in.op), arg,
                        locationText(in.loc), handlerText(in.handler));
    }
    auto succ = fn.successors(k);
    if (!succ.empty()) {
      os << "  ->";
      for (uint32_t s : succ)
        os << fmt::format(" bb{}", s);
      os << "\n";
    }
  }
  if (!problem.empty())
    os << "  ; stack depth: " << problem << "\n";
}

void printDisassembly(llvm::raw_ostream &os, const Function &fn) {
  os << describeCode(fn) << "\n";
  // Offsets as the assembler lays the instructions out.
  std::vector<uint32_t> blockStart(fn.blocks.size(), 0);
  std::vector<uint32_t> starts;
  uint32_t unit = 0;
  for (uint32_t b : fn.layout) {
    blockStart[b] = unit;
    for (const Instr &in : fn.blocks[b].instrs) {
      starts.push_back(unit);
      unit += prefixesFor(in.arg) + 1 + fn.info(in).caches;
    }
  }
  int32_t line = -2;
  size_t k = 0;
  struct Range {
    uint32_t start, end;
    Handler handler;
  };
  std::vector<Range> ranges;
  for (uint32_t b : fn.layout) {
    for (const Instr &in : fn.blocks[b].instrs) {
      uint32_t start = starts[k++];
      const OpInfo &info = fn.info(in);
      std::string lineText;
      if (in.loc.line != line && in.loc.line >= 0) {
        line = in.loc.line;
        lineText = std::to_string(line);
      }
      std::string arg, meaning;
      if (info.isJump()) {
        arg = std::to_string(in.arg);
        meaning = fmt::format("to {}", 2 * blockStart[in.target]);
      } else if (info.has(OF_HasArg)) {
        arg = std::to_string(in.arg);
        meaning = describeArg(fn, in);
      }
      std::string text =
          fmt::format("{:>5} {:>7} {:<28} {:>4}{}", lineText, 2 * start,
                      opName(in.op), arg,
                      meaning.empty() ? "" : " (" + meaning + ")");
      os << llvm::StringRef(text).rtrim() << "\n";
      uint32_t end = k < starts.size() ? starts[k] : unit;
      if (!ranges.empty() && ranges.back().handler == in.handler &&
          ranges.back().end == start)
        ranges.back().end = end;
      else if (in.handler.valid())
        ranges.push_back(Range{start, end, in.handler});
    }
  }
  if (ranges.empty())
    return;
  os << "ExceptionTable:\n";
  for (const Range &r : ranges)
    os << fmt::format("  {} to {} -> {} [{}]{}\n", 2 * r.start, 2 * r.end,
                      2 * blockStart[r.handler.block], r.handler.depth,
                      r.handler.lasti ? " lasti" : "");
}

} // namespace sleepy

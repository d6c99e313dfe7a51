//===- lib/cfg/DotPrinter.cpp - Graphviz printer --------------------------===//
#include "sleepy/cfg/Print.h"

#include "fmt/format.h"

namespace sleepy {
namespace {

std::string escape(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\' || c == '{' || c == '}' || c == '<' ||
        c == '>' || c == '|')
      out += '\\';
    out += c;
  }
  return out;
}

} // namespace

void printDot(llvm::raw_ostream &os, const Function &fn) {
  os << fmt::format("digraph \"{}\" {{\n", escape(describeCode(fn)));
  os << "  node [shape=box fontname=monospace];\n";
  for (size_t k = 0; k < fn.layout.size(); ++k) {
    uint32_t b = fn.layout[k];
    std::string label = fmt::format("bb{}\\l", b);
    for (const Instr &in : fn.blocks[b].instrs) {
      const OpInfo &info = fn.info(in);
      std::string arg;
      if (info.isJump())
        arg = fmt::format(" bb{}", in.target);
      else if (info.has(OF_HasArg)) {
        std::string meaning = describeArg(fn, in);
        arg = fmt::format(" {}{}", in.arg,
                          meaning.empty() ? "" : " (" + meaning + ")");
      }
      label += escape(opName(in.op).str() + arg) + "\\l";
    }
    os << fmt::format("  bb{} [label=\"{}\"];\n", b, label);
  }
  for (size_t k = 0; k < fn.layout.size(); ++k) {
    uint32_t b = fn.layout[k];
    const Block &block = fn.blocks[b];
    std::vector<int32_t> handlers;
    for (const Instr &in : block.instrs)
      if (in.handler.valid() &&
          std::find(handlers.begin(), handlers.end(), in.handler.block) ==
              handlers.end())
        handlers.push_back(in.handler.block);
    for (int32_t h : handlers)
      os << fmt::format("  bb{} -> bb{} [style=dashed];\n", b, h);
    bool jumps = !block.instrs.empty() && fn.info(block.instrs.back()).isJump();
    for (uint32_t s : fn.successors(k)) {
      os << fmt::format("  bb{} -> bb{}{};\n", b, s,
                        jumps ? " [label=jump]" : "");
      jumps = false;
    }
  }
  os << "}\n";
}

} // namespace sleepy

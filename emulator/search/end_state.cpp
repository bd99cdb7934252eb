#include "search/end_state.h"

#include <capstone/capstone.h>
#include <unicorn/unicorn.h>

#include <fmt/format.h>

namespace chemu::search {

namespace {
// One capstone handle for the process (the report is written once, at exit).
csh capstone() {
  static csh handle = [] {
    csh h = 0;
    if (cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &h) != CS_ERR_OK) return csh(0);
    return h;
  }();
  return handle;
}
}  // namespace

std::string disassemble_one(uint32_t word, uint64_t addr) {
  const csh h = capstone();
  if (!h) return "";
  uint8_t bytes[4] = {uint8_t(word), uint8_t(word >> 8), uint8_t(word >> 16), uint8_t(word >> 24)};
  cs_insn* insn = nullptr;
  const size_t n = cs_disasm(h, bytes, 4, addr, 1, &insn);
  std::string out = n ? fmt::format("{} {}", insn[0].mnemonic, insn[0].op_str) : "";
  if (n) cs_free(insn, n);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string describe_cores(Machine& m, int window) {
  const Symbols& syms = m.symbols();  // the image's own (none for a raw image): as every trace line names PCs
  std::string out;
  for (int i = 0; i < kNumCores; ++i) {
    Core& c = m.core(i);
    const uint64_t pc = c.pc();
    out += fmt::format("core {}: {}, EL{}, {} instructions\n", i, core_state_name(c.state()), c.el(), c.instructions());
    if (c.state() == CoreState::SpinTable) {
      out += "  (never released from the spin table)\n";
      continue;
    }
    const uint64_t lr = c.reg(UC_ARM64_REG_X30);
    out += fmt::format("  pc = {:#x}{}\n  lr = {:#x}{}\n  sp = {:#x}\n", pc, syms.suffix(pc), lr, syms.suffix(lr), c.reg(UC_ARM64_REG_SP));
    for (int k = -window; k <= window; ++k) {
      const uint64_t a = pc + uint64_t(int64_t(k) * 4);
      const auto w = c.read_u32(a);
      out += fmt::format("  {} {:#014x}{}: ", k == 0 ? "=>" : "  ", a, syms.suffix(a));
      if (!w) {
        out += "(not mapped)\n";
        continue;
      }
      const std::string text = disassemble_one(*w, a);
      out += fmt::format("{:08x}  {}\n", *w, text.empty() ? "(undecodable)" : text);
    }
  }
  return out;
}

}  // namespace chemu::search

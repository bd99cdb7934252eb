#include "gdb/registers.h"

#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace chemu::gdb {

namespace {

struct SysregEntry {
  const char* name;
  enum { Engine, Sys, CurrentEl } how;
  int uc_reg;
  Sysreg sys;
};

constexpr Sysreg kMair{3, 0, 10, 2, 0};
const std::vector<SysregEntry>& system_registers() {
  static const std::vector<SysregEntry> regs = {
      {"sctlr_el1", SysregEntry::Sys, 0, sysreg::SCTLR_EL1},
      {"tcr_el1", SysregEntry::Sys, 0, sysreg::TCR_EL1},
      {"ttbr0_el1", SysregEntry::Sys, 0, sysreg::TTBR0_EL1},
      {"ttbr1_el1", SysregEntry::Sys, 0, sysreg::TTBR1_EL1},
      {"mair_el1", SysregEntry::Sys, 0, kMair},
      {"vbar_el1", SysregEntry::Sys, 0, sysreg::VBAR_EL1},
      {"esr_el1", SysregEntry::Sys, 0, sysreg::ESR_EL1},
      {"far_el1", SysregEntry::Sys, 0, sysreg::FAR_EL1},
      {"elr_el1", SysregEntry::Sys, 0, sysreg::ELR_EL1},
      {"spsr_el1", SysregEntry::Sys, 0, sysreg::SPSR_EL1},
      {"currentel", SysregEntry::CurrentEl, 0, {}},
      {"sp_el0", SysregEntry::Engine, UC_ARM64_REG_SP_EL0, {}},
      {"sp_el1", SysregEntry::Engine, UC_ARM64_REG_SP_EL1, {}},
      {"sp_el2", SysregEntry::Engine, UC_ARM64_REG_SP_EL2, {}},
      {"hcr_el2", SysregEntry::Sys, 0, sysreg::HCR_EL2},
      {"vbar_el2", SysregEntry::Sys, 0, sysreg::VBAR_ELx(2)},
      {"esr_el2", SysregEntry::Sys, 0, sysreg::ESR_ELx(2)},
      {"far_el2", SysregEntry::Sys, 0, sysreg::FAR_ELx(2)},
      {"elr_el2", SysregEntry::Sys, 0, sysreg::ELR_ELx(2)},
      {"spsr_el2", SysregEntry::Sys, 0, sysreg::SPSR_ELx(2)},
      {"scr_el3", SysregEntry::Sys, 0, sysreg::SCR_EL3},
      {"vbar_el3", SysregEntry::Sys, 0, sysreg::VBAR_ELx(3)},
      {"esr_el3", SysregEntry::Sys, 0, sysreg::ESR_ELx(3)},
      {"elr_el3", SysregEntry::Sys, 0, sysreg::ELR_ELx(3)},
      {"spsr_el3", SysregEntry::Sys, 0, sysreg::SPSR_ELx(3)},
  };
  return regs;
}

constexpr int kCpsr = 33, kV0 = 34, kFpsr = 66, kFpcr = 67, kSys0 = 68;

std::string le_bytes(uint64_t v, size_t n) {
  std::string s(n, '\0');
  std::memcpy(s.data(), &v, n);  // the host is little-endian, as the guest
  return s;
}

uint64_t from_le(std::string_view b) {
  uint64_t v = 0;
  std::memcpy(&v, b.data(), std::min<size_t>(b.size(), 8));
  return v;
}

// x0-x30 as Unicorn numbers them: X0-X28 are consecutive, but X29 (FP) and X30 (LR) come first in
// its enum, so X0 + 29 would be another register.
int uc_general_register(int n) { return n == 29 ? UC_ARM64_REG_X29 : n == 30 ? UC_ARM64_REG_X30 : UC_ARM64_REG_X0 + n; }

}  // namespace

int register_count() { return kSys0 + int(system_registers().size()); }

std::optional<std::string> read_register(const Core& core, int n, uint64_t pc) {
  if (n < 0 || n >= register_count()) return std::nullopt;
  if (n <= 30) return le_bytes(core.reg(uc_general_register(n)), 8);
  if (n == 31) return le_bytes(core.reg(UC_ARM64_REG_SP), 8);
  if (n == kPcRegnum) return le_bytes(pc, 8);
  if (n == kCpsr) return le_bytes(core.pstate(), 4);
  if (n >= kV0 && n < kV0 + 32) {
    uint8_t v[16];
    core.read_vreg(n - kV0, v);
    return std::string(reinterpret_cast<const char*>(v), 16);
  }
  if (n == kFpsr) return le_bytes(core.reg(UC_ARM64_REG_FPSR), 4);
  if (n == kFpcr) return le_bytes(core.reg(UC_ARM64_REG_FPCR), 4);
  const SysregEntry& e = system_registers()[size_t(n - kSys0)];
  switch (e.how) {
    case SysregEntry::Engine: return le_bytes(core.reg(e.uc_reg), 8);
    case SysregEntry::Sys: return le_bytes(core.read_sysreg(e.sys), 8);
    case SysregEntry::CurrentEl: return le_bytes(uint64_t(core.el()) << 2, 8);
  }
  return std::nullopt;
}

bool write_register(Core& core, int n, std::string_view bytes) {
  if (n >= 0 && n <= 30 && bytes.size() == 8) return core.set_reg(uc_general_register(n), from_le(bytes)), true;
  if (n >= kV0 && n < kV0 + 32 && bytes.size() == 16) {
    core.write_vreg(n - kV0, reinterpret_cast<const uint8_t*>(bytes.data()));
    return true;
  }
  return false;
}

const std::string& target_xml() {
  static const std::string xml = [] {
    std::string s =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
        "<architecture>aarch64</architecture>\n<feature name=\"org.gnu.gdb.aarch64.core\">\n";
    for (int i = 0; i <= 30; ++i) s += fmt::format("<reg name=\"x{}\" bitsize=\"64\" regnum=\"{}\"/>\n", i, i);
    s += "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"31\"/>\n"
         "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n"
         "<reg name=\"cpsr\" bitsize=\"32\" regnum=\"33\"/>\n</feature>\n"
         "<feature name=\"org.gnu.gdb.aarch64.fpu\">\n"
         "<vector id=\"v2d\" type=\"uint64\" count=\"2\"/>\n<vector id=\"v4s\" type=\"uint32\" count=\"4\"/>\n"
         "<vector id=\"v8h\" type=\"uint16\" count=\"8\"/>\n<vector id=\"v16b\" type=\"uint8\" count=\"16\"/>\n"
         "<vector id=\"v2f\" type=\"ieee_double\" count=\"2\"/>\n"
         "<union id=\"vreg\"><field name=\"d\" type=\"v2d\"/><field name=\"df\" type=\"v2f\"/><field name=\"s\" type=\"v4s\"/>"
         "<field name=\"h\" type=\"v8h\"/><field name=\"b\" type=\"v16b\"/><field name=\"q\" type=\"uint128\"/></union>\n";
    for (int i = 0; i < 32; ++i) s += fmt::format("<reg name=\"v{}\" bitsize=\"128\" type=\"vreg\" regnum=\"{}\"/>\n", i, kV0 + i);
    s += fmt::format("<reg name=\"fpsr\" bitsize=\"32\" regnum=\"{}\"/>\n<reg name=\"fpcr\" bitsize=\"32\" regnum=\"{}\"/>\n</feature>\n",
                     kFpsr, kFpcr);
    s += "<feature name=\"org.chemu.aarch64.system\">\n";
    int n = kSys0;
    for (const SysregEntry& e : system_registers())
      s += fmt::format("<reg name=\"{}\" bitsize=\"64\" regnum=\"{}\" group=\"system\"/>\n", e.name, n++);
    s += "</feature>\n</target>\n";
    return s;
  }();
  return xml;
}

}  // namespace chemu::gdb

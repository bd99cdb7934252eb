// Architectural rules for taking an exception to EL1 (ARMv8-A, AArch64 only).
// Pure functions of PSTATE, so they are unit-tested without an engine.
#pragma once
#include <cstdint>
#include <string_view>

namespace chemu {

enum class ExceptionKind : uint64_t { Sync = 0x000, Irq = 0x080, Fiq = 0x100, SError = 0x180 };

// PSTATE fields as Unicorn's UC_ARM64_REG_PSTATE reports them.
namespace pstate {
constexpr uint32_t kSpSel = 1u << 0;        // M[0]: 1 = SP_ELx, 0 = SP_EL0
constexpr uint32_t kElShift = 2;            // M[3:2]: exception level
constexpr uint32_t kF = 1u << 6, kI = 1u << 7, kA = 1u << 8, kD = 1u << 9;
constexpr uint32_t kDaif = kD | kA | kI | kF;
constexpr uint32_t kEl1h = (1u << kElShift) | kSpSel;
inline constexpr int el(uint32_t ps) { return int((ps >> kElShift) & 3); }
inline constexpr bool irq_masked(uint32_t ps) { return (ps & kI) != 0; }
}  // namespace pstate

struct EntryPlan {
  uint64_t vector_offset;  // added to VBAR_EL1
  uint32_t new_pstate;     // EL1h with D, A, I, F masked
  bool bank_sp;            // the interrupted context used SP_EL0: save it, switch to SP_EL1
  bool from_lower_el;      // EL0 -> EL1: the engine's cached EL state must be refreshed
};

// Vector offsets (ARM ARM D1.10.2): +0x000 current EL with SP_EL0, +0x200 current EL with SP_ELx,
// +0x400 lower EL using AArch64; then +0x80 per kind (sync, IRQ, FIQ, SError).
inline constexpr EntryPlan plan_el1_entry(uint32_t ps, ExceptionKind kind) {
  const int el = pstate::el(ps);
  const bool on_sp_el0 = el == 0 || (ps & pstate::kSpSel) == 0;
  const uint64_t base = el == 0 ? 0x400 : (on_sp_el0 ? 0x000 : 0x200);
  return EntryPlan{base + uint64_t(kind), pstate::kEl1h | pstate::kDaif, on_sp_el0, el == 0};
}

// ESR_EL1.EC values chemu names in traces and reports.
std::string_view exception_class_name(uint32_t ec);
inline constexpr uint32_t esr_class(uint64_t esr) { return uint32_t(esr >> 26) & 0x3f; }

}  // namespace chemu

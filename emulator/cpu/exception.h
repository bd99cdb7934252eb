// Architectural rules for taking an exception to EL1, EL2 or EL3 (ARMv8-A, AArch64 only).
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
  int target_el;
  uint64_t vector_offset;  // added to VBAR_ELx of the target EL
  uint32_t new_pstate;     // ELxh with D, A, I, F masked
  int sp_from, sp_to;      // SP banks (0 = SP_EL0): the live SP is saved to sp_from, sp_to made live
};

// The SP bank the interrupted context runs on: SP_EL0 at EL0 or with SPSel = 0, else SP_ELx.
inline constexpr int sp_bank(uint32_t ps) { return (ps & pstate::kSpSel) ? pstate::el(ps) : 0; }

// Vector offsets (ARM ARM D1.10.2): +0x000 current EL with SP_EL0, +0x200 current EL with SP_ELx,
// +0x400 lower EL using AArch64; then +0x80 per kind (sync, IRQ, FIQ, SError).
inline constexpr EntryPlan plan_entry(uint32_t ps, int target_el, ExceptionKind kind) {
  const int el = pstate::el(ps);
  const uint64_t base = el < target_el ? 0x400 : (sp_bank(ps) == 0 ? 0x000 : 0x200);
  const uint32_t new_ps = (uint32_t(target_el) << pstate::kElShift) | pstate::kSpSel | pstate::kDaif;
  return EntryPlan{target_el, base + uint64_t(kind), new_ps, sp_bank(ps), target_el};
}

// System-register bits that route exceptions (ARM ARM D1.13): SCR_EL3 and HCR_EL2.
namespace route {
constexpr uint64_t SCR_NS = 1u << 0, SCR_IRQ = 1u << 1, SCR_FIQ = 1u << 2, SCR_HCE = 1u << 8, SCR_RW = 1u << 10;
constexpr uint64_t HCR_FMO = 1u << 3, HCR_IMO = 1u << 4, HCR_TGE = 1ull << 27, HCR_RW = 1ull << 31;
}  // namespace route

// Where a physical IRQ (or FIQ) goes: EL3 if SCR_EL3 routes it there; EL2 in Non-secure state if
// HCR_EL2 routes it there (IMO/FMO, or TGE); else EL1.
inline constexpr int interrupt_target_el(uint64_t scr, uint64_t hcr, bool fiq) {
  if (scr & (fiq ? route::SCR_FIQ : route::SCR_IRQ)) return 3;
  if ((scr & route::SCR_NS) && (hcr & ((fiq ? route::HCR_FMO : route::HCR_IMO) | route::HCR_TGE))) return 2;
  return 1;
}

// Whether an interrupt for `target_el` is taken now: never at a higher EL than its target, masked by
// PSTATE.I (F) at its own EL, and always taken from a lower EL when it targets EL2 or EL3.
inline constexpr bool interrupt_taken(uint32_t ps, int target_el, bool fiq) {
  const int el = pstate::el(ps);
  if (el > target_el) return false;
  const bool masked = (ps & (fiq ? pstate::kF : pstate::kI)) != 0;
  if (el == target_el || target_el == 1) return !masked;
  return true;
}

// ESR_ELx.EC values chemu names in traces and reports.
std::string_view exception_class_name(uint32_t ec);
inline constexpr uint32_t esr_class(uint64_t esr) { return uint32_t(esr >> 26) & 0x3f; }

}  // namespace chemu

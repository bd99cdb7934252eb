// Everything specific to Unicorn 2.0.1 lives here, behind one small interface:
//  - creating a Cortex-A53 engine whose EL1&0 regime is AArch64 (2.0.1 defaults it to AArch32),
//  - reading/writing system registers through UC_ARM64_REG_CP_REG,
//  - taking an exception to EL1 (Unicorn reports exceptions but never delivers them), which needs the
//    syndrome and fault address from a uc_context blob and a refresh of the engine's cached EL state.
// The blob offsets are build-specific: context_layout() finds and checks them once by running a tiny
// probe program (the start-up self-check), and throws UnicornMismatch with a clear message if the
// installed Unicorn behaves differently than this code expects.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <unicorn/unicorn.h>

#include "cpu/exception.h"
#include "cpu/sysreg.h"

namespace chemu::ucx {

struct UnicornMismatch : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws UnicornMismatch naming the failed call.
void check(uc_err err, const char* what);

// Offsets inside a uc_context blob of what Unicorn records about an exception (no API reads them).
struct ContextLayout {
  size_t blob_size = 0;
  size_t pc = 0;        // env->pc (used to validate the layout)
  size_t syndrome = 0;  // env->exception.syndrome (becomes ESR_EL1)
  size_t vaddress = 0;  // env->exception.vaddress (becomes FAR_EL1)
};
const ContextLayout& context_layout();  // runs the self-check on first use

// A fresh Cortex-A53 engine at EL1h with the AArch64 EL1&0 regime. Caller owns it (uc_close).
uc_engine* open_cortex_a53();

uint64_t read_sysreg(uc_engine* uc, Sysreg r);
void write_sysreg(uc_engine* uc, Sysreg r, uint64_t value);
uint64_t read_reg(uc_engine* uc, int reg);
void write_reg(uc_engine* uc, int reg, uint64_t value);
uint32_t read_pstate(uc_engine* uc);

// What Unicorn recorded about the exception it just reported (valid inside UC_HOOK_INTR).
struct FaultInfo {
  uint32_t syndrome;
  uint64_t vaddress;
};
FaultInfo last_fault(uc_engine* uc, uc_context* scratch);

// Take an exception to EL1 the way the hardware would: SPSR/ELR/ESR/FAR, SP banking, PSTATE, vector.
// Writing PC makes Unicorn stop the current uc_emu_start after the hook returns.
struct EntryRequest {
  ExceptionKind kind;
  uint64_t return_pc;
  bool set_esr;
  uint64_t esr;
  bool set_far;
  uint64_t far;
};
void enter_el1(uc_engine* uc, const EntryRequest& req);

// Make another engine see maintenance done elsewhere: drop its TLB (translations), or its translated
// code for a range of *physical* addresses. (A whole TB flush would cost ~100 ms in 2.0.1 and touch
// all of the engine's 1 GiB code buffer, so code is always invalidated by range.)
void flush_tlb(uc_engine* uc);
void invalidate_code(uc_engine* uc, uint64_t pa, uint64_t len);

}  // namespace chemu::ucx

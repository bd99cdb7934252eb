// Everything specific to Unicorn 2.1 lives here, behind one small interface:
//  - creating a Cortex-A53 engine whose EL1&0 regime is AArch64 (Unicorn resets SCR_EL3/HCR_EL2 so that it is AArch32),
//  - reading/writing system registers through UC_ARM64_REG_CP_REG,
//  - taking an exception to EL1-EL3 (Unicorn reports exceptions but never delivers them), which needs the
//    syndrome, fault address and target EL from a uc_context blob and a rebuild of the cached EL state.
// The blob offsets are build-specific: context_layout() finds and checks them once by running a tiny
// probe program (the start-up self-check), and throws UnicornMismatch with a clear message if the
// installed Unicorn behaves differently than this code expects.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
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
  size_t pc = 0;         // env->pc (used to validate the layout)
  size_t syndrome = 0;   // env->exception.syndrome (becomes ESR_ELx)
  size_t vaddress = 0;   // env->exception.vaddress (becomes FAR_ELx)
  size_t target_el = 0;  // env->exception.target_el (where the architecture routes it)
  size_t exclusive_addr = 0;  // env->exclusive_addr: the VA a load-exclusive reserved, ~0 for none
};
const ContextLayout& context_layout();  // runs the self-check on first use

// A fresh Cortex-A53 engine at EL1h with the AArch64 EL1&0 regime. Caller owns it (uc_close).
// translation_buffer: bytes of the engine's translated-code buffer (0: Unicorn's default, 1 GiB).
uc_engine* open_cortex_a53(uint32_t translation_buffer = 0);
// The size of the engine's translated-code buffer.
uint32_t translation_buffer_size(uc_engine* uc);
// Put the engine at ELxh (x = 1, 2, 3) with DAIF masked, as a reset or a boot loader leaves it.
void set_exception_level(uc_engine* uc, int el);

uint64_t read_sysreg(uc_engine* uc, Sysreg r);
void write_sysreg(uc_engine* uc, Sysreg r, uint64_t value);
uint64_t read_reg(uc_engine* uc, int reg);
void write_reg(uc_engine* uc, int reg, uint64_t value);
uint32_t read_pstate(uc_engine* uc);

// What Unicorn recorded about the exception it just reported (valid inside UC_HOOK_INTR).
struct FaultInfo {
  uint32_t syndrome;
  uint64_t vaddress;
  int target_el;
};
FaultInfo last_fault(uc_engine* uc, uc_context* scratch);

// The virtual address the engine's exclusive monitor holds a reservation for (set by a load-exclusive,
// dropped by a store-exclusive or CLREX), if any. Costs a context save (about 1 us).
std::optional<uint64_t> exclusive_address(uc_engine* uc, uc_context* scratch);

// Take an exception to EL1, EL2 or EL3 the way the hardware would: SPSR/ELR/ESR/FAR of the target EL,
// SP banking, PSTATE, vector. Writing PC makes Unicorn stop the current uc_emu_start after the hook.
struct EntryRequest {
  ExceptionKind kind;
  int target_el;
  uint64_t return_pc;
  bool set_esr;
  uint64_t esr;
  bool set_far;
  uint64_t far;
};
void enter_exception(uc_engine* uc, const EntryRequest& req);

// Make another engine see maintenance done elsewhere: drop its TLB (translations), or its translated
// code for a range of *physical* addresses (by range: a whole TB flush touches all of the engine's
// code buffer).
void flush_tlb(uc_engine* uc);
void invalidate_code(uc_engine* uc, uint64_t pa, uint64_t len);
// The same for many pages of `page_size` bytes at once (sorted physical addresses; adjacent ones merge).
void invalidate_code_pages(uc_engine* uc, const std::vector<uint64_t>& pages, uint64_t page_size);

}  // namespace chemu::ucx

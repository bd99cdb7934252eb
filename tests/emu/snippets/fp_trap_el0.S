// An FP/SIMD trap from EL0 in the middle of a block, with SCTLR_EL1.nTWI = 0 (EL0 WFI traps to EL1, as
// the test guests and ChCore set it). chemu runs the block up to the FP instruction with Unicorn's
// `until`, which Unicorn implements as a WFI there: that WFI must not reach the guest as a WFI trap
// (EC 0x01, ELR on the instruction before). A real WFI at EL0 still traps, with ELR on the WFI.
// Exits 0 if all holds, 1 otherwise. Runs at EL1 (chemu --entry-el 1).
.include "semihost.inc"
.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  ldr x0, =0x30d00800         // SCTLR_EL1 RES1 bits only: nTWI = nTWE = 0, MMU off
  msr sctlr_el1, x0
  mov x0, #(1 << 20)          // CPACR_EL1.FPEN = 0b01: FP traps at EL0 only
  msr cpacr_el1, x0
  mov x9, #0                  // FP traps taken
  mov x10, #0                 // WFI traps taken
  adr x0, el0_code
  msr elr_el1, x0
  msr spsr_el1, xzr           // EL0t
  isb
  eret

el0_code:
  mov x0, #0
  add x0, x0, #1
  add x0, x0, #1
el0_fp_site:
  fmov d0, x0                 // fourth instruction of its block: traps, then runs after the retry
  fmov x2, d0
  cmp x2, #2
  b.ne el0_bad
el0_wfi_site:
  wfi                         // traps (nTWI = 0); the handler skips it
  svc #0                      // done: the handler checks the counts
el0_bad:
  svc #1

handler:                      // lower EL using AArch64, synchronous
  mrs x3, esr_el1
  lsr x4, x3, #26
  mrs x5, elr_el1
  cmp x4, #0x07
  b.eq fp_trap
  cmp x4, #0x01
  b.eq wfi_trap
  cmp x4, #0x15
  b.ne bad
  and x3, x3, #0xffff         // SVC: #0 = done, anything else = the EL0 code saw a failure
  cbnz x3, bad
  cmp x9, #1
  b.ne bad
  cmp x10, #1
  b.ne bad
  exit_ok
fp_trap:
  adr x6, el0_fp_site
  cmp x5, x6
  b.ne bad
  add x9, x9, #1
  mov x4, #(3 << 20)
  msr cpacr_el1, x4
  eret                        // retry the FP instruction
wfi_trap:
  adr x6, el0_wfi_site
  cmp x5, x6
  b.ne bad
  add x10, x10, #1
  add x5, x5, #4
  msr elr_el1, x5
  eret
bad:
  exit_fail
.balign 2048
vectors:
  .skip 0x400
  b handler                   // lower EL using AArch64, synchronous
  .skip 0x200 - 4
  .ltorg
  semihost_exit_code

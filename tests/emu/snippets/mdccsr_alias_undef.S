// MRS of S2_0_C0_C1_0 at EL1: no Cortex-A53 register is there (MDCCSR_EL0 is S2_3_C0_C1_0), and QEMU
// 7.2 raises UNDEFINED; Unicorn (QEMU 5.0) answered it, a mirror of MDSCR_EL1. chemu raises UNDEFINED
// itself, with ELR_EL1 = the MRS: once in the middle of a block (the instructions before it run) and
// once as a block's first instruction, and an FP/SIMD instruction after it still runs. Exits 0 if all
// holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"

.macro expect_undef site
  cmp x22, #1                 // exactly one exception, UNDEFINED, at the site
  b.ne bad
  lsr x4, x20, #26
  cbnz x4, bad
  adr x5, \site
  cmp x21, x5
  b.ne bad
  mov x22, #0
.endm

.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x0, #(3 << 20)          // CPACR_EL1.FPEN = 3
  msr cpacr_el1, x0
  isb
  mov x22, #0
  mov x1, #7
  mov x2, #0
  add x2, x2, #1              // runs before the UNDEFINED MRS
site1:
  mrs x1, s2_0_c0_c1_0
  fmov d0, x2
  expect_undef site1
  cmp x1, #7                  // not written
  b.ne bad
  cmp x2, #1
  b.ne bad
  fmov x3, d0
  cmp x3, #1
  b.ne bad
  b 1f
1:
site2:
  mrs x1, s2_0_c0_c1_0
  expect_undef site2
  exit_ok

handler:                      // current EL with SP_ELx, synchronous: note it and skip the instruction
  mrs x20, esr_el1
  mrs x21, elr_el1
  add x22, x22, #1
  add x5, x21, #4
  msr elr_el1, x5
  eret
bad:
  exit_fail
.balign 2048
vectors:
  .skip 0x200
  b handler
  .skip 0x200 - 4
  b bad
  .ltorg
  semihost_exit_code

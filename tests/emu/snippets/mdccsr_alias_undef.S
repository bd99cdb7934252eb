// MRS of S2_0_C0_C1_0 at EL1: no Cortex-A53 register is there (MDCCSR_EL0 is S2_3_C0_C1_0), and QEMU
// 7.2 raises UNDEFINED; Unicorn (QEMU 5.0) answered it, a mirror of MDSCR_EL1. chemu raises UNDEFINED
// itself, with ELR_EL1 = the MRS: once in the middle of a block (the instructions before it run) and
// once as a block's first instruction, and an FP/SIMD instruction after it still runs. Exits 0 if all
// holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"
.include "sync_skip.inc"

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
  expect_undef_at site1
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
  expect_undef_at site2
  exit_ok

sync_skip_handler_and_vectors
  .ltorg
  semihost_exit_code

// MRS and MSR at EL1 of debug-space (op0 = 2) encodings no Cortex-A53 register has: the encoding
// s2_0_c0_c0_0, breakpoint 6 and watchpoint 4 (the A53 has 6 and 4). Each must raise UNDEFINED
// (ESR EC 0x00) at the instruction. chemu kept the whole debug space itself and answered these, which
// left Unicorn re-running the block forever: the run hung. The breakpoint 5 and watchpoint 3
// controls, which chemu keeps, still read back. Exits 0 if all holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"
.include "sync_skip.inc"

.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x22, #0
  mov x0, #0x1e7
site1:
  msr s2_0_c0_c0_0, x0
  expect_undef_at site1
site2:
  mrs x1, s2_0_c0_c0_0
  expect_undef_at site2
site3:
  msr dbgbcr6_el1, x0
  expect_undef_at site3
site4:
  mrs x1, dbgwcr4_el1
  expect_undef_at site4
  msr dbgbcr5_el1, x0
  mov x1, #0x1ff7
  msr dbgwcr3_el1, x1
  isb
  mrs x2, dbgbcr5_el1
  cmp x2, x0
  b.ne bad
  mrs x2, dbgwcr3_el1
  cmp x2, x1
  b.ne bad
  cbnz x22, bad
  exit_ok

sync_skip_handler_and_vectors
  .ltorg
  semihost_exit_code

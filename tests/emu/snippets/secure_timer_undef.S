// The secure physical timer (CNTPS_TVAL/CTL/CVAL_EL1) from Non-secure EL1: MRS and MSR must be
// UNDEFINED (ESR EC 0x00, as on QEMU 7.2 and in the ARM ARM). Unicorn raised a trapped-access
// exception instead (EC 0x18, with the register in the ISS). Exits 0 if all three accesses take
// UNDEFINED at the instruction, 1 otherwise. Runs at EL1 (chemu --entry-el 1: Non-secure).
.include "semihost.inc"

.macro expect_undef site
  cmp x22, #1
  b.ne bad
  cbnz x20, bad               // the whole ESR: EC 0x00, IL set, ISS 0
  adr x5, \site
  cmp x21, x5
  b.ne bad
  mov x22, #0
.endm

.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x22, #0
site1:
  mrs x1, cntps_ctl_el1
  expect_undef site1
site2:
  msr cntps_cval_el1, x1
  expect_undef site2
site3:
  mrs x1, cntps_tval_el1
  expect_undef site3
  exit_ok

handler:                      // current EL with SP_ELx, synchronous: note it and skip the instruction
  mrs x20, esr_el1
  and x20, x20, #~(1 << 25)   // IL is expected: keep the rest
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

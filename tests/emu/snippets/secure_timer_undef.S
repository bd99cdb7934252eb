// The secure physical timer (CNTPS_TVAL/CTL/CVAL_EL1) from Non-secure EL1: MRS and MSR must be
// UNDEFINED (ESR EC 0x00, as on QEMU 7.2 and in the ARM ARM). Unicorn raised a trapped-access
// exception instead (EC 0x18, with the register in the ISS). Exits 0 if all three accesses take
// UNDEFINED at the instruction, 1 otherwise. Runs at EL1 (chemu --entry-el 1: Non-secure).
.include "semihost.inc"
.include "sync_skip.inc"

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

sync_skip_handler_and_vectors mask_il=1
  .ltorg
  semihost_exit_code

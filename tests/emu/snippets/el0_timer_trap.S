// EL0 reads CNTPCT with CNTKCTL_EL1 = 0 (EL0PCTEN clear): the read must trap to EL1 as a
// trapped MRS (ESR EC 0x18) with ELR_EL1 = the MRS. Exits 0 if so, 1 otherwise. Runs at EL1 (chemu).
.include "semihost.inc"
.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  msr cntkctl_el1, xzr
  adr x0, user
  msr elr_el1, x0
  msr spsr_el1, xzr
  adr x0, stack_top
  msr sp_el0, x0
  eret
user:
  nop
mrs_site:
  mrs x1, cntpct_el0
  b .
handler:
  mrs x2, elr_el1
  mrs x3, esr_el1
  adr x4, mrs_site
  cmp x2, x4
  b.ne bad
  lsr x5, x3, #26
  cmp x5, #0x18
  b.ne bad
  exit_ok
bad:
  exit_fail
.balign 2048
vectors:
  .skip 0x400
  b handler
  semihost_exit_code
.balign 16
  .skip 256
stack_top:

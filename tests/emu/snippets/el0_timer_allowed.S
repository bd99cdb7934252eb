// With CNTKCTL_EL1.EL0PCTEN set, EL0 reads CNTPCT without a trap, then makes an SVC: the first
// exception EL1 sees must be that SVC (ESR EC 0x15). Exits 0 if so, 1 otherwise. Runs at EL1 (chemu).
.include "semihost.inc"
.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x0, #1                 // EL0PCTEN
  msr cntkctl_el1, x0
  adr x0, user
  msr elr_el1, x0
  msr spsr_el1, xzr
  eret
user:
  mrs x1, cntpct_el0
  svc #0
  b .
handler:
  mrs x3, esr_el1
  lsr x5, x3, #26
  cmp x5, #0x15
  b.ne bad
  exit_ok
bad:
  exit_fail
.balign 2048
vectors:
  .skip 0x400
  b handler
  semihost_exit_code

// A hardware breakpoint set up at EL1: DBGBVR0_EL1 = an address, then DBGBCR0_EL1 enables it. Unicorn
// crashes the host process on this (SIGSEGV in its generated code); chemu must keep the debug
// registers itself and run on. Also writes MDSCR_EL1, a watchpoint pair and OSLAR_EL1 and reads them
// back. Exits 0 if every value reads back, 1 otherwise. Runs at EL1 (chemu --entry-el 1).
.include "semihost.inc"
.global _start
_start:
  adr x0, target
  msr dbgbvr0_el1, x0
  mov x1, #0x1e7              // E = 1, PMC = 0b11, BAS = 0xf
  msr dbgbcr0_el1, x1
  isb
  adr x2, scratch
  msr dbgwvr0_el1, x2
  mov x3, #0x1ff7             // E = 1, PAC = 0b11, LSC = 0b11 (load and store), BAS = 0xff
  msr dbgwcr0_el1, x3
  mov x4, #(1 << 15)          // MDSCR_EL1.MDE: breakpoints and watchpoints enabled
  msr mdscr_el1, x4
  msr oslar_el1, xzr
  isb
target:
  str x0, [x2]
  mrs x5, dbgbvr0_el1
  cmp x5, x0
  b.ne bad
  mrs x5, dbgbcr0_el1
  cmp x5, x1
  b.ne bad
  mrs x5, dbgwcr0_el1
  cmp x5, x3
  b.ne bad
  mrs x5, mdscr_el1
  cmp x5, x4
  b.ne bad
  exit_ok
bad:
  exit_fail
  semihost_exit_code
.balign 8
scratch: .quad 0

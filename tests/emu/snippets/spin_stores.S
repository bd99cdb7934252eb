// Core 1 spins in a loop whose registers are the same at every iteration's start but which
// increments a counter in memory (at 0x100000): not a fixed point. Core 0 counts down, then stops
// it with a flag and exits 0. The counter tells how many iterations really ran.
.include "semihost.inc"
.global _start
_start:
  mrs x19, mpidr_el1
  and x19, x19, #0xff
  adr x20, flag
  ldr x21, =0x100000
  cbz x19, core0
  cmp x19, #1
  b.ne park
1: ldr w1, [x21]
  add w1, w1, #1
  str w1, [x21]
  mov w1, #0
  ldar w2, [x20]
  cbz w2, 1b
park:
  wfi
  b park
core0:
  ldr x0, =200000
2: subs x0, x0, #1
  b.ne 2b
  mov w1, #1
  stlr w1, [x20]
  exit_ok
  semihost_exit_code
.balign 8
flag: .quad 0

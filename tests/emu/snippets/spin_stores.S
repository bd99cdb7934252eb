// Core 1 spins in a loop whose registers are the same at every iteration's start but which
// increments a counter in memory (at 0x100000): not a fixed point. Core 0 counts down, then stops
// it with a flag and exits 0. The counter tells how many iterations really ran.
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  ldr x21, =0x100000
  core1_goes_on core0, park
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

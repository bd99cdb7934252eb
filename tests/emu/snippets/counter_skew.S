// Two cores with different instruction costs (core 0: loads, core 1: mostly ALU) run until core 0
// raises a flag; both then read CNTPCT. Real cores share one system counter, so the two readings
// must be close: exit 0 if they differ by less than 1 ms of counts (62,500), else 1.
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  add x21, x20, #8               // core 1's reading
  cmp x19, #1
  b.eq core1
  cbnz x19, sleep
core0:
  ldr x0, =200000
  adr x1, data
1: ldr x2, [x1]
  ldr x2, [x1]
  ldr x2, [x1]
  ldr x2, [x1]
  subs x0, x0, #1
  b.ne 1b
  mov w3, #1
  stlr w3, [x20]
  mrs x4, cntpct_el0
2: ldar x5, [x21]
  cbz x5, 2b
  subs x6, x4, x5
  cneg x6, x6, mi
  ldr x7, =62500
  cmp x6, x7
  b.hs fail
  exit_ok
fail:
  exit_fail
core1:
3: add x9, x9, #1
  add x9, x9, #1
  add x9, x9, #1
  add x9, x9, #1
  add x9, x9, #1
  add x9, x9, #1
  ldar w3, [x20]
  cbz w3, 3b
  mrs x4, cntpct_el0
  orr x4, x4, #1                 // never zero
  stlr x4, [x21]
sleep:
  wfi
  b sleep
  semihost_exit_code
.balign 8
flag: .quad 0, 0
data: .quad 0

// Core 0 waits until the generic timer's count has advanced by 3000. An iteration costs fewer
// cycles than one count (19.2 cycles), so two iterations in a row can read the same count and
// leave the same registers: a loop that reads the counter must never be taken for a fixed point.
// Exits 0. The other cores sleep.
.include "semihost.inc"
.global _start
_start:
  mrs x0, mpidr_el1
  and x0, x0, #0xff
  cbnz x0, sleep
  mrs x2, cntpct_el0
  add x2, x2, #3000
1: mrs x1, cntpct_el0
  cmp x1, x2
  b.lo 1b
  exit_ok
sleep:
  wfi
  b sleep
  semihost_exit_code

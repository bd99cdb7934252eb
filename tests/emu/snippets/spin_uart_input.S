// Core 0 reads the UART data register until it reads 'q'. With input "aaa...aq" every read returns
// 'a' and leaves the same registers, yet each consumes a byte: a loop over a device register is
// never at a fixed point. Exits 0 after the 'q'. The other cores sleep.
.include "semihost.inc"
.global _start
_start:
  mrs x0, mpidr_el1
  and x0, x0, #0xff
  cbnz x0, sleep
  ldr x1, =0x3f201000
1: ldr w2, [x1]                  // DR: pops one received byte
  cmp w2, #'q'
  b.ne 1b
  exit_ok
sleep:
  wfi
  b sleep
  semihost_exit_code

// Code written by the guest itself, made visible the architected way (DC CVAU, DSB, IC IVAU per
// line, DSB, ISB), must run as written on the same core: two routines in one page run, are both
// rewritten and run again. chemu left invalidation on the issuing core to Unicorn, which sees only
// the first store to a page holding translated code: the second routine ran its old code. Exits 0 if
// both return the new value, 1 otherwise. Runs at EL1.
.include "semihost.inc"
.global _start
_start:
  adr x19, buffer
  ldr w1, =0xd2800020         // mov x0, #1
  ldr w2, =0xd65f03c0         // ret
  str w1, [x19]
  str w2, [x19, #4]
  str w1, [x19, #0x100]
  str w2, [x19, #0x104]
  bl sync
  blr x19                     // both translated, both give 1
  add x1, x19, #0x100
  blr x1
  ldr w1, =0xd2800040         // mov x0, #2
  str w1, [x19]
  str w1, [x19, #0x100]
  bl sync
  blr x19
  cmp x0, #2
  b.ne bad
  add x1, x19, #0x100
  blr x1
  cmp x0, #2
  b.ne bad
  exit_ok
bad:
  exit_fail

sync:                         // the buffer's first 0x200 bytes, 64-byte lines
  mov x3, x19
  add x4, x19, #0x200
1:dc cvau, x3
  add x3, x3, #64
  cmp x3, x4
  b.lo 1b
  dsb ish
  mov x3, x19
2:ic ivau, x3
  add x3, x3, #64
  cmp x3, x4
  b.lo 2b
  dsb ish
  isb
  ret
  .ltorg
  semihost_exit_code
.balign 4096
buffer:
  .skip 4096

// Cores 1-3 wait for core 0 in loops that spin at a fixed point: a one-block LDAR loop (core 1), a
// ticket-lock style wait with a DMB comparing against its ticket (core 2), and a loop that calls a
// relax function, so two backward branches per iteration (core 3). Core 0 counts down for many
// slices (not a fixed point: its registers change), releases them, then waits at a fixed point for
// their acknowledgements. Exit 0 once all three acknowledged.
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  adr x21, acks
  cbz x19, core0
  cmp x19, #2
  b.eq core2
  b.hi core3
core1:
1: ldar w1, [x20]
  cbz w1, 1b
  b ack
core2:
  mov w2, #1                     // the ticket it waits for
2: ldr w1, [x20]
  dmb ish
  cmp w1, w2
  b.ne 2b
  b ack
core3:
3: bl relax
  ldar w1, [x20]
  cbz w1, 3b
ack:
  mov w3, #1
  add x4, x21, x19, lsl #2
  stlr w3, [x4]
park:
  wfi
  b park
relax:
  yield
  ret
core0:
  ldr x0, =300000
4: subs x0, x0, #1
  b.ne 4b
  mov w1, #1
  stlr w1, [x20]
5: ldr w5, [x21, #4]             // the acknowledgements: a fixed point until one arrives
  ldr w6, [x21, #8]
  ldr w7, [x21, #12]
  and w5, w5, w6
  and w5, w5, w7
  cbz w5, 5b
  exit_ok
  semihost_exit_code
.balign 8
flag: .quad 0
acks: .quad 0, 0

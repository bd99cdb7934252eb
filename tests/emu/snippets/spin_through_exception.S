// Core 0 loops through an exception: an undefined instruction (an unallocated data-processing
// encoding, which the decoder counts as register-only) traps to a vector that branches straight
// back, without a store or an ERET. Its registers repeat at the loop head, but every iteration is an
// exception (a trace event, and one more towards the exception storm that ends the run with exit 3).
// The other cores sleep.
.include "semihost.inc"
.global _start
_start:
  mrs x0, mpidr_el1
  and x0, x0, #0xff
  cbnz x0, sleep
  adr x1, vectors
  msr vbar_el1, x1
  isb
loop:
  add x2, x2, #0                 // keeps the block more than the trapping word
  .word 0x1ac00400               // unallocated (data processing, 2 source, opcode 000001): UNDEF
  b loop
sleep:
  wfi
  b sleep
  semihost_exit_code
.balign 2048
vectors:
  .skip 0x200                    // current EL with SP_EL1, synchronous
  b loop

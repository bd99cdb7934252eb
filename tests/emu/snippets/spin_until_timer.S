// Core 1 arms its EL1 physical timer (routed to its IRQ), unmasks IRQs and spins at a fixed point
// until the interrupt handler sets a flag: its slice must still end exactly at the timer deadline,
// mid-slice. It then acknowledges; core 0 waits for that (also at a fixed point) and exits 0.
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  add x21, x20, #4               // the acknowledgement
  core1_goes_on core0, park
  adr x9, vectors
  msr vbar_el1, x9
  ldr x9, =0x40000044            // core 1 timer interrupt control
  mov w10, #2                    // CNTPNS to IRQ
  str w10, [x9]
  ldr x9, =5000
  msr cntp_tval_el0, x9
  mov x9, #1                     // ENABLE
  msr cntp_ctl_el0, x9
  msr daifclr, #2
1: ldar w1, [x20]
  cbz w1, 1b
  mov w1, #1
  stlr w1, [x21]
park:
  wfi
  b park
core0:
2: ldar w1, [x21]
  cbz w1, 2b
  exit_ok
  semihost_exit_code
.balign 8
flag: .word 0, 0
.balign 2048
vectors:
  .skip 0x280                    // current EL with SP_EL1, IRQ
  msr cntp_ctl_el0, xzr          // timer off: its line drops
  mov w9, #1
  str w9, [x20]
  eret

// A masked interrupt is no WFE wake-up event (WFI wakes on it; WFE does not). Core 1 routes its EL1
// physical timer to its IRQ, arms it to fire soon, keeps IRQs masked and waits in WFE for core 0's
// SEV, sent long after the timer fired. chemu woke it at every turn while the interrupt was pending,
// so it ran a few instructions and slept again many times (the machine test counts its wakes).
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  add x21, x20, #4               // the acknowledgement
  core1_goes_on core0, park
  ldr x9, =0x40000044            // core 1 timer interrupt control
  mov w10, #2                    // CNTPNS to IRQ
  str w10, [x9]
  mov x9, #100
  msr cntp_tval_el0, x9
  mov x9, #1                     // ENABLE (IRQs stay masked: DAIF.I is set at entry)
  msr cntp_ctl_el0, x9
1: wfe
  ldar w1, [x20]
  cbz w1, 1b
  msr cntp_ctl_el0, xzr          // timer off: its line drops, so the WFI below sleeps
  stlr w1, [x21]                 // acknowledge
park:
  wfi
  b park
core0:
  ldr x0, =400000                // 800K instructions: the timer fired long before
2: subs x0, x0, #1
  b.ne 2b
  mov w1, #1
  stlr w1, [x20]
  sev
3: ldar w1, [x21]
  cbz w1, 3b
  exit_ok
  semihost_exit_code
.balign 8
flag: .word 0, 0

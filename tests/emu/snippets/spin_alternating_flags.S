// Core 1 runs a loop whose general registers never change but whose carry flag alternates, taking a
// 3-instruction and a 7-instruction path in turn: the state at its head repeats only every second
// iteration, so it is not a fixed point (skipping it as one would charge the wrong cost). Core 0
// counts down and exits 0; cores 2 and 3 sleep.
.include "semihost.inc"
start_with_core_number
  core1_goes_on core0, sleep
  mov x1, #0
1: b.cs 2f
  cmp x1, x1                     // C = 1
  b 1b
2: cmn x1, #0                    // C = 0
  nop
  nop
  nop
  nop
  nop
  b 1b
sleep:
  wfi
  b sleep
core0:
  ldr x0, =200000
3: subs x0, x0, #1
  b.ne 3b
  exit_ok
  semihost_exit_code

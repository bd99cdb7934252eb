// Core 1 waits for a flag as Linux arm64 waits (smp_cond_load_acquire): SEVL, WFE, a load-exclusive
// of the flag, and WFE again while it is 0. Core 0 sets the flag with a plain release store and no
// SEV: only the clearing of core 1's exclusive monitor can wake it. Core 1 then acknowledges, and
// core 0, which waits for that, exits 0. Without the monitor wake core 1 sleeps forever and core 0
// spins until --max-instructions ends the run.
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  adr x21, ack
  core1_goes_on core0, park
  sevl
  wfe                    // falls through: SEVL set the event register
1: ldaxr w1, [x20]       // arms the exclusive monitor on the flag's granule
  cbnz w1, 2f
  wfe                    // sleeps until a store to the granule clears the monitor
  b 1b
2: mov w1, #1
  stlr w1, [x21]
park:
  wfi
  b park
core0:
  ldr x0, =400000        // 800K instructions, 40 slices: core 1 is asleep by then under every policy
3: subs x0, x0, #1
  b.ne 3b
  mov w1, #1
  stlr w1, [x20]         // no SEV
4: ldar w2, [x21]
  cbz w2, 4b
  exit_ok
  semihost_exit_code
.balign 64
flag: .quad 0
.balign 64
ack: .quad 0

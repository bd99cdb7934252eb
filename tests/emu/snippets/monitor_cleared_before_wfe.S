// The architected rule that a WFE after a load-exclusive falls through when the monitor was cleared
// in between. Core 1 loads its flag exclusively, says so, then counts down for many slices before
// its WFE; meanwhile core 0 sets the flag with a plain release store and no SEV. The WFE must not
// sleep: the store cleared core 1's monitor, which set its event register. Core 1 then
// acknowledges and core 0 exits 0; without the rule core 1 sleeps forever and core 0 spins until
// --max-instructions ends the run.
.include "semihost.inc"
start_with_core_number
  adr x20, flag
  adr x21, ready
  adr x22, ack
  core1_goes_on core0, park
  ldaxr w1, [x20]        // arms the monitor (the flag is still 0)
  mov w2, #1
  stlr w2, [x21]         // another granule: the reservation stays
  ldr x0, =400000        // 800K instructions, 40 slices: core 0 runs in between under every policy
1: subs x0, x0, #1
  b.ne 1b
  wfe                    // the monitor was cleared meanwhile: falls through
  ldar w1, [x20]
  cbz w1, fail
  stlr w2, [x22]
park:
  wfi
  b park
fail:
  exit_fail
core0:
2: ldar w2, [x21]
  cbz w2, 2b
  mov w1, #1
  stlr w1, [x20]         // no SEV
3: ldar w2, [x22]
  cbz w2, 3b
  exit_ok
  semihost_exit_code
.balign 64
flag: .quad 0
.balign 64
ready: .quad 0
.balign 64
ack: .quad 0

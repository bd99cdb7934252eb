// CPACR_EL1.FPEN = 0 must make FP/SIMD instructions trap (ESR EC 0x07) exactly at the instruction:
// in the middle of a block whose translation already exists from a run with FP enabled (the
// instructions before it run once), and as the first instruction of a block entered by a chained
// jump, three times (the engine's PC is stale there: ELR must still name the FP instruction). The
// handler enables FP and returns to retry it. Exits 0 if all holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"
.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x4, #(3 << 20)
  msr cpacr_el1, x4           // FP enabled: the block below is translated and runs untrapped
  isb
  mov x9, #0                  // traps taken
  mov x0, #0
  mov x1, #7
  bl mid_block
  msr cpacr_el1, xzr          // FP traps at EL0 and EL1
  isb
  bl mid_block
  cmp x0, #4                  // each add ran once per call, not again after the retry
  b.ne bad
  mov x10, #3
again:
  msr cpacr_el1, xzr          // trap again
  isb
  b first_site
first_site:
  fmov d1, x1                 // first instruction of its block
  fmov x2, d1
  cmp x2, #7
  b.ne bad
  subs x10, x10, #1
  b.ne again
  cmp x9, #4
  b.ne bad
  exit_ok
bad:
  exit_fail
mid_block:
  add x0, x0, #1
  add x0, x0, #1
mid_site:
  fmov d0, x1                 // third instruction of its block
  ret
handler:
  mrs x3, esr_el1
  lsr x4, x3, #26
  cmp x4, #0x07
  b.ne bad
  mrs x5, elr_el1
  adr x6, mid_site
  adr x7, first_site
  cmp x9, #0
  csel x6, x6, x7, eq         // the first trap is at mid_site, the second at first_site
  cmp x5, x6
  b.ne bad
  add x9, x9, #1
  mov x4, #(3 << 20)
  msr cpacr_el1, x4
  isb
  eret
.balign 2048
vectors:
  .skip 0x200
  b handler                   // current EL with SP_ELx, synchronous
  .skip 0x200 - 4
  semihost_exit_code

// Code rewritten by another core and made visible with IC IALLUIS must run as written: core 1 runs two
// routines in one page (and one in a page nobody touches), core 0 rewrites both routines, cleans them
// (DC CVAU, DSB) and invalidates every core's instruction cache (IC IALLUIS, DSB), then tells core 1,
// which runs all three again. The engines do not share translated code, so core 1 keeps its old
// translations unless chemu drops them; chemu drops only the pages whose bytes changed since they
// were translated (Core::drop_changed_code), so the untouched page must still give its value. Core 1
// exits 0 when the rewritten routines return 2 and the untouched one 7, 1 otherwise. Runs at EL1.
.include "semihost.inc"
start_with_core_number
  adr x20, ready
  adr x21, rewritten
  adr x22, code
  adr x23, other_code
  core1_goes_on core0, park
  blr x22                       // translated by core 1: 1
  add x1, x22, #0x100
  blr x1                        // 1
  blr x23                       // 7
  mov w1, #1
  stlr w1, [x20]
1: ldar w1, [x21]
  cbz w1, 1b
  isb
  blr x22
  cmp x0, #2
  b.ne bad
  add x1, x22, #0x100
  blr x1
  cmp x0, #2
  b.ne bad
  blr x23
  cmp x0, #7
  b.ne bad
  exit_ok
bad:
  exit_fail
core0:
2: ldar w1, [x20]
  cbz w1, 2b
  ldr w1, =0xd2800040           // mov x0, #2
  str w1, [x22]
  str w1, [x22, #0x100]
  dc cvau, x22
  add x2, x22, #0x100
  dc cvau, x2
  dsb ish
  ic ialluis
  dsb ish
  mov w1, #1
  stlr w1, [x21]
park:
  wfi
  b park
  .ltorg
  semihost_exit_code
.balign 64
ready: .quad 0
.balign 64
rewritten: .quad 0
.balign 4096
code:
  mov x0, #1
  ret
.balign 0x100
  mov x0, #1
  ret
.balign 4096
other_code:
  mov x0, #7
  ret
.balign 4096

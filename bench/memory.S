// Benchmark guest (the memory-heavy twin of compute.S): every core runs the same integer loop (7 of 10 instructions touching memory),
// then core 0 waits for the others and exits through semihosting. Runs at EL1, EL2 or EL3 as started:
// nothing here depends on the exception level. ITERATIONS per core: 10 instructions each.
.equ ITERATIONS, 5000000
.global _start
_start:
  mrs x19, mpidr_el1
  and x19, x19, #0xff
  adr x1, scratch
  add x1, x1, x19, lsl #6           // a cache line of scratch per core
  ldr x0, =ITERATIONS
  mov x2, #0
1: ldr x3, [x1]                     // 10-instruction body, 7 loads and stores
  str x0, [x1, #8]
  ldr x4, [x1, #8]
  add x3, x3, x4
  str x3, [x1]
  ldr x2, [x1, #16]
  str x2, [x1, #24]
  ldr x2, [x1, #24]
  sub x0, x0, #1
  cbnz x0, 1b
.global loop_done
loop_done:                          // raw_unicorn stops here
  adr x5, done
  add x5, x5, x19, lsl #3
  mov x6, #1
  str x6, [x5]
  dsb sy
  cbnz x19, park
  adr x5, done                      // core 0: wait for cores 1-3
2: ldr x6, [x5, #8]
  ldr x7, [x5, #16]
  ldr x8, [x5, #24]
  and x6, x6, x7
  and x6, x6, x8
  cbz x6, 2b
  adr x1, exit_block
  mov w0, #0x18
  hlt #0xf000
park:
  wfi
  b park
.balign 4096                        // data on its own page: stores near code are self-modifying-code checks
exit_block: .quad 0x20026, 0
done: .quad 0, 0, 0, 0
.balign 64
scratch: .skip 256

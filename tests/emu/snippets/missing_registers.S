// Registers of the Cortex-A53 (as QEMU 7.2 models it) that Unicorn lacks, so chemu answers them:
// at EL1, L2CTLR_EL1 reads 4 cores (3 << 24) and ignores writes, CPUECTLR_EL1 reads 0, MDCCSR_EL0
// reads 0 and an MSR to it is UNDEFINED, PMU event counter 4 keeps 32 bits and type 5 the bits QEMU
// keeps (0xfe00ffff), PMCR_EL0.N says 6 counters; the instructions around each run once. At EL0 with
// PMUSERENR_EL0 = 0: counter 4 traps (ESR 0x6238f831: EC 0x18, MRS S3_3_C14_C8_4 into x1, as QEMU
// 7.2 gives it), L2CTLR_EL1 is UNDEFINED, MDCCSR_EL0 reads 0. Unicorn raised UNDEFINED for all of
// them (and a hook answering them without moving PC made the block run forever). Exits 0 if all
// holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"

.macro expect_trap site, esr
  cmp x22, #1                 // exactly one exception, with this ESR, at the site
  b.ne bad
  ldr x4, =\esr
  cmp x20, x4
  b.ne bad
  adr x5, \site
  cmp x21, x5
  b.ne bad
  mov x22, #0
.endm

.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x22, #0
  mov x9, #0
  add x9, x9, #1              // in the same block as the MRS after it: runs once
  mrs x1, s3_1_c11_c0_2       // L2CTLR_EL1
  add x9, x9, #1
  cmp x9, #2
  b.ne bad
  ldr x2, =0x3000000
  cmp x1, x2
  b.ne bad
  mov x3, #-1
  msr s3_1_c11_c0_2, x3       // ignored
  mrs x1, s3_1_c11_c0_2
  cmp x1, x2
  b.ne bad
  msr s3_1_c15_c2_1, x3       // CPUECTLR_EL1: ignored, reads 0
  mrs x1, s3_1_c15_c2_1
  cbnz x1, bad
  mov x1, #5
  mrs x1, s2_3_c0_c1_0        // MDCCSR_EL0
  cbnz x1, bad
site_el1:
  msr s2_3_c0_c1_0, x1        // read-only: UNDEFINED
  expect_trap site_el1, 0x2000000
  ldr x2, =0x123456789
  msr s3_3_c14_c8_4, x2       // PMEVCNTR4_EL0: 32 bits kept
  mrs x1, s3_3_c14_c8_4
  ldr x2, =0x23456789
  cmp x1, x2
  b.ne bad
  msr s3_3_c14_c12_5, x3      // PMEVTYPER5_EL0
  mrs x1, s3_3_c14_c12_5
  ldr x2, =0xfe00ffff
  cmp x1, x2
  b.ne bad
  mrs x1, pmcr_el0
  ubfx x1, x1, #11, #5        // N
  cmp x1, #6
  b.ne bad
  cbnz x22, bad
  msr pmuserenr_el0, xzr
  adr x0, user
  msr elr_el1, x0
  msr spsr_el1, xzr           // EL0t
  isb
  eret

user:
site_el0_counter:
  mrs x1, s3_3_c14_c8_4
site_el0_l2ctlr:
  mrs x1, s3_1_c11_c0_2
  mov x1, #5
  mrs x1, s2_3_c0_c1_0
  svc #0

handler:                      // synchronous, EL1 or EL0: note it and skip the instruction
  mrs x20, esr_el1
  mrs x21, elr_el1
  lsr x4, x20, #26
  cmp x4, #0x15
  b.eq on_svc
  add x22, x22, #1
  add x5, x21, #4
  msr elr_el1, x5
  cmp x4, #0x18               // the EL0 counter trap
  b.eq 1f
  adr x6, site_el0_l2ctlr     // the EL0 UNDEFINED
  cmp x21, x6
  b.eq 2f
  eret                        // the EL1 one: checked after the return
1:expect_trap site_el0_counter, 0x6238f831
  eret
2:expect_trap site_el0_l2ctlr, 0x2000000
  eret
on_svc:
  cbnz x22, bad
  cbnz x1, bad                // MDCCSR_EL0 read 0 at EL0
  exit_ok
bad:
  exit_fail
.balign 2048
vectors:
  .skip 0x200
  b handler                   // current EL with SP_ELx
  .skip 0x200 - 4
  b handler                   // lower EL using AArch64
  .ltorg
  semihost_exit_code

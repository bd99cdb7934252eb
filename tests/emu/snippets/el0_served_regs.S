// EL0 accesses to registers chemu answers itself, where the architecture forbids them: MRS MPIDR_EL1
// must be UNDEFINED (EC 0x00), MRS PMCCNTR_EL0 with PMUSERENR_EL0 = 0 a trapped access (EC 0x18), both
// at the instruction. chemu answered MPIDR_EL1 at EL0 and Unicorn, which refuses it when translating,
// then re-ran the block forever (a hang); it answered PMCCNTR_EL0 with no trap. Once EL1 sets
// PMUSERENR_EL0.EN, the PMCCNTR_EL0 read works. Exits 0 if all holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"
.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  msr pmuserenr_el0, xzr
  mov x22, #0                 // exceptions other than SVC taken from EL0
  adr x0, user
  msr elr_el1, x0
  msr spsr_el1, xzr           // EL0t
  adr x0, stack_top
  msr sp_el0, x0
  isb
  eret

user:
site1:
  mrs x1, mpidr_el1
site2:
  mrs x1, pmccntr_el0
  svc #1                      // EL1 checks the two traps and sets PMUSERENR_EL0.EN
  mrs x1, pmccntr_el0
  svc #2                      // EL1 checks nothing trapped since

handler:                      // lower EL using AArch64, synchronous
  mrs x3, esr_el1
  mrs x5, elr_el1
  lsr x4, x3, #26
  cmp x4, #0x15
  b.eq on_svc
  cmp x22, #0                 // first trap: UNDEFINED at site1; second: EC 0x18 at site2
  adr x6, site1
  adr x7, site2
  csel x6, x6, x7, eq
  mov x7, #0x18
  csel x7, xzr, x7, eq
  cmp x5, x6
  b.ne bad
  cmp x4, x7
  b.ne bad
  add x22, x22, #1
  add x5, x5, #4
  msr elr_el1, x5
  eret
on_svc:
  and x3, x3, #0xffff
  cmp x3, #1
  b.ne 1f
  cmp x22, #2
  b.ne bad
  mov x0, #1                  // PMUSERENR_EL0.EN
  msr pmuserenr_el0, x0
  isb
  eret
1:cmp x3, #2
  b.ne bad
  cmp x22, #2
  b.ne bad
  exit_ok
bad:
  exit_fail
.balign 2048
vectors:
  .skip 0x200
  b bad                       // current EL: never
  .skip 0x200 - 4
  b handler
  .ltorg
  semihost_exit_code
.balign 16
  .skip 256
stack_top:

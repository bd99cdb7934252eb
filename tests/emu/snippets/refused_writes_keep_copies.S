// Writes the architecture refuses must not change what chemu keeps in step with the engine: from
// EL1, MSR CPTR_EL2 (TFP set) is UNDEFINED; from EL0, MSR CPACR_EL1 and MSR CNTKCTL_EL1 are. chemu
// copied the value in its MSR hook, before the engine's check: FP/SIMD then trapped to EL2 (nothing
// there: the run ends) and at EL0 (EC 0x07), and EL0 counter reads went to the engine's host clock. After the three
// UNDEFINED writes, FP runs at EL1 and EL0 and EL0 reads chemu's virtual count (within 10000 ticks
// of EL1's read). Exits 0 if all holds, 1 otherwise. Runs at EL1.
.include "semihost.inc"
.global _start
_start:
  adr x0, vectors
  msr vbar_el1, x0
  mov x0, #(3 << 20)          // CPACR_EL1.FPEN = 3: no FP traps at EL1 or EL0
  msr cpacr_el1, x0
  mov x0, #2                  // CNTKCTL_EL1.EL0VCTEN: EL0 may read the virtual count
  msr cntkctl_el1, x0
  mov x22, #0                 // UNDEFINED instructions skipped
  mov x0, #(1 << 10)          // CPTR_EL2.TFP
site_cptr:
  msr cptr_el2, x0
  isb
  fmov d0, x0                 // must run: CPTR_EL2 is unchanged
  mrs x9, cntvct_el0
  adr x0, user
  msr elr_el1, x0
  msr spsr_el1, xzr           // EL0t
  isb
  eret

user:
site_cpacr:
  msr cpacr_el1, xzr
site_cntkctl:
  msr cntkctl_el1, xzr
  isb
  fmov d1, x0                 // must run: CPACR_EL1 is unchanged
  mrs x10, cntvct_el0         // must be chemu's count: CNTKCTL_EL1 is unchanged
  svc #0

handler:                      // synchronous, from EL1 or EL0
  mrs x3, esr_el1
  mrs x5, elr_el1
  lsr x4, x3, #26
  cmp x4, #0x15
  b.eq done
  cbnz x4, bad                // only UNDEFINED, at the three sites in turn
  cmp x22, #0
  adr x6, site_cptr
  b.eq 1f
  cmp x22, #1
  adr x6, site_cpacr
  b.eq 1f
  adr x6, site_cntkctl
1:cmp x5, x6
  b.ne bad
  add x22, x22, #1
  add x5, x5, #4
  msr elr_el1, x5
  eret
done:
  cmp x22, #3
  b.ne bad
  sub x0, x10, x9
  mov x1, #10000
  cmp x0, x1
  b.hs bad
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

// All four cores, 2000 times each: take a spinlock, read CNTPCT, check it is not below the last value
// any core read under the lock, store it, release. The lock orders the reads in execution order, so
// one system counter for all cores means no decrease, however the cores are interleaved. Exit 0 if
// none was seen (core 0 reports after all cores finished), 1 otherwise. Runs at any EL.
.include "semihost.inc"
.equ ROUNDS, 2000
start_with_core_number
  adr x20, lock
  adr x21, last
  adr x22, bad_seen
  adr x23, done
  ldr x24, =ROUNDS
round:
  mov w1, #1
1: ldaxr w0, [x20]                // spin_lock
  cbnz w0, 1b
  stxr w2, w1, [x20]
  cbnz w2, 1b
  mrs x3, cntpct_el0
  ldr x4, [x21]
  cmp x3, x4
  b.hs 2f
  str x1, [x22]                   // went backwards
2: str x3, [x21]
  stlr wzr, [x20]                 // spin_unlock
  subs x24, x24, #1
  b.ne round
  ldaxr x5, [x23]
3: add x5, x5, #1
  stxr w6, x5, [x23]
  cbnz w6, 4f
  b 5f
4: ldaxr x5, [x23]
  b 3b
5: cbnz x19, park
6: ldar x5, [x23]                 // core 0: wait for all four
  cmp x5, #4
  b.ne 6b
  ldr x7, [x22]
  cbnz x7, fail
  exit_ok
fail:
  exit_fail
park:
  wfi
  b park
  semihost_exit_code
.balign 8
lock: .quad 0
last: .quad 0
bad_seen: .quad 0
done: .quad 0

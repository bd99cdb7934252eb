// What procmgr and syscall_fuzz (and syscall_fuzz and its child processes) share: a one-page
// PMO_DATA block, passed with spawn_with_cap (the child finds it in slot CHCORE_INHERITED_CAP).
// The spawner fills the parameters; the fuzzer reports its results in the same page.
#pragma once
#include "chcore/syscall.h"

#define FUZZ_MAGIC 0x7a7a75665f737973UL  // "sys_fuzz"

enum fuzz_mode : unsigned {
    FUZZ_MODE_MAIN = 1,   // the fuzzer procmgr starts: worker threads, child processes, checks
    FUZZ_MODE_CHILD = 2,  // a child the fuzzer starts: anything goes (exit, wild pc, ...); it may die
};

struct fuzz_params {
    u64 magic;
    unsigned mode;
    volatile unsigned claimed;  // 0 -> 1 by the process that runs these parameters (once per block)
    u64 seed;
    u64 calls;                  // MAIN: syscalls its workers make in all; CHILD: per thread
    unsigned threads;           // worker threads
    unsigned reserved;
    // Results. MAIN: written before it exits. CHILD: counted as it goes (it may be killed).
    volatile u64 calls_done;    // syscalls made (and returned, for those that return)
    volatile u64 child_calls;   // MAIN: syscalls its child processes made
    volatile u64 children;      // MAIN: child processes run; of which
    volatile u64 children_killed;  // killed by the kernel (status -9: a wild pc, a bad access, ...)
    volatile u64 violations;    // wrong returns: success for a call that must fail, or an unknown errno
    volatile u64 cpu_mask;      // MAIN: CPUs its workers ran on
    volatile u64 ok;            // MAIN: 1 when it ended normally with every check passed
};

// Defaults for what procmgr's "fuzz-only" command line does not set; tests/e2e/syscall_fuzz.sh and
// bench/syscall_fuzz.sh set the seed and the count.
#define FUZZ_DEFAULT_SEED 1
#define FUZZ_DEFAULT_CALLS 2000
#define FUZZ_DEFAULT_THREADS 8

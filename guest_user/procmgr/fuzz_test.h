#pragma once
#include "chcore/syscall.h"

// procmgr's command line (the UART's first line, e.g. chemu --input): the fuzz's parameters.
struct fuzz_cmdline {
    u64 seed;
    u64 calls;
    unsigned threads;
    bool only;   // "fuzz-only": run the fuzz and nothing else
    bool given;  // a command line was there
};
void read_fuzz_cmdline(fuzz_cmdline* cl);
// Runs syscall_fuzz with a witness server; prints "syscall_fuzz: N calls on 4 CPUs, kernel
// alive: OK" when it passed.
bool run_syscall_fuzz(const fuzz_cmdline& cl);

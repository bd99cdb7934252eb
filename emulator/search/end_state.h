// The machine at the end of a run, for a bug report: each core's state, EL, symbolized PC and LR,
// and the instructions around its PC disassembled (capstone). `chemu --report FILE` writes it; a
// search's bug bundle includes it. Reading it never changes the run.
#pragma once
#include <string>

#include "machine/machine.h"

namespace chemu::search {

// `window`: instructions shown before and after each PC. PCs are named by the image's symbols.
std::string describe_cores(Machine& m, int window = 4);

// One AArch64 instruction as text ("ldr x0, [x1]"), or "" when capstone cannot decode it.
std::string disassemble_one(uint32_t word, uint64_t addr);

}  // namespace chemu::search

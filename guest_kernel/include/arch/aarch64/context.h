// The register frame saved on exception entry (irq_entry.S uses these offsets). For a user thread
// it sits at the top of the thread's kernel stack: SP_EL1 points just above it while the thread
// runs at EL0. FP/SIMD state is saved eagerly on every entry from EL0 (chemu never traps FP).
#pragma once
#include "common/types.h"

struct arch_exec_ctx {
    u64 x[31];    // 0
    u64 sp;       // 248: SP_EL0 for EL0 frames, the interrupted SP_EL1 for EL1 frames
    u64 elr;      // 256
    u64 spsr;     // 264
    u64 q[64];    // 272: q0..q31, 16 bytes each
    u64 fpsr;     // 784
    u64 fpcr;     // 792
};

#define ARCH_EXEC_CTX_SIZE 800
static_assert(sizeof(arch_exec_ctx) == ARCH_EXEC_CTX_SIZE, "irq_entry.S assumes this layout");

constexpr u64 SPSR_EL0T = 0x0;           // EL0, interrupts unmasked
constexpr u64 SPSR_EL1H = 0x5;
constexpr u64 SPSR_DAIF_MASK = 0x3c0;
constexpr u64 SPSR_IRQ_MASK = 0x80;

extern "C" [[noreturn]] void eret_to_thread(arch_exec_ctx* ctx);
void init_exception_vectors();

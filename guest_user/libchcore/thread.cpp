// Threads and process waiting on top of the raw syscalls.
#include "chcore/chcore.h"

namespace {

constexpr u64 THREAD_STACK_SIZE = 0x10000;
constexpr u64 THREAD_STACK_BASE = 0x0000006000000000UL;  // stacks grow up from here, one guard page apart
constexpr u64 EAGAIN_RET = static_cast<u64>(-11L);

u64 next_stack = THREAD_STACK_BASE;

struct start_info {
    void (*fn)(void*);
    void* arg;
};

[[noreturn]] void thread_trampoline(start_info* si) {
    si->fn(si->arg);
    usys_thread_exit();
}

// A fresh lazily mapped stack; returns its top, or 0.
u64 alloc_stack() {
    const u64 base = __atomic_fetch_add(&next_stack, THREAD_STACK_SIZE + 0x1000, __ATOMIC_RELAXED);
    const long pmo = usys_create_pmo(THREAD_STACK_SIZE, CHCORE_PMO_ANONYM);
    if (pmo < 0) return 0;
    if (usys_map_pmo(pmo, base, CHCORE_VM_READ | CHCORE_VM_WRITE) < 0) return 0;
    return base + THREAD_STACK_SIZE;
}

}  // namespace

long create_thread(void (*fn)(void*), void* arg, long affinity) {
    const u64 top = alloc_stack();
    if (!top) return -12;
    auto* si = reinterpret_cast<start_info*>(top - 64);
    si->fn = fn;
    si->arg = arg;
    return usys_create_thread(reinterpret_cast<u64>(&thread_trampoline), top - 64, reinterpret_cast<u64>(si), affinity);
}

long wait_process(long cg_cap) {
    for (;;) {
        const long st = usys_get_exit_status(cg_cap);
        if (static_cast<u64>(st) != EAGAIN_RET) return st;
        usys_yield();
    }
}

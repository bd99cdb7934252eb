#include "arch/aarch64/cache.h"
#include "arch/aarch64/sysreg.h"

namespace {
// Smallest D-cache line of any CPU (CTR_EL0.DminLine, in words).
u64 dcache_line() { return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf); }
}  // namespace

void clean_dcache_range_pou(const void* start, u64 len) {
    const u64 line = dcache_line();
    const u64 end = reinterpret_cast<u64>(start) + len;
    for (u64 a = reinterpret_cast<u64>(start) & ~(line - 1); a < end; a += line)
        asm volatile("dc cvau, %0" ::"r"(a) : "memory");
    dsb_ish();
}

void invalidate_icache_all() {
    asm volatile("ic ialluis" ::: "memory");
    dsb_ish();
    isb();
}

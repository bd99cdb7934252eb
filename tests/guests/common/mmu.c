#include "mmu.h"
#include "guest.h"

uint64_t pt_l0[512] __attribute__((aligned(4096)));
uint64_t pt_l1[512] __attribute__((aligned(4096)));
uint64_t pt_l2[512] __attribute__((aligned(4096)));

#define PERIPH_BASE 0x3f000000ull

void mmu_build_identity(void) {
    pt_l0[0] = (uint64_t)(uintptr_t)pt_l1 | PT_TABLE;
    pt_l1[0] = (uint64_t)(uintptr_t)pt_l2 | PT_TABLE;
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pa = i << 21;
        pt_l2[i] = pa | PT_BLOCK | (pa < PERIPH_BASE ? PT_NORMAL_ATTRS : PT_DEVICE_ATTRS);
    }
    pt_l1[1] = 0x40000000ull | PT_BLOCK | PT_DEVICE_ATTRS;
    dsb(ish);
}

void mmu_enable(void) {
    write_sysreg(mair_el1, 0xff00);                 // attr0 Device-nGnRnE, attr1 Normal WB RA/WA
    write_sysreg(tcr_el1,
                 16ull                              // T0SZ = 16: 48-bit VA, walk starts at level 0
                 | (1ull << 8) | (1ull << 10)       // IRGN0/ORGN0 write-back: walks are cacheable
                 | (3ull << 12)                     // SH0 inner shareable
                 | (0ull << 14)                     // TG0 4 KB
                 | (1ull << 23)                     // EPD1: no TTBR1 walks
                 | (2ull << 30)                     // TG1 4 KB (unused)
                 | (1ull << 32));                   // IPS 36-bit
    write_sysreg(ttbr0_el1, (uintptr_t)pt_l0);
    isb();
    __asm__ volatile("tlbi vmalle1" ::: "memory");
    dsb(nsh);
    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | (1 << 0) | (1 << 2) | (1 << 12));  // M, C, I
    isb();
}

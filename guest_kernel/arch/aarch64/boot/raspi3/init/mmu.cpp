// Boot page tables, built by the primary with the MMU off and used by every core to turn it on.
// TTBR0 maps the low 2 GiB 1:1 (so the boot code survives the switch); TTBR1 maps the same
// 2 GiB at KBASE. The kernel later keeps TTBR1 and gives TTBR0 to user processes.
#include "boot.h"

using u64 = unsigned long;

namespace {

constexpr u64 PTE_TABLE = 3, PTE_BLOCK = 1;
constexpr u64 PTE_AF = 1UL << 10;
constexpr u64 PTE_SH_INNER = 3UL << 8;
constexpr u64 PTE_PXN = 1UL << 53, PTE_UXN = 1UL << 54;
constexpr u64 ATTR_DEVICE = 0UL << 2, ATTR_NORMAL = 1UL << 2;

constexpr u64 PERIPHERAL_BASE = 0x3f000000;
constexpr u64 L0_INDEX_KBASE = (KBASE_ASM >> 39) & 0x1ff;

constexpr u64 normal_block(u64 pa) { return pa | PTE_BLOCK | PTE_AF | PTE_SH_INNER | ATTR_NORMAL | PTE_UXN; }
constexpr u64 device_block(u64 pa) { return pa | PTE_BLOCK | PTE_AF | ATTR_DEVICE | PTE_UXN | PTE_PXN; }

}  // namespace

extern "C" {
alignas(4096) u64 boot_ttbr0_l0[512];
alignas(4096) u64 boot_ttbr1_l0[512];
alignas(4096) u64 boot_l1[512];
alignas(4096) u64 boot_l2_low[512];   // 0 .. 1 GiB: RAM, then the SoC peripherals
alignas(4096) u64 boot_l2_high[512];  // 1 .. 2 GiB: the BCM2836 local peripherals

void init_boot_pt() {
    volatile u64* l0u = boot_ttbr0_l0;
    volatile u64* l0k = boot_ttbr1_l0;
    volatile u64* l1 = boot_l1;
    volatile u64* l2lo = boot_l2_low;
    volatile u64* l2hi = boot_l2_high;
    l0u[0] = reinterpret_cast<u64>(boot_l1) | PTE_TABLE;
    l0k[L0_INDEX_KBASE] = reinterpret_cast<u64>(boot_l1) | PTE_TABLE;
    l1[0] = reinterpret_cast<u64>(boot_l2_low) | PTE_TABLE;
    l1[1] = reinterpret_cast<u64>(boot_l2_high) | PTE_TABLE;
    for (u64 i = 0; i < 512; ++i) {
        u64 pa = i << 21;
        l2lo[i] = pa < PERIPHERAL_BASE ? normal_block(pa) : device_block(pa);
        l2hi[i] = device_block(0x40000000UL + pa);
    }
    asm volatile("dsb sy" ::: "memory");
}

// Turns the MMU on with the boot tables. Attr0 = Device-nGnRnE, Attr1 = Normal write-back,
// Attr2 = Normal non-cacheable; 4 KiB granule, 48-bit VAs for both halves, 8-bit ASIDs.
void el1_mmu_activate() {
    const u64 mair = 0x00UL | (0xffUL << 8) | (0x44UL << 16);
    const u64 tcr = 16UL | (16UL << 16)                        // T0SZ, T1SZ
                    | (1UL << 8) | (1UL << 10) | (3UL << 12)    // TTBR0 walks: WBWA, inner shareable
                    | (1UL << 24) | (1UL << 26) | (3UL << 28)   // TTBR1 walks: WBWA, inner shareable
                    | (2UL << 30)                               // TG1 = 4 KiB (TG0 = 0 is 4 KiB)
                    | (1UL << 32);                              // IPS = 36 bits
    asm volatile("msr mair_el1, %0\n msr tcr_el1, %1\n msr ttbr0_el1, %2\n msr ttbr1_el1, %3\n isb\n"
                 "tlbi vmalle1\n dsb nsh\n isb" ::"r"(mair),
                 "r"(tcr), "r"(reinterpret_cast<u64>(boot_ttbr0_l0)), "r"(reinterpret_cast<u64>(boot_ttbr1_l0))
                 : "memory");
    u64 sctlr;
    asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
    sctlr |= (1UL << 0) | (1UL << 2) | (1UL << 12);  // M, C, I
    asm volatile("msr sctlr_el1, %0\n isb" ::"r"(sctlr) : "memory");
}
}

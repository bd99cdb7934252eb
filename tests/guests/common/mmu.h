// Identity-mapping page tables for guests that need the MMU (4 KB granule, 48-bit VA, TTBR0 only).
#pragma once
#include <stdint.h>

#define PT_VALID   1ull
#define PT_TABLE   3ull               // table descriptor (levels 0-2)
#define PT_BLOCK   1ull               // block descriptor (levels 1-2)
#define PT_PAGE    3ull               // page descriptor (level 3)
#define PT_DEVICE  (0ull << 2)        // AttrIndx 0: MAIR attr0 = Device-nGnRnE
#define PT_NORMAL  (1ull << 2)        // AttrIndx 1: MAIR attr1 = Normal write-back
#define PT_ISH     (3ull << 8)        // inner shareable
#define PT_AF      (1ull << 10)       // access flag (no access-flag faults)
#define PT_XN      (3ull << 53)       // PXN | UXN
#define PT_NORMAL_ATTRS (PT_NORMAL | PT_ISH | PT_AF)
#define PT_DEVICE_ATTRS (PT_DEVICE | PT_AF | PT_XN)

extern uint64_t pt_l0[512], pt_l1[512], pt_l2[512];

// pt_l0[0] -> pt_l1; pt_l1[0] -> pt_l2 (2 MiB blocks: normal below 0x3f000000, device from there up to
// 1 GiB); pt_l1[1] = 1 GiB device block at 0x40000000 (local peripherals). Call with the MMU off.
void mmu_build_identity(void);
// Program MAIR/TCR/TTBR0 with pt_l0, invalidate this core's TLB and turn on MMU + caches.
void mmu_enable(void);

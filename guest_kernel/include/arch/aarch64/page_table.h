// AArch64 4-level page tables (4 KiB granule) for user address spaces, and TLB maintenance.
#pragma once
#include "common/types.h"

using pte_t = u64;

// Maps [va, va+len) to [pa, pa+len) with VMR_* permissions for EL0. 0 or -ENOMEM.
int map_range_in_pgtbl(pte_t* l0, vaddr_t va, paddr_t pa, u64 len, u64 vmr_perm);
void unmap_range_in_pgtbl(pte_t* l0, vaddr_t va, u64 len);
// 0 and the physical address and leaf entry of va if mapped, else -ENOENT.
int query_in_pgtbl(pte_t* l0, vaddr_t va, paddr_t* pa, pte_t* entry);
// Frees the table pages (not the mapped pages).
void free_page_table(pte_t* l0);

bool pte_user_writable(pte_t e);
bool pte_user_executable(pte_t e);

// Inner-shareable invalidation: seen by all four CPUs when it returns.
void flush_tlb_range(u32 asid, vaddr_t va, u64 len);
void flush_tlb_asid(u32 asid);

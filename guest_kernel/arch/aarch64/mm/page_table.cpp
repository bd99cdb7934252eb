// User page tables: 4 levels, 4 KiB pages, non-global (ASID-tagged) entries, never executable at
// EL1 (PXN) so the kernel cannot be tricked into running user code.
#include "arch/aarch64/page_table.h"
#include "arch/aarch64/sysreg.h"
#include "common/errno.h"
#include "common/machine.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"

namespace {

constexpr pte_t PTE_VALID = 1UL << 0, PTE_TABLE = 1UL << 1, PTE_PAGE = 1UL << 1;
constexpr pte_t PTE_ATTR_NORMAL = 1UL << 2;
constexpr pte_t PTE_AP_EL0 = 1UL << 6, PTE_AP_RO = 1UL << 7;
constexpr pte_t PTE_SH_INNER = 3UL << 8, PTE_AF = 1UL << 10, PTE_NG = 1UL << 11;
constexpr pte_t PTE_PXN = 1UL << 53, PTE_UXN = 1UL << 54;
constexpr pte_t PTE_ADDR_MASK = 0x0000fffffffff000UL;

u64 index_at(vaddr_t va, int level) { return (va >> (39 - 9 * level)) & 0x1ff; }

pte_t* next_table(pte_t e) { return phys_to_ptr<pte_t>(e & PTE_ADDR_MASK); }

// The L3 entry for va, creating tables on the way when alloc. nullptr if missing or out of memory.
pte_t* walk(pte_t* l0, vaddr_t va, bool alloc) {
    pte_t* table = l0;
    for (int level = 0; level < 3; ++level) {
        pte_t* e = &table[index_at(va, level)];
        if (!(*e & PTE_VALID)) {
            if (!alloc) return nullptr;
            void* page = get_zeroed_page();
            if (!page) return nullptr;
            dsb_ishst();
            *e = ptr_to_phys(page) | PTE_VALID | PTE_TABLE;
        }
        table = next_table(*e);
    }
    return &table[index_at(va, 3)];
}

pte_t make_user_pte(paddr_t pa, u64 perm) {
    pte_t e = pa | PTE_VALID | PTE_PAGE | PTE_ATTR_NORMAL | PTE_SH_INNER | PTE_AF | PTE_NG | PTE_PXN | PTE_AP_EL0;
    if (!(perm & VMR_WRITE)) e |= PTE_AP_RO;
    if (!(perm & VMR_EXEC)) e |= PTE_UXN;
    return e;
}

void free_table_level(pte_t* table, int level) {
    if (level < 3) {
        for (int i = 0; i < 512; ++i)
            if (table[i] & PTE_VALID) free_table_level(next_table(table[i]), level + 1);
    }
    free_pages(table);
}

}  // namespace

int map_range_in_pgtbl(pte_t* l0, vaddr_t va, paddr_t pa, u64 len, u64 vmr_perm) {
    for (u64 off = 0; off < len; off += PAGE_SIZE) {
        pte_t* e = walk(l0, va + off, true);
        if (!e) return -ENOMEM;
        *e = make_user_pte(pa + off, vmr_perm);
    }
    dsb_ishst();  // the walker of any CPU sees the entries before user code runs
    isb();
    return 0;
}

void unmap_range_in_pgtbl(pte_t* l0, vaddr_t va, u64 len) {
    for (u64 off = 0; off < len; off += PAGE_SIZE) {
        pte_t* e = walk(l0, va + off, false);
        if (e) *e = 0;
    }
}

int query_in_pgtbl(pte_t* l0, vaddr_t va, paddr_t* pa, pte_t* entry) {
    pte_t* e = walk(l0, va, false);
    if (!e || !(*e & PTE_VALID)) return -ENOENT;
    if (pa) *pa = (*e & PTE_ADDR_MASK) | (va & PAGE_MASK);
    if (entry) *entry = *e;
    return 0;
}

void free_page_table(pte_t* l0) { free_table_level(l0, 0); }

bool pte_user_writable(pte_t e) { return (e & PTE_AP_EL0) && !(e & PTE_AP_RO); }
bool pte_user_executable(pte_t e) { return !(e & PTE_UXN); }

void flush_tlb_range(u32 asid, vaddr_t va, u64 len) {
    dsb_ishst();
    for (u64 off = 0; off < len; off += PAGE_SIZE) {
        const u64 arg = (static_cast<u64>(asid) << 48) | ((va + off) >> 12);
        asm volatile("tlbi vae1is, %0" ::"r"(arg) : "memory");
    }
    dsb_ish();
    isb();
}

void flush_tlb_asid(u32 asid) {
    dsb_ishst();
    asm volatile("tlbi aside1is, %0" ::"r"(static_cast<u64>(asid) << 48) : "memory");
    dsb_ish();
    isb();
}

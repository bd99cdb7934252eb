// User address spaces. Invariants: regions never overlap and lie inside [0, USER_SPACE_END);
// every valid leaf entry belongs to a region; the vmspace lock covers regions and page table.
#include "mm/vmspace.h"
#include "arch/aarch64/cache.h"
#include "arch/aarch64/page_table.h"
#include "arch/aarch64/sysreg.h"
#include "common/errno.h"
#include "common/kprint.h"
#include "common/machine.h"
#include "common/macro.h"
#include "mm/kmalloc.h"

namespace {

// 8-bit ASIDs; 0 is never given out (the kernel's, for the empty TTBR0 table).
constexpr u32 MAX_ASID = 256;
Spinlock asid_lock;
u8 asid_used[MAX_ASID];
alignas(4096) pte_t empty_pgtbl[512];

u32 alloc_asid() {
    SpinGuard guard(asid_lock);
    for (u32 i = 1; i < MAX_ASID; ++i) {
        if (!asid_used[i]) {
            asid_used[i] = 1;
            return i;
        }
    }
    return 0;
}

void free_asid(u32 asid) {
    flush_tlb_asid(asid);  // no CPU may keep translations of a reused ASID
    SpinGuard guard(asid_lock);
    asid_used[asid] = 0;
}

bool range_ok(vaddr_t va, u64 size) {
    return (va & PAGE_MASK) == 0 && size && va < USER_SPACE_END && size <= USER_SPACE_END - va;
}

// Regions are kept sorted by start address and searched from the top down. libchcore hands out
// increasing addresses (shm, IPC and thread stacks) and the main stack is the highest region, so a
// new region or a faulting address is found a few steps from the top: the vmspace lock is held
// that long, not for a walk over every region (test_ipc's server has over a thousand, and the
// other CPUs wait for that lock).

// The highest region starting at or below va, or nullptr. Caller holds vms->lock.
vmregion* highest_at_or_below(vmspace* vms, vaddr_t va) {
    vmregion* r = vms->vmr_list.last();
    while (r && r->start > va) r = vms->vmr_list.before(r);
    return r;
}

// The region containing va. Caller holds vms->lock.
vmregion* find_vmr(vmspace* vms, vaddr_t va) {
    vmregion* r = highest_at_or_below(vms, va);
    return r && va - r->start < r->size ? r : nullptr;
}

// Maps every page the pmo already has (all of them for PMO_DATA). Caller holds vms->lock.
int map_present_pages(vmspace* vms, vmregion* r) {
    for (u64 off = 0; off < r->size; off += PAGE_SIZE) {
        paddr_t pa = pmo_get_page(r->pmo, off, false);
        if (!pa) continue;
        if (int err = map_range_in_pgtbl(vms->pgtbl, r->start + off, pa, PAGE_SIZE, r->perm)) return err;
    }
    return 0;
}

// Unmaps and forgets r. Caller holds vms->lock.
void remove_vmr(vmspace* vms, vmregion* r) {
    unmap_range_in_pgtbl(vms->pgtbl, r->start, r->size);
    flush_tlb_range(vms->asid, r->start, r->size);
    vms->vmr_list.remove(r);
    obj_put(r->pmo);
    kfree(r);
}

}  // namespace

Result<vmspace*> create_vmspace() {
    auto* vms = obj_alloc<vmspace>(TYPE_VMSPACE);
    if (!vms) return Error{-ENOMEM};
    vms->pgtbl = static_cast<pte_t*>(get_zeroed_page());
    vms->asid = alloc_asid();
    if (!vms->pgtbl || !vms->asid) {
        obj_put(vms);
        return Error{-ENOMEM};
    }
    return vms;
}

int vmspace_map_pmo(vmspace* vms, pmobject* pmo, vaddr_t va, u64 perm) {
    if (!range_ok(va, pmo->size) || (perm & ~(VMR_READ | VMR_WRITE | VMR_EXEC))) return -EINVAL;
    auto* r = static_cast<vmregion*>(kzalloc(sizeof(vmregion)));
    if (!r) return -ENOMEM;
    SpinGuard guard(vms->lock);
    // Only the highest region starting inside or below the new one can overlap it (they are
    // sorted and disjoint); the new one goes right after it.
    vmregion* below = highest_at_or_below(vms, va + pmo->size - 1);
    if (below && below->start + below->size > va) {
        kfree(r);
        return -EEXIST;
    }
    r->start = va;
    r->size = pmo->size;
    r->perm = perm;
    obj_get(pmo);
    r->pmo = pmo;
    vms->vmr_list.insert_after(below, r);
    if (int err = map_present_pages(vms, r)) {
        remove_vmr(vms, r);
        return err;
    }
    // New code at this VA (or old code of another process here before): no CPU may run stale
    // instructions. The writer cleaned the D-cache (the ELF loader does; user code must too).
    if (perm & VMR_EXEC) invalidate_icache_all();
    return 0;
}

int vmspace_unmap_pmo(vmspace* vms, pmobject* pmo, vaddr_t va) {
    SpinGuard guard(vms->lock);
    vmregion* r = find_vmr(vms, va);
    if (!r || r->start != va || r->pmo != pmo) return -ENOENT;
    remove_vmr(vms, r);
    return 0;
}

int vmspace_handle_fault(vmspace* vms, vaddr_t va, bool write, bool exec) {
    if (va >= USER_SPACE_END) return -EFAULT;
    SpinGuard guard(vms->lock);
    vmregion* r = find_vmr(vms, va);
    if (!r) return -EFAULT;
    if ((write && !(r->perm & VMR_WRITE)) || (exec && !(r->perm & VMR_EXEC)) || !(r->perm & (VMR_READ | VMR_EXEC)))
        return -EFAULT;
    const vaddr_t page_va = round_down(va, PAGE_SIZE);
    paddr_t pa = pmo_get_page(r->pmo, page_va - r->start, true);
    if (!pa) return -ENOMEM;
    const int err = map_range_in_pgtbl(vms->pgtbl, page_va, pa, PAGE_SIZE, r->perm);
    if (err == 0 && (r->perm & VMR_EXEC)) invalidate_icache_all();
    return err;
}

void vmspace_deinit(object* obj) {
    auto* vms = static_cast<vmspace*>(obj);
    {
        SpinGuard guard(vms->lock);
        while (vmregion* r = vms->vmr_list.first()) remove_vmr(vms, r);
    }
    if (vms->asid) free_asid(vms->asid);
    if (vms->pgtbl) free_page_table(vms->pgtbl);
}

void switch_vmspace_to(vmspace* vms) {
    const u64 ttbr0 = vms ? (ptr_to_phys(vms->pgtbl) | (static_cast<u64>(vms->asid) << 48)) : ptr_to_phys(empty_pgtbl);
    if (read_sysreg(ttbr0_el1) == ttbr0) return;
    write_sysreg(ttbr0_el1, ttbr0);
    isb();
}

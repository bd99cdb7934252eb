// copy_from_user / copy_to_user: page by page, translated in software under the vmspace lock, so
// a concurrent unmap by another thread cannot free a page while it is being copied.
#include "arch/aarch64/page_table.h"
#include "common/errno.h"
#include "common/machine.h"
#include "common/util.h"
#include "mm/vmspace.h"
#include "sched/sched.h"

namespace {

// The kernel VA of user address va in vms, faulting lazily mapped pages in. nullptr if invalid.
char* user_page_ptr(vmspace* vms, vaddr_t va, bool write) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        paddr_t pa;
        pte_t e;
        {
            SpinGuard guard(vms->lock);
            if (query_in_pgtbl(vms->pgtbl, va, &pa, &e) == 0) {
                if (write && !pte_user_writable(e)) return nullptr;
                return phys_to_ptr<char>(pa);
            }
        }
        if (vmspace_handle_fault(vms, va, write, false) != 0) return nullptr;
    }
    return nullptr;
}

int copy_user(vaddr_t uaddr, char* kbuf, u64 len, bool to_user) {
    if (uaddr >= USER_SPACE_END || len > USER_SPACE_END - uaddr) return -EFAULT;
    vmspace* vms = current_thread->vmspace;
    if (!vms) return -EFAULT;
    while (len) {
        const u64 chunk = PAGE_SIZE - (uaddr & PAGE_MASK) < len ? PAGE_SIZE - (uaddr & PAGE_MASK) : len;
        // Hold the lock across the copy so the page stays mapped (and owned) while we touch it.
        char* p = user_page_ptr(vms, uaddr, to_user);
        if (!p) return -EFAULT;
        {
            SpinGuard guard(vms->lock);
            paddr_t pa;
            if (query_in_pgtbl(vms->pgtbl, uaddr, &pa, nullptr) != 0 || phys_to_ptr<char>(pa) != p) return -EFAULT;
            if (to_user)
                memcpy(p, kbuf, chunk);
            else
                memcpy(kbuf, p, chunk);
        }
        uaddr += chunk;
        kbuf += chunk;
        len -= chunk;
    }
    return 0;
}

}  // namespace

int copy_from_user(void* dst, vaddr_t usrc, u64 len) { return copy_user(usrc, static_cast<char*>(dst), len, false); }

int copy_to_user(vaddr_t udst, const void* src, u64 len) {
    return copy_user(udst, const_cast<char*>(static_cast<const char*>(src)), len, true);
}

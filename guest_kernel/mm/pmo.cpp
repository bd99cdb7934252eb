// Physical memory objects. PMO_DATA pages are allocated at creation, PMO_ANONYM pages on first
// touch. Either way pages[] records them and the pmo frees them when its last reference goes.
#include "common/errno.h"
#include "common/machine.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"

Result<pmobject*> pmo_create(u64 size, pmo_type type) {
    if (size == 0 || size > PMO_MAX_SIZE) return Error{-EINVAL};
    if (type != PMO_DATA && type != PMO_ANONYM) return Error{-EINVAL};
    size = round_up(size, PAGE_SIZE);
    auto* pmo = obj_alloc<pmobject>(TYPE_PMO);
    if (!pmo) return Error{-ENOMEM};
    pmo->size = size;
    pmo->pmo_type = type;
    pmo->pages = static_cast<paddr_t*>(kzalloc(size / PAGE_SIZE * sizeof(paddr_t)));
    if (!pmo->pages) {
        obj_put(pmo);
        return Error{-ENOMEM};
    }
    if (type == PMO_DATA) {
        for (u64 off = 0; off < size; off += PAGE_SIZE) {
            if (!pmo_get_page(pmo, off, true)) {
                obj_put(pmo);
                return Error{-ENOMEM};
            }
        }
    }
    return pmo;
}

paddr_t pmo_get_page(pmobject* pmo, u64 off, bool alloc) {
    if (off >= pmo->size) return 0;
    SpinGuard guard(pmo->lock);
    paddr_t& slot = pmo->pages[off / PAGE_SIZE];
    if (!slot && alloc) {
        void* page = get_zeroed_page();
        if (page) slot = ptr_to_phys(page);
    }
    return slot;
}

void pmo_deinit(object* obj) {
    auto* pmo = static_cast<pmobject*>(obj);
    if (!pmo->pages) return;
    for (u64 i = 0; i < pmo->size / PAGE_SIZE; ++i)
        if (pmo->pages[i]) free_pages(phys_to_ptr<void>(pmo->pages[i]));
    kfree(pmo->pages);
}

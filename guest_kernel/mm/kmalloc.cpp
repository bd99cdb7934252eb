// mm_init and the kernel allocators' front end. One buddy pool covers [end of image, VC base).
#include "mm/kmalloc.h"
#include "common/kprint.h"
#include "common/lock.h"
#include "common/machine.h"
#include "common/macro.h"
#include "common/util.h"
#include "mm/slab.h"
#include "plat/raspi3/mailbox.h"

extern "C" char img_end[];

phys_mem_pool global_mem;

namespace {

Spinlock buddy_lock;
constexpr u32 DEFAULT_VC_BASE = 0x3c000000;  // the Pi 3 1 GiB split, used if the mailbox is silent

u64 size_to_page_order(size_t size) {
    u64 order = 0;
    while ((BUDDY_PAGE_SIZE << order) < size) ++order;
    return order;
}

}  // namespace

void mm_init() {
    u32 vc_base = DEFAULT_VC_BASE, vc_size = 0;
    if (!vc_get_vc_memory(&vc_base, &vc_size)) {
        kwarn("VC mailbox did not answer, assuming VC memory at 0x%x\n", vc_base);
        vc_base = DEFAULT_VC_BASE;
    }
    const paddr_t start = round_up(ptr_to_phys(img_end), PAGE_SIZE);
    const paddr_t end = round_down(vc_base, PAGE_SIZE);
    BUG_ON(end <= start);
    // Metadata goes first; the managed pages follow, so each page's metadata is never handed out.
    const u64 total = (end - start) / PAGE_SIZE;
    const u64 meta_pages = round_up(total * sizeof(page), PAGE_SIZE) / PAGE_SIZE;
    const u64 npages = total - meta_pages;
    init_buddy(&global_mem, phys_to_ptr<page>(start), phys_to_virt(start + meta_pages * PAGE_SIZE), npages);
    init_slab();
    kinfo("mm: VC memory at 0x%x (size 0x%x); %lu MiB free in [0x%lx, 0x%lx)\n", vc_base, vc_size,
          npages * PAGE_SIZE >> 20, start, end);
}

void* get_pages(u64 order) {
    SpinGuard guard(buddy_lock);
    page* p = buddy_get_pages(&global_mem, order);
    return p ? page_to_virt(&global_mem, p) : nullptr;
}

void free_pages(void* addr) {
    SpinGuard guard(buddy_lock);
    page* p = virt_to_page(&global_mem, addr);
    BUG_ON(!p || page_to_virt(&global_mem, p) != addr);
    buddy_free_pages(&global_mem, p);
}

void* get_zeroed_page() {
    void* p = get_pages(0);
    if (p) memset(p, 0, PAGE_SIZE);
    return p;
}

void* kmalloc(size_t size) {
    if (size == 0) size = 1;
    if (size <= (1UL << SLAB_MAX_ORDER)) return alloc_in_slab(size);
    return get_pages(size_to_page_order(size));
}

void* kzalloc(size_t size) {
    void* p = kmalloc(size);
    if (p) memset(p, 0, size);
    return p;
}

void kfree(void* ptr) {
    if (!ptr) return;
    page* p = virt_to_page(&global_mem, ptr);
    BUG_ON(!p);
    if (p->slab)
        free_in_slab(ptr, p);
    else
        free_pages(ptr);
}

u64 free_memory_bytes() {
    SpinGuard guard(buddy_lock);
    return get_free_mem_size_from_buddy(&global_mem);
}

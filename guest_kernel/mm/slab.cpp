// Slab allocator. A slab is one buddy page: header first, then objects of one size. Pages with a
// free object are on their cache's partial list; an empty slab goes back to the buddy allocator
// unless it is the cache's last partial one.
#include "mm/slab.h"
#include "common/machine.h"
#include "common/macro.h"
#include "mm/kmalloc.h"

extern phys_mem_pool global_mem;

namespace {

slab_cache caches[SLAB_MAX_ORDER + 1];

u32 size_to_order(size_t size) {
    u32 order = SLAB_MIN_ORDER;
    while ((1UL << order) < size) ++order;
    return order;
}

u64 header_bytes(u32 obj_size) { return round_up(sizeof(slab_header), obj_size); }

page* new_slab(slab_cache* c) {
    void* mem = get_pages(0);
    if (!mem) return nullptr;
    page* p = virt_to_page(&global_mem, mem);
    auto* h = static_cast<slab_header*>(mem);
    h->cache = c;
    h->free_list = nullptr;
    h->total = h->free_count = 0;
    for (u64 off = header_bytes(c->obj_size); off + c->obj_size <= BUDDY_PAGE_SIZE; off += c->obj_size) {
        void** obj = reinterpret_cast<void**>(static_cast<char*>(mem) + off);
        *obj = h->free_list;
        h->free_list = obj;
        ++h->total;
        ++h->free_count;
    }
    p->slab = h;
    return p;
}

}  // namespace

void init_slab() {
    for (u32 order = SLAB_MIN_ORDER; order <= SLAB_MAX_ORDER; ++order) caches[order].obj_size = 1u << order;
}

void* alloc_in_slab(size_t size) {
    slab_cache* c = &caches[size_to_order(size)];
    SpinGuard guard(c->lock);
    page* p = c->partial.first();
    if (!p) {
        p = new_slab(c);
        if (!p) return nullptr;
        c->partial.push_back(p);
    }
    slab_header* h = p->slab;
    void** obj = static_cast<void**>(h->free_list);
    h->free_list = *obj;
    if (--h->free_count == 0) c->partial.remove(p);
    return obj;
}

void free_in_slab(void* obj, page* p) {
    slab_header* h = p->slab;
    slab_cache* c = h->cache;
    bool release = false;
    {
        SpinGuard guard(c->lock);
        *static_cast<void**>(obj) = h->free_list;
        h->free_list = obj;
        if (h->free_count++ == 0) c->partial.push_back(p);
        if (h->free_count == h->total && c->partial.size() > 1) {
            c->partial.remove(p);
            p->slab = nullptr;
            release = true;
        }
    }
    if (release) free_pages(page_to_virt(&global_mem, p));
}

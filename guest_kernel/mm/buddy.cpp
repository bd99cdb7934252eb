// Buddy allocator. Invariant: a free block of order k heads 2^k pages, its page index is a multiple
// of 2^k, it is on free_lists[k], and its head page is the only page of the block with
// allocated == 0. Pages inside any block (free or not) and heads of handed-out blocks have
// allocated == 1, so a stale order in an interior page can never look like a free buddy.
#include "mm/buddy.h"

namespace {

u64 page_index(const phys_mem_pool* pool, const page* p) { return static_cast<u64>(p - pool->page_metadata); }
u64 pool_pages(const phys_mem_pool* pool) { return pool->pool_mem_size / BUDDY_PAGE_SIZE; }

void push_free(phys_mem_pool* pool, page* p, u32 order) {
    p->order = order;
    p->allocated = 0;
    pool->free_lists[order].free_list.push_back(p);
    pool->free_lists[order].nr_free++;
    pool->free_pages += 1UL << order;
}

void pop_free(phys_mem_pool* pool, page* p) {
    p->allocated = 1;
    pool->free_lists[p->order].free_list.remove(p);
    pool->free_lists[p->order].nr_free--;
    pool->free_pages -= 1UL << p->order;
}

// The buddy of the block at index idx of the given order, or nullptr if it lies outside the pool.
page* get_buddy_chunk(phys_mem_pool* pool, u64 idx, u32 order) {
    u64 buddy = idx ^ (1UL << order);
    if (buddy + (1UL << order) > pool_pages(pool)) return nullptr;
    return &pool->page_metadata[buddy];
}

// Splits the free-list block p (order > want) until it has order `want`; returns its head.
page* split_chunk(phys_mem_pool* pool, u32 want, page* p) {
    pop_free(pool, p);
    u32 order = p->order;
    while (order > want) {
        --order;
        page* upper = p + (1UL << order);
        push_free(pool, upper, order);
    }
    p->order = order;
    return p;
}

// Merges the (just released, not listed) block p with free buddies; lists the result.
void merge_chunk(phys_mem_pool* pool, page* p) {
    u32 order = p->order;
    u64 idx = page_index(pool, p);
    while (order + 1 < BUDDY_MAX_ORDER) {
        page* buddy = get_buddy_chunk(pool, idx, order);
        if (!buddy || buddy->allocated || buddy->order != order) break;
        pop_free(pool, buddy);
        idx &= ~(1UL << order);
        ++order;
    }
    push_free(pool, &pool->page_metadata[idx], order);
}

}  // namespace

void init_buddy(phys_mem_pool* pool, page* meta, vaddr_t start_addr, u64 page_num) {
    pool->pool_start_addr = start_addr;
    pool->pool_mem_size = page_num * BUDDY_PAGE_SIZE;
    pool->page_metadata = meta;
    pool->free_pages = 0;
    for (auto& fl : pool->free_lists) fl.nr_free = 0;
    for (u64 i = 0; i < page_num; ++i) {
        page* p = &meta[i];
        p->node = ListNode{};
        p->pool = pool;
        p->slab = nullptr;
        p->order = 0;
        p->allocated = 1;
    }
    // Carve the range greedily into the largest aligned blocks (no per-page merging needed).
    for (u64 i = 0; i < page_num;) {
        u32 order = BUDDY_MAX_ORDER - 1;
        while ((i & ((1UL << order) - 1)) != 0 || i + (1UL << order) > page_num) --order;
        push_free(pool, &meta[i], order);
        i += 1UL << order;
    }
}

page* buddy_get_pages(phys_mem_pool* pool, u64 order) {
    if (order >= BUDDY_MAX_ORDER) return nullptr;
    for (u32 k = static_cast<u32>(order); k < BUDDY_MAX_ORDER; ++k) {
        page* p = pool->free_lists[k].free_list.first();
        if (!p) continue;
        p = split_chunk(pool, static_cast<u32>(order), p);
        p->allocated = 1;
        return p;
    }
    return nullptr;
}

void buddy_free_pages(phys_mem_pool* pool, page* p) {
    LIST_ASSERT(p->allocated && p->slab == nullptr && !p->node.is_linked());
    merge_chunk(pool, p);
}

void* page_to_virt(const phys_mem_pool* pool, const page* p) {
    return reinterpret_cast<void*>(pool->pool_start_addr + (p - pool->page_metadata) * BUDDY_PAGE_SIZE);
}

page* virt_to_page(const phys_mem_pool* pool, const void* addr) {
    u64 a = reinterpret_cast<u64>(addr);
    if (a < pool->pool_start_addr || a >= pool->pool_start_addr + pool->pool_mem_size) return nullptr;
    return &pool->page_metadata[(a - pool->pool_start_addr) / BUDDY_PAGE_SIZE];
}

u64 get_free_mem_size_from_buddy(const phys_mem_pool* pool) { return pool->free_pages * BUDDY_PAGE_SIZE; }

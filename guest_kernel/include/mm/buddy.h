// Buddy allocator for physical pages (ChCore's phys_mem_pool). Pure data structure: no locking,
// no kernel headers beyond types and lists, so it also compiles into host unit tests. The kernel
// wraps it with a lock in mm/kmalloc.cpp.
#pragma once
#include "common/list.h"
#include "common/types.h"

#define BUDDY_PAGE_SIZE 0x1000UL
#define BUDDY_MAX_ORDER 14  // orders 0..13: blocks of 1 page .. 32 MiB

struct slab_header;

struct page {
    ListNode node;          // free list of its order, or the owning slab cache's list
    struct phys_mem_pool* pool;
    slab_header* slab;      // non-null while the page belongs to a slab cache
    u32 order;              // order of the block this page heads
    u32 allocated;          // 1 while the block is handed out
};

using page_list = IntrusiveList<page, &page::node>;

struct free_list {
    page_list free_list;
    u64 nr_free;
};

struct phys_mem_pool {
    vaddr_t pool_start_addr;  // address (kernel VA) of the first managed page
    u64 pool_mem_size;        // bytes managed
    page* page_metadata;      // one struct page per managed page
    free_list free_lists[BUDDY_MAX_ORDER];
    u64 free_pages;
};

// Manages [start_addr, start_addr + page_num pages) with `meta` (page_num entries) as metadata.
void init_buddy(phys_mem_pool* pool, page* meta, vaddr_t start_addr, u64 page_num);
// Returns the head page of a free 2^order block, or nullptr.
page* buddy_get_pages(phys_mem_pool* pool, u64 order);
// Returns a block obtained from buddy_get_pages; merges it with free buddies.
void buddy_free_pages(phys_mem_pool* pool, page* p);

void* page_to_virt(const phys_mem_pool* pool, const page* p);
page* virt_to_page(const phys_mem_pool* pool, const void* addr);
u64 get_free_mem_size_from_buddy(const phys_mem_pool* pool);

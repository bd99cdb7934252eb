// Slab caches of power-of-two object sizes (32 .. 2048 bytes), one page per slab.
#pragma once
#include "common/lock.h"
#include "common/types.h"
#include "mm/buddy.h"

#define SLAB_MIN_ORDER 5
#define SLAB_MAX_ORDER 11

// Lives at the start of each slab page; the objects follow it.
struct slab_header {
    struct slab_cache* cache;
    void* free_list;   // singly linked through each free object's first word
    u32 free_count;
    u32 total;
};

struct slab_cache {
    Spinlock lock;
    page_list partial;  // slab pages with at least one free object
    u32 obj_size;
};

void init_slab();
void* alloc_in_slab(size_t size);
void free_in_slab(void* obj, page* p);

// Kernel memory: whole pages from the buddy allocator, small objects from slab caches.
#pragma once
#include "common/types.h"
#include "mm/buddy.h"

void mm_init();

// 2^order contiguous pages (kernel VA), or nullptr. Not zeroed.
void* get_pages(u64 order);
void free_pages(void* addr);
// One zeroed page; returns its physical address through *pa too when pa is non-null.
void* get_zeroed_page();

void* kmalloc(size_t size);
void* kzalloc(size_t size);
void kfree(void* ptr);

u64 free_memory_bytes();

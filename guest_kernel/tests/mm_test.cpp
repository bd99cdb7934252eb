// Kernel self-test of the allocators, run once on the primary at boot.
#include "common/kprint.h"
#include "common/machine.h"
#include "common/macro.h"
#include "mm/kmalloc.h"
#include "tests/tests.h"

void test_mm() {
    const u64 before = free_memory_bytes();
    void* pages[16];
    for (u64 i = 0; i < 16; ++i) {
        pages[i] = get_pages(i % 4);
        BUG_ON(!pages[i]);
        BUG_ON(reinterpret_cast<u64>(pages[i]) & PAGE_MASK);
    }
    for (auto* p : pages) free_pages(p);
    void* objs[200];
    for (u64 i = 0; i < 200; ++i) {
        objs[i] = kmalloc(8 + i * 37);
        BUG_ON(!objs[i]);
        *static_cast<u64*>(objs[i]) = i;
    }
    for (u64 i = 0; i < 200; ++i) BUG_ON(*static_cast<u64*>(objs[i]) != i);
    for (auto* o : objs) kfree(o);
    BUG_ON(free_memory_bytes() + 8 * PAGE_SIZE < before);  // slabs may keep a partial page each
    printk("test_mm: OK: 0xDEADBEEF\n");
}

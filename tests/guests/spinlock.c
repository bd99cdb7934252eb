// spinlock: four cores each increment one shared counter ITERS times under the LDAXR/STLXR spinlock
// (guest.h). Lost updates would show as a total below 4 * ITERS. Core 0 joins the others and prints.
// Exit: 0 ok, 1 cores did not start, 2 a core stopped making progress, 3 wrong total.
#include "guest.h"

#define ITERS 100000u

static spinlock_t lock;
static volatile uint64_t counter;                // plain load/add/store: only the lock protects it
static volatile uint32_t go, done[NCORES];

static void work(unsigned core) {
    for (uint32_t i = 0; i < ITERS; i++) {
        spin_lock(&lock);
        counter = counter + 1;
        spin_unlock(&lock);
    }
    store_release(&done[core], 1);
}

int guest_main(unsigned core) {
    if (core != 0) {
        if (wait_eq(&go, 1) == 0) work(core);   // start together: maximum contention
        return 0;
    }
    kprintf("spinlock: %u cores x %u increments\n", NCORES, ITERS);
    if (smp_start_secondaries()) return 1;
    store_release(&go, 1);
    work(0);
    // Join, bounded by progress: give up only if the counter stops moving for WAIT_SPINS polls.
    for (unsigned c = 1; c < NCORES; c++) {
        uint64_t last = counter;
        for (uint32_t n = 0; !load_acquire(&done[c]); n++) {
            if (counter != last) { last = counter; n = 0; }
            if (n >= WAIT_SPINS) {
                kprintf("spinlock: FAIL core %u made no progress, counter = %lu\n", c, counter);
                return 2;
            }
        }
    }
    kprintf("counter = %lu\n", counter);
    if (counter != (uint64_t)NCORES * ITERS) return 3;
    kprintf("spinlock: PASS\n");
    return 0;
}

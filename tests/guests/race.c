// race: cores 0 and 1 each add 1 to a shared counter ITERS times with an unlocked read-modify-write
// (load, some work, store). When the interleaving switches cores inside that window, an update is lost.
// Which updates are lost depends only on the schedule: chemu reproduces it from a seed or a recorded
// schedule. Prints the total and the number lost. Exit: 0 no update lost, 1 some lost, 2 did not finish.
#include "guest.h"

#define ITERS 1500u

static volatile uint64_t counter;
static volatile uint32_t go, finished[2];

static void work(unsigned core) {
    for (uint32_t i = 0; i < ITERS; i++) {
        uint64_t v = counter;                              // read ...
        for (volatile int k = 0; k < 2; k++) {}            // ... a little work in the window ...
        counter = v + 1;                                   // ... write back
    }
    store_release(&finished[core], 1);
}

int guest_main(unsigned core) {
    if (core > 1) return 0;                                // cores 2 and 3 park
    if (core == 1) {
        if (wait_eq(&go, 1) == 0) work(1);
        return 0;
    }
    if (smp_start_secondaries()) return 2;
    store_release(&go, 1);
    work(0);
    if (wait_eq(&finished[1], 1)) return 2;
    uint64_t lost = 2 * ITERS - counter;
    kprintf("race: counter = %lu, lost %lu updates\n", counter, lost);
    return lost ? 1 : 0;
}

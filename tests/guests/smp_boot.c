// smp_boot: all four cores come up (by themselves, or released through the spin table by core 0) and
// each reports a distinct MPIDR_EL1.Aff0 and runs at EL1. Core 0 prints the results in core order.
// Exit: 0 ok, 1 not all cores arrived in time, 2 more arrivals than cores, 3 duplicate/wrong Aff0,
// 4 a core is not at EL1.
#include "guest.h"

static volatile uint32_t arrivals;                 // bumped atomically by each arriving core
static volatile uint64_t arrival_mpidr[2 * NCORES]; // MPIDR per arrival slot (duplicates would show)
static volatile uint64_t core_mpidr[NCORES];        // MPIDR per core id (Aff0), for the report
static volatile uint32_t core_el[NCORES];

static void arrive(unsigned core) {
    uint64_t mpidr = read_sysreg(mpidr_el1);
    core_mpidr[core] = mpidr;
    core_el[core] = current_el();
    uint32_t slot = atomic_fetch_add(&arrivals, 1);
    if (slot < 2 * NCORES) arrival_mpidr[slot] = mpidr;
}

int guest_main(unsigned core) {
    if (core != 0) {
        arrive(core);
        return 0;                                 // park
    }
    kprintf("smp_boot: core 0 up, starting secondaries\n");
    arrive(0);
    if (smp_start_secondaries() || wait_eq(&arrivals, NCORES)) {
        kprintf("smp_boot: FAIL, only %u cores arrived\n", load_acquire(&arrivals));
        return 1;
    }
    for (unsigned c = 0; c < NCORES; c++)
        kprintf("core %u up, mpidr=0x%lx\n", c, core_mpidr[c]);

    if (load_acquire(&arrivals) != NCORES) return 2;
    uint32_t seen = 0;                            // Aff0 of every arrival must be distinct and < NCORES
    for (unsigned i = 0; i < NCORES; i++) {
        unsigned aff0 = arrival_mpidr[i] & 0xff;
        if (aff0 >= NCORES || (seen & (1u << aff0))) return 3;
        seen |= 1u << aff0;
    }
    for (unsigned c = 0; c < NCORES; c++)
        if (core_el[c] != 1) return 4;
    kprintf("smp_boot: all %u cores at EL1 with distinct Aff0: PASS\n", NCORES);
    return 0;
}

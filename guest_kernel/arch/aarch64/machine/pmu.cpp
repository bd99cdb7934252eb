// The PMU cycle counter for user-space measurements (guest_user/apps/ipc_bench.cpp): counting on,
// EL0 may read PMCCNTR_EL0. On chemu it reads the core's virtual cycle counter (docs/timing.md);
// on QEMU and hardware it is the A53's cycle counter.
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysreg.h"

void enable_pmu_user_access() {
    write_sysreg(pmccfiltr_el0, 0);                              // count at EL0 and EL1
    write_sysreg(pmcr_el0, read_sysreg(pmcr_el0) | 1);           // E: counters on
    write_sysreg(pmcntenset_el0, 1UL << 31);                     // C: the cycle counter
    write_sysreg(pmuserenr_el0, (1UL << 0) | (1UL << 2));        // EN, CR: EL0 reads it
    isb();
}

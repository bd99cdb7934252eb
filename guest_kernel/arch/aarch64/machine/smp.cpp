// SMP bring-up and per-CPU data.
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "common/macro.h"

per_cpu_info cpu_info[PLAT_CPU_NUM];
volatile cpu_state cpu_status[PLAT_CPU_NUM];

void init_per_cpu_info(u64 cpuid) {
    cpu_info[cpuid].cpu_id = cpuid;
    cpu_info[cpuid].cur_thread = nullptr;
    cpu_info[cpuid].stack_owner = nullptr;
    write_sysreg(tpidr_el1, &cpu_info[cpuid]);
    enable_pmu_user_access();
}

// Releases the secondaries one at a time: each must report cpu_run before the next is let go,
// which keeps their boot messages in order. The flag is read by a core whose MMU is still off
// (non-cacheable), so the store is cleaned to the point of coherency.
void enable_smp_cores(paddr_t boot_flag_pa) {
    volatile u64* flags = phys_to_ptr<volatile u64>(boot_flag_pa);
    cpu_status[0] = cpu_run;
    for (u64 i = 1; i < PLAT_CPU_NUM; ++i) {
        flags[i] = 1;
        asm volatile("dc civac, %0\n dsb sy" ::"r"(&flags[i]) : "memory");
        while (cpu_status[i] != cpu_run) {
        }
    }
    kinfo("All %d CPUs are active\n", PLAT_CPU_NUM);
}

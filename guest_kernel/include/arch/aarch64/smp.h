// Per-CPU data, found through TPIDR_EL1 (set once per CPU at boot, never changed).
#pragma once
#include "common/machine.h"
#include "common/types.h"

struct thread;

enum cpu_state : u32 { cpu_hang = 0, cpu_run = 1 };

// The exception entry code reads these by offset: keep the first fields in this order.
struct per_cpu_info {
    u64 cpu_id;                 // offset 0
    thread* cur_thread;         // offset 8: the thread this CPU runs (or an idle thread)
    thread* stack_owner;        // offset 16: the thread whose kernel stack this CPU runs on
    u64 pad[5];
} __attribute__((aligned(64)));

extern per_cpu_info cpu_info[PLAT_CPU_NUM];
extern volatile cpu_state cpu_status[PLAT_CPU_NUM];

// Also enables this CPU's cycle counter for EL0 (arch/aarch64/machine/pmu.cpp).
void init_per_cpu_info(u64 cpuid);
void enable_pmu_user_access();
void enable_smp_cores(paddr_t boot_flag_pa);

inline per_cpu_info* this_cpu() {
    per_cpu_info* p;
    asm volatile("mrs %0, tpidr_el1" : "=r"(p));
    return p;
}
inline u32 smp_get_cpu_id() { return static_cast<u32>(this_cpu()->cpu_id); }

// The C part of boot, run with the MMU off at physical addresses (linked low, see linker.ld).
// Nothing here may call into the high kernel: only code in this directory is reachable.
#include "boot.h"

using u32 = unsigned int;
using u64 = unsigned long;

extern "C" {
// Released by enable_smp_cores (through the kernel's linear map) once the kernel is ready.
alignas(64) volatile u64 secondary_boot_flag[PLAT_CPU_NUM];
alignas(16) char boot_cpu_stack[PLAT_CPU_NUM][INIT_STACK_SIZE];
extern char _start[];
extern char bss_start_phys[], bss_end_phys[];

void init_boot_pt();
void el1_mmu_activate();
[[noreturn]] void start_kernel(u64 boot_flag_pa);
[[noreturn]] void start_secondary_kernel(u64 cpuid);
void init_c();
void secondary_init_c(u64 cpuid);
}

namespace {

constexpr u64 UART_DR = 0x3f201000;
constexpr u64 UART_FR = 0x3f201018;

void early_putc(char c) {
    while (*reinterpret_cast<volatile u32*>(UART_FR) & (1u << 5)) {
    }
    *reinterpret_cast<volatile u32*>(UART_DR) = static_cast<u32>(c);
}

void early_puts(const char* s) {
    for (; *s; ++s) {
        if (*s == '\n') early_putc('\r');
        early_putc(*s);
    }
}

// The ELF loader zero-fills .bss, but a raw image carries none: clear it ourselves. Volatile
// stores keep the compiler from turning the loop into a memset call into the high kernel.
void clear_bss() {
    for (volatile u64* p = reinterpret_cast<volatile u64*>(bss_start_phys);
         p < reinterpret_cast<volatile u64*>(bss_end_phys); ++p)
        *p = 0;
}

// Cores parked in a spin table (chemu's or the firmware's) start at the slot's address after SEV.
// Cores that QEMU started at the entry already run _start; the write is harmless for them.
void wakeup_other_cores() {
    for (u64 core = 1; core < PLAT_CPU_NUM; ++core)
        *reinterpret_cast<volatile u64*>(SPIN_TABLE_BASE + 8 * core) = reinterpret_cast<u64>(_start);
    asm volatile("dsb sy\n sev" ::: "memory");
}

// Parks a secondary core in WFI until its boot flag is set. The flag is plain memory and a store
// does not wake WFI, so the core's physical timer (routed to its IRQ line, masked in PSTATE)
// wakes it every ~1 ms to look again.
void park_until_released(u64 cpuid) {
    volatile u32* route = reinterpret_cast<volatile u32*>(LOCAL_TIMER_CTL(cpuid));
    *route = LOCAL_TIMER_CNTPNS_IRQ;
    u64 freq;
    asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));
    u64 tick = freq / 1000 ? freq / 1000 : 1;
    while (secondary_boot_flag[cpuid] == 0) {
        asm volatile("msr cntp_tval_el0, %0\n msr cntp_ctl_el0, %1\n isb" ::"r"(tick), "r"(1UL));
        if (secondary_boot_flag[cpuid] != 0) break;
        asm volatile("wfi" ::: "memory");
    }
    asm volatile("msr cntp_ctl_el0, xzr\n isb");
    *route = 0;
}

}  // namespace

extern "C" void init_c() {
    early_puts("[BOOT] primary core at EL1, MMU off\n");
    clear_bss();
    init_boot_pt();
    wakeup_other_cores();
    el1_mmu_activate();
    early_puts("[BOOT] MMU on, jumping to the kernel\n");
    start_kernel(reinterpret_cast<u64>(secondary_boot_flag));
}

extern "C" void secondary_init_c(u64 cpuid) {
    park_until_released(cpuid);
    el1_mmu_activate();
    start_secondary_kernel(cpuid);
}

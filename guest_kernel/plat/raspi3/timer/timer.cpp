// The EL1 physical timer (CNTP) of each core, TICK_MS apart, routed to the core's IRQ line by the
// local interrupt controller.
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "common/machine.h"
#include "plat/raspi3/irq.h"

namespace {
constexpr u64 LOCAL_BASE = phys_to_virt(0x40000000);
constexpr u64 CORE_TIMER_CTL(u32 cpu) { return LOCAL_BASE + 0x40 + 4 * cpu; }
}  // namespace

u64 cntp_freq;
u64 cntp_tval;

void plat_timer_init() {
    cntp_freq = read_sysreg(cntfrq_el0);
    cntp_tval = cntp_freq * TICK_MS / 1000;
    write_sysreg(cntp_tval_el0, cntp_tval);
    write_sysreg(cntp_ctl_el0, 1);  // ENABLE, not masked
    isb();
    put32(CORE_TIMER_CTL(smp_get_cpu_id()), INT_SRC_TIMER1);
    // EL0 may read CNTVCT_EL0 (EL0VCTEN): user programs time themselves (bench: yield ping-pong).
    write_sysreg(cntkctl_el1, read_sysreg(cntkctl_el1) | 2);
    if (smp_get_cpu_id() == 0)
        printk("[TEST] Physical Timer was successfully initialized!: OK: 0xDEADBEEF\n");
}

u32 plat_timer_routing(u32 cpu) { return get32(CORE_TIMER_CTL(cpu)); }

// Re-arms the timer, which also lowers its (level-triggered) interrupt.
void plat_handle_timer_irq() {
    write_sysreg(cntp_tval_el0, cntp_tval);
    isb();
}

// Interrupt sources of this core from the BCM2836 local block; IPIs through mailbox 0.
#include "plat/raspi3/irq.h"
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "common/machine.h"
#include "irq/irq.h"

namespace {
constexpr u64 LOCAL_BASE = phys_to_virt(0x40000000);
constexpr u64 MAILBOX_CTL(u32 cpu) { return LOCAL_BASE + 0x50 + 4 * cpu; }
constexpr u64 IRQ_SOURCE(u32 cpu) { return LOCAL_BASE + 0x60 + 4 * cpu; }
constexpr u64 MAILBOX0_SET(u32 cpu) { return LOCAL_BASE + 0x80 + 16 * cpu; }
constexpr u64 MAILBOX0_CLR(u32 cpu) { return LOCAL_BASE + 0xc0 + 16 * cpu; }
}  // namespace

void plat_enable_ipi() { put32(MAILBOX_CTL(smp_get_cpu_id()), 1); }

void plat_send_ipi(u32 cpu) {
    dsb_ish();
    put32(MAILBOX0_SET(cpu), 1);
}

void plat_handle_irq() {
    const u32 cpu = smp_get_cpu_id();
    const u32 src = get32(IRQ_SOURCE(cpu));
    if (src & INT_SRC_MAILBOX0) {
        put32(MAILBOX0_CLR(cpu), 0xffffffff);
        handle_ipi();
    }
    if (src & INT_SRC_TIMER1) handle_timer_irq();
}

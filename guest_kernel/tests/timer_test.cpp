// Per-CPU timer and IPI self-tests, in the lab's form ("<name>: OK: 0xDEADBEEF" or a panic).
#include "arch/aarch64/smp.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "irq/irq.h"
#include "plat/raspi3/irq.h"
#include "tests/tests.h"

extern u64 cntp_freq;
extern u64 cntp_tval;

namespace {
[[noreturn]] void timer_fail(const char* what, u64 a, u64 b) {
    printk("test_timer_init: FAIL on CPU %u: %s (0x%lx, 0x%lx)\n", smp_get_cpu_id(), what, a, b);
    BUG("test_timer_init");
}
}  // namespace

// Checks this CPU's timer as plat_timer_init left it; t0 is CNTPCT read just before that call.
// Catches: a timer left disabled or masked (no preemption on this CPU), a tick computed from the
// wrong frequency or unit, CVAL not armed from "now" (an interrupt storm or none for minutes), the
// line not routed to this core's IRQ (or routed to FIQ, which the kernel does not handle).
void test_timer_init(u64 t0) {
    const u64 t1 = read_sysreg(cntpct_el0);
    const u64 ctl = read_sysreg(cntp_ctl_el0);
    const u64 cval = read_sysreg(cntp_cval_el0);
    const u32 route = plat_timer_routing(smp_get_cpu_id());
    if (cntp_freq != read_sysreg(cntfrq_el0) || cntp_freq == 0) timer_fail("cntp_freq is not CNTFRQ_EL0", cntp_freq, 0);
    if (cntp_tval != cntp_freq * TICK_MS / 1000) timer_fail("cntp_tval is not TICK_MS worth of counts", cntp_tval, cntp_freq);
    if (!(ctl & 1) || (ctl & 2)) timer_fail("CNTP_CTL not enabled and unmasked", ctl, 0);
    if (cval < t0 + cntp_tval || cval > t1 + cntp_tval) timer_fail("CNTP_CVAL is not one tick after programming", cval, t0);
    if (!(route & INT_SRC_TIMER1) || (route & (INT_SRC_TIMER1 << 4))) timer_fail("CNTPNS not routed to IRQ", route, 0);
    printk("test_timer_init: OK: 0xDEADBEEF\n");
}

// Run on the primary once the others schedule: each other CPU must take an IPI (local mailbox 0)
// within a second. Catches: mailbox interrupts not enabled, the wrong mailbox address or bit, a
// handler that does not clear the mailbox (a storm: the count would still rise, but the CPU would
// never return to work, which the user tests catch).
void test_ipi() {
    const u64 second = read_sysreg(cntfrq_el0);
    for (u32 cpu = 0; cpu < PLAT_CPU_NUM; ++cpu) {
        if (cpu == smp_get_cpu_id()) continue;
        const u32 before = __atomic_load_n(&ipi_count[cpu], __ATOMIC_ACQUIRE);
        plat_send_ipi(cpu);
        const u64 start = read_sysreg(cntpct_el0);
        while (__atomic_load_n(&ipi_count[cpu], __ATOMIC_ACQUIRE) == before) {
            if (read_sysreg(cntpct_el0) - start > second) {
                printk("test_ipi: FAIL: CPU %u took no IPI within a second\n", cpu);
                BUG("test_ipi");
            }
        }
    }
    printk("test_ipi: OK: 0xDEADBEEF\n");
}

// wfi_sleep: core 0 sleeps in WFI for 10 virtual seconds until its timer fires (the other cores park
// in WFI with nothing to wake them). On chemu every core waits, so virtual time jumps to the deadline:
// the run takes far less than a host second. Too slow for QEMU (10 real seconds): chemu only.
// Exit: 0 ok, 2 woke early.
#include "guest.h"

#define SECONDS 10u
#define LOCAL_TIMER_CONTROL(core) ((volatile uint32_t *)(uintptr_t)(0x40000040 + 4 * (core)))

static volatile uint32_t fired;

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ) return 0;
    write_sysreg(cntp_ctl_el0, 0);
    fired = 1;
    return 1;
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    trap_hook = on_trap;
    *LOCAL_TIMER_CONTROL(0) = 2;                         // CNTPNS -> IRQ
    uint64_t t0 = read_sysreg(cntpct_el0), ticks = read_sysreg(cntfrq_el0) * SECONDS;
    write_sysreg(cntp_cval_el0, t0 + ticks);
    write_sysreg(cntp_ctl_el0, 1);
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    while (!fired) __asm__ volatile("wfi");
    uint64_t slept = read_sysreg(cntpct_el0) - t0;
    kprintf("wfi_sleep: slept %lu ms of virtual time\n", slept / (read_sysreg(cntfrq_el0) / 1000));
    if (slept < ticks) return 2;
    kprintf("wfi_sleep: PASS\n");
    return 0;
}

// timer_tick: a 10 ms periodic EL1 physical timer on every core (CNTP, routed by the BCM2836 local
// interrupt controller to IRQ), WFI between ticks. Each tick re-arms CVAL += period, so tick k is due
// at start + k * period; a core's TICKS-th tick must not come early. On chemu it comes exactly then;
// QEMU's timer follows the host clock, so lateness up to LATE_PERIODS periods is tolerated there.
// Exit: 0 ok, 1 cores did not start, 2 a core did not finish, 3 a tick came early or late, 4 wrong CNTFRQ.
#include "guest.h"

#define TICKS 10u
#define LOCAL_TIMER_CONTROL(core) ((volatile uint32_t *)(uintptr_t)(0x40000040 + 4 * (core)))
#define CNTPNS_IRQ 2u
#define LATE_PERIODS 4u

static uint64_t period;
static volatile uint32_t setup_done, ticks[NCORES], finished[NCORES];
static volatile uint64_t start[NCORES], last[NCORES];

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ) return 0;
    unsigned core = core_id();
    last[core] = read_sysreg(cntpct_el0);
    if (++ticks[core] < TICKS) write_sysreg(cntp_cval_el0, read_sysreg(cntp_cval_el0) + period);
    else write_sysreg(cntp_ctl_el0, 0);  // the last tick: no 11th may slip in before IRQs are masked
    return 1;
}

static void run_ticks(unsigned core) {
    *LOCAL_TIMER_CONTROL(core) = CNTPNS_IRQ;
    start[core] = read_sysreg(cntpct_el0);
    write_sysreg(cntp_cval_el0, start[core] + period);
    write_sysreg(cntp_ctl_el0, 1);                      // ENABLE, not masked
    __asm__ volatile("msr daifclr, #2" ::: "memory");   // unmask IRQ
    while (ticks[core] < TICKS) __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    store_release(&finished[core], 1);
}

int guest_main(unsigned core) {
    if (core == 0) {
        uint64_t freq = read_sysreg(cntfrq_el0);
        if (freq != 62500000) return 4;
        period = freq / 100;                             // 10 ms
        trap_hook = on_trap;
        store_release(&setup_done, 1);                   // cores started with us wait for this
        if (smp_start_secondaries()) return 1;
    } else if (wait_eq(&setup_done, 1)) {
        return 0;
    }
    run_ticks(core);
    if (core != 0) return 0;
    for (unsigned c = 1; c < NCORES; c++)
        if (wait_eq(&finished[c], 1)) return 2;
    int status = 0;
    for (unsigned c = 0; c < NCORES; c++) {
        uint64_t due = start[c] + TICKS * period, got = last[c];
        int ok = got >= due && got < due + LATE_PERIODS * period;
        kprintf("timer_tick: core %u: %u ticks in %u periods: %s\n", c, ticks[c], TICKS, ok ? "on time" : "OFF");
        if (!ok) status = 3;
    }
    if (status == 0) kprintf("timer_tick: PASS\n");
    return status;
}

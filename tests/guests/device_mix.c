// device_mix: the seeded and timed devices together, for repeatability checks (tests/cli
// devices-determinism): core 0 draws words from the hardware RNG, prints them, and sleeps on system
// timer compare 1 for RNG-chosen delays; core 1 takes local timer ticks at an RNG-chosen period; core 2
// counts in a loop meanwhile, so the interleaving matters. chemu only: the RNG words (and so the output)
// are a function of --seed, the timing of virtual time. No .expected: the output depends on the seed.
// Exit: 0 ok, 1 cores did not start, 2 a wait ran out.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define RNG_CTRL   0x3f104000
#define RNG_STATUS 0x3f104004
#define RNG_DATA   0x3f104008
#define ST_CS      0x3f003000
#define ST_CLO     0x3f003004
#define ST_C1      0x3f003010
#define ENABLE_1   0x3f00b210
#define LT_ROUTING 0x40000024
#define LT_CONTROL 0x40000034
#define LT_IRQ     0x40000038
#define SLEEPS 3u
#define TICKS 4u

static volatile uint32_t period, ready, st_irqs, lt_ticks, counted, stop;

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ) return 0;
    if (core_id() == 0) { REG(ST_CS) = 1u << 1; st_irqs++; }
    if (core_id() == 1) {
        REG(LT_IRQ) = 1u << 31;
        if (++lt_ticks == TICKS) REG(LT_CONTROL) = 0;
    }
    return 1;
}

static int sleep_on_compare(uint32_t us) {
    uint32_t want = st_irqs + 1;
    REG(ST_C1) = REG(ST_CLO) + us;
    for (uint32_t n = 0; n < WAIT_SPINS && st_irqs < want; n++) __asm__ volatile("wfi");
    return st_irqs < want ? -1 : 0;
}

int guest_main(unsigned core) {
    if (core == 0) {
        trap_hook = on_trap;
        REG(RNG_CTRL) = 1;
        while (!(REG(RNG_STATUS) >> 24)) {}
        period = 3840 + (REG(RNG_DATA) & 0xfff);          // 100 us and up, in 38.4 MHz ticks
        dsb(sy);
        if (smp_start_secondaries()) return 1;
        store_release(&ready, 1);
    } else if (wait_eq(&ready, 1)) {
        return 0;
    }
    if (core == 1) {
        REG(LT_ROUTING) = 1;
        REG(LT_CONTROL) = (3u << 28) | period;
        __asm__ volatile("msr daifclr, #2" ::: "memory");
        for (uint32_t n = 0; n < WAIT_SPINS && lt_ticks < TICKS; n++) __asm__ volatile("wfi");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        return 0;
    }
    if (core == 2) {
        while (!load_acquire(&stop)) atomic_fetch_add(&counted, 1);
        return 0;
    }
    if (core != 0) return 0;
    REG(ENABLE_1) = 1u << 1;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (unsigned i = 0; i < SLEEPS; i++) {
        uint32_t w = REG(RNG_DATA);
        kprintf("device_mix: rng word 0x%08x, sleeping %u us\n", w, 100 + (w & 0x3ff));
        if (sleep_on_compare(100 + (w & 0x3ff))) return 2;
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    store_release(&stop, 1);
    for (uint32_t n = 0; n < WAIT_SPINS && lt_ticks < TICKS; n++) {}
    kprintf("device_mix: local timer period %u ticks, %u ticks on core 1, %u compare interrupts, core 2 counted %s\n",
            period, lt_ticks, st_irqs, counted ? "yes" : "no");
    return lt_ticks == TICKS ? 0 : 2;
}

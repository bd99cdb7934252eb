// sys_timer: the BCM2835 system timer (0x3f003000) and its interrupt through the BCM2835 interrupt
// controller and the BCM2836 GPU routing. The 1 MHz counter must advance; compare 0 (interrupt not
// enabled) must set its CS bit without anything pending; compare 1, 10 ms ahead with GPU interrupt 1
// enabled, must wake core 0 from WFI with IRQ source bit 8 (GPU), pending-1 bit 1 and CS bit 1, not
// before the compare value; acknowledging CS must drop the interrupt. Values that depend on QEMU's host
// clock are printed as yes/no.
// Exit: 0 ok, 1 counter did not advance, 2 compare 0 never matched, 3 no interrupt, 4 wrong sources,
// 5 early, 6 not acknowledged.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define ST_CS  0x3f003000
#define ST_CLO 0x3f003004
#define ST_CHI 0x3f003008
#define ST_C(n) (0x3f00300c + 4 * (n))
#define IRQ_BASIC_PENDING 0x3f00b200
#define IRQ_PENDING_1     0x3f00b204
#define ENABLE_IRQS_1     0x3f00b210
#define DISABLE_IRQS_1    0x3f00b21c
#define CORE0_IRQ_SOURCE  0x40000060
#define PERIOD_US 10000u

static volatile uint32_t irqs, src, basic, pending, cs, clo_at_irq;

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ) return 0;
    clo_at_irq = REG(ST_CLO);
    src = REG(CORE0_IRQ_SOURCE);
    basic = REG(IRQ_BASIC_PENDING);
    pending = REG(IRQ_PENDING_1);
    cs = REG(ST_CS);
    REG(ST_CS) = 1u << 1;                  // acknowledge compare 1: its line drops
    irqs++;
    return 1;
}

static int wait_cs(uint32_t bit) {
    for (uint32_t n = 0; n < WAIT_SPINS; n++)
        if (REG(ST_CS) & bit) return 0;
    return -1;
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    trap_hook = on_trap;

    uint32_t t0 = REG(ST_CLO);
    for (volatile int i = 0; i < 100000; i++) {}
    uint32_t t1 = REG(ST_CLO);
    kprintf("sys_timer: counter advanced: %s, CHI 0x%x\n", t1 != t0 ? "yes" : "no", REG(ST_CHI));
    if (t1 == t0) return 1;

    REG(ST_C(0)) = REG(ST_CLO) + 100;      // matches, but its interrupt is not enabled
    if (wait_cs(1u << 0)) return 2;
    kprintf("sys_timer: compare 0 matched: CS 0x%x, pending 1 0x%x, IRQ source 0x%x\n",
            REG(ST_CS), REG(IRQ_PENDING_1), REG(CORE0_IRQ_SOURCE));
    REG(ST_CS) = 1u << 0;
    kprintf("sys_timer: after acknowledging: CS 0x%x\n", REG(ST_CS));

    uint32_t due = REG(ST_CLO) + PERIOD_US;
    REG(ST_C(1)) = due;
    REG(ENABLE_IRQS_1) = 1u << 1;          // GPU interrupt 1: system timer compare 1
    kprintf("sys_timer: C1 reads back: %s, enable 1 0x%x\n", REG(ST_C(1)) == due ? "yes" : "no", REG(ENABLE_IRQS_1));
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (uint32_t n = 0; n < WAIT_SPINS && !irqs; n++) __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    if (!irqs) return 3;
    kprintf("sys_timer: interrupt: IRQ source 0x%x, basic pending 0x%x, pending 1 0x%x, CS 0x%x\n", src, basic, pending, cs);
    int early = (int32_t)(clo_at_irq - due) < 0;
    kprintf("sys_timer: not before the compare: %s\n", early ? "no" : "yes");
    kprintf("sys_timer: after acknowledging: CS 0x%x, pending 1 0x%x, IRQ source 0x%x\n",
            REG(ST_CS), REG(IRQ_PENDING_1), REG(CORE0_IRQ_SOURCE));
    REG(DISABLE_IRQS_1) = 1u << 1;
    if (src != 0x100 || pending != 0x2 || basic != 0x100 || (cs & 2) == 0) return 4;
    if (early) return 5;
    if (REG(ST_CS) || REG(IRQ_PENDING_1) || REG(CORE0_IRQ_SOURCE)) return 6;
    kprintf("sys_timer: PASS\n");
    return 0;
}

// local_timer: the BCM2836 local timer (0x40000034/38, routing 0x40000024) as a periodic 1 ms tick on
// core 1: core 1 sleeps in WFI with IRQs unmasked and counts TICKS interrupts, each seen as IRQ source
// bit 11 and acknowledged through 0x40000038 (clear flag); then the timer is stopped. Core 0 checks the
// register read-back (control keeps what was written, plus the flag; 0x38 reads 0; routing keeps 3
// bits), that the tick went to core 1 only, and that a FIQ routing shows in core 3's FIQ source.
// Exit: 0 ok, 1 cores did not start, 2 core 1 did not get its ticks, 3 wrong source bits,
// 4 wrong read-back, 5 FIQ routing.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define LT_ROUTING 0x40000024
#define LT_CONTROL 0x40000034
#define LT_IRQ     0x40000038
#define IRQ_SOURCE(c) (0x40000060 + 4 * (c))
#define FIQ_SOURCE(c) (0x40000070 + 4 * (c))
#define LT_FLAG (1u << 31)
#define LT_RELOAD (1u << 30)
#define LT_INT_ENABLE (1u << 29)
#define LT_ENABLE (1u << 28)
#define RELOAD_1MS 38400u                  // 38.4 MHz
#define TICKS 5u

static volatile uint32_t ready, ticks, first_source, other_core_source, done;

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ || core_id() != 1) return 0;
    uint32_t s = REG(IRQ_SOURCE(1));
    if (ticks == 0) {
        first_source = s;
        other_core_source = REG(IRQ_SOURCE(0)) | REG(IRQ_SOURCE(2)) | REG(IRQ_SOURCE(3));
    }
    REG(LT_IRQ) = LT_FLAG;                 // acknowledge; the timer reloads by itself
    if (++ticks == TICKS) REG(LT_CONTROL) = 0;
    return 1;
}

static int wait_flag(void) {
    for (uint32_t n = 0; n < WAIT_SPINS; n++)
        if (REG(LT_CONTROL) & LT_FLAG) return 0;
    return -1;
}

int guest_main(unsigned core) {
    if (core == 0) {
        trap_hook = on_trap;
        dsb(sy);
        if (smp_start_secondaries()) return 1;
    }
    if (core == 1) {
        __asm__ volatile("msr daifclr, #2" ::: "memory");
        store_release(&ready, 1);
        for (uint32_t n = 0; n < WAIT_SPINS && ticks < TICKS; n++) __asm__ volatile("wfi");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        store_release(&done, 1);
        return 0;
    }
    if (core != 0) return 0;
    if (wait_eq(&ready, 1)) return 1;

    REG(LT_ROUTING) = 0xf9;                // only bits 0-2 stick: core 1, IRQ
    uint32_t routing = REG(LT_ROUTING);
    REG(LT_CONTROL) = LT_ENABLE | LT_INT_ENABLE | RELOAD_1MS;
    uint32_t control = REG(LT_CONTROL) & ~LT_FLAG;
    kprintf("local_timer: routing 0x%x, control 0x%x, 0x38 reads 0x%x\n", routing, control, REG(LT_IRQ));
    if (wait_eq(&done, 1) || ticks != TICKS) return 2;
    kprintf("local_timer: core 1 took %u ticks, IRQ source 0x%x, other cores 0x%x\n", ticks, first_source, other_core_source);
    kprintf("local_timer: stopped: control 0x%x, core 1 IRQ source 0x%x\n", REG(LT_CONTROL), REG(IRQ_SOURCE(1)));
    if (first_source != 0x800 || other_core_source != 0 || REG(IRQ_SOURCE(1)) != 0) return 3;
    if (routing != 1 || control != (LT_ENABLE | LT_INT_ENABLE | RELOAD_1MS)) return 4;

    REG(LT_ROUTING) = 4 | 3;               // core 3, FIQ (core 3's FIQs stay masked)
    REG(LT_CONTROL) = LT_ENABLE | LT_INT_ENABLE | 384;
    if (wait_flag()) return 5;
    uint32_t fiq3 = REG(FIQ_SOURCE(3)), irq3 = REG(IRQ_SOURCE(3));
    REG(LT_IRQ) = LT_FLAG | LT_RELOAD;
    REG(LT_CONTROL) = 0;
    kprintf("local_timer: routed to FIQ of core 3: FIQ source 0x%x, IRQ source 0x%x\n", fiq3, irq3);
    if (fiq3 != 0x800 || irq3 != 0) return 5;
    kprintf("local_timer: PASS\n");
    return 0;
}

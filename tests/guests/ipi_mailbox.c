// ipi_mailbox: core 0 interrupts core 3 through BCM2836 mailbox 0 (write-set at 0x400000b0). Core 3
// sleeps in WFI with mailbox-0 IRQs enabled; its handler checks the IRQ source bit, reads the value,
// clears it (write-1s-to-clear at 0x400000f0) and checks that mailbox and source bit are clear after.
// Exit: 0 ok, 1 cores did not start, 2 no IPI arrived, 3 wrong source/value, 4 not cleared.
#include "guest.h"

#define REG(a) ((volatile uint32_t *)(uintptr_t)(a))
#define MAILBOX_CONTROL(core) REG(0x40000050 + 4 * (core))
#define IRQ_SOURCE(core) REG(0x40000060 + 4 * (core))
#define MAILBOX_SET(core, n) REG(0x40000080 + 16 * (core) + 4 * (n))
#define MAILBOX_CLEAR(core, n) REG(0x400000c0 + 16 * (core) + 4 * (n))
#define TARGET 3u
#define VALUE 0x5au

static volatile uint32_t ready, got_value, got_source, after_value, after_source, done;

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ) return 0;
    got_source = *IRQ_SOURCE(TARGET);
    got_value = *MAILBOX_CLEAR(TARGET, 0);
    *MAILBOX_CLEAR(TARGET, 0) = got_value;
    after_value = *MAILBOX_CLEAR(TARGET, 0);
    after_source = *IRQ_SOURCE(TARGET);
    store_release(&done, 1);
    return 1;
}

int guest_main(unsigned core) {
    if (core == 0) {
        trap_hook = on_trap;
        dsb(sy);
        if (smp_start_secondaries()) return 1;
    }
    if (core == TARGET) {
        *MAILBOX_CONTROL(TARGET) = 1;                   // mailbox 0 -> IRQ
        __asm__ volatile("msr daifclr, #2" ::: "memory");
        store_release(&ready, 1);
        while (!load_acquire(&done)) __asm__ volatile("wfi");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        return 0;
    }
    if (core != 0) return 0;
    if (wait_eq(&ready, 1)) return 1;
    *MAILBOX_SET(TARGET, 0) = VALUE;
    if (wait_eq(&done, 1)) return 2;
    kprintf("ipi_mailbox: core %u got 0x%x (IRQ source 0x%x) from core 0\n", TARGET, got_value, got_source);
    kprintf("ipi_mailbox: after clear: mailbox 0x%x, IRQ source 0x%x\n", after_value, after_source);
    if (got_value != VALUE || got_source != 0x10) return 3;
    if (after_value != 0 || after_source != 0) return 4;
    kprintf("ipi_mailbox: PASS\n");
    return 0;
}

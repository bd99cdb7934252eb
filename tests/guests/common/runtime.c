// C side of the runtime: per-core entry, spin-table release of secondaries, default trap handler,
// and the memset/memcpy the compiler may call even in freestanding code.
#include "guest.h"

volatile uint32_t cpu_online[NCORES];
int (*trap_hook)(struct trap_frame *f, unsigned kind);

// Called by start.S on every core at EL1 with its own stack and .bss zeroed.
void runtime_entry(unsigned core) {
    store_release(&cpu_online[core], 1);
    int status = guest_main(core);
    if (core == 0) sh_exit((uint32_t)status);
}

int smp_start_secondaries(void) {
    // Cores that started at the entry themselves (chemu --boot all, QEMU with an ELF) may already be
    // online; writing their slot anyway would be harmless, but only the missing ones need it.
    for (unsigned c = 1; c < NCORES; c++)
        if (!load_acquire(&cpu_online[c]))
            *(volatile uint64_t *)(uintptr_t)(0xd8 + 8 * c) = (uint64_t)(uintptr_t)_start;
    dsb(sy);   // slots visible before the event
    sev();     // spinning cores wake (real hardware and chemu need it; QEMU's stub polls anyway)
    for (unsigned c = 1; c < NCORES; c++)
        if (wait_eq(&cpu_online[c], 1)) return -1;
    return 0;
}

static const char *const kind_names[4] = {"sync", "irq", "fiq", "serror"};

void trap_dispatch(struct trap_frame *f, unsigned kind) {
    if (trap_hook && trap_hook(f, kind)) return;
    kprintf("unexpected %s exception (vector %u) on core %u: esr=0x%lx elr=0x%lx far=0x%lx spsr=0x%lx\n",
            kind_names[kind & 3], kind, core_id(), f->esr, f->elr, f->far, f->spsr);
    sh_exit(EXIT_UNEXPECTED_TRAP);
}

void *memset(void *d, int c, unsigned long n) {
    for (unsigned char *p = d; n--; ) *p++ = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, unsigned long n) {
    unsigned char *dp = d;
    for (const unsigned char *sp = s; n--; ) *dp++ = *sp++;
    return d;
}

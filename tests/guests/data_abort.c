// data_abort: MMU on with an identity map (mmu.c) that leaves the 2 MiB block at 0x20000000 unmapped;
// a load from 0x20000123 at EL1 must take a synchronous exception to VBAR_EL1 + 0x200 with
// ESR_EL1.EC = 0x25 (data abort, same EL), DFSC = translation fault level 2 (the hole is an invalid
// level-2 entry), WnR = 0, FAR_EL1 = the address, ELR_EL1 = the load. The handler skips the load and
// puts a marker in its destination register.
// Exit: 0 ok, 1 no abort taken, 2 wrong vector, 3 wrong EC, 4 wrong DFSC/WnR, 5 wrong FAR, 6 wrong ELR,
// 7 wrong value after return, 8 mapped memory unreadable with the MMU on.
#include "guest.h"
#include "mmu.h"

#define HOLE       0x20000000ull
#define FAULT_VA   (HOLE + 0x123)
#define MARKER     0xbad0bad0u

// uint32_t probe_load(uint64_t va): a single LDR at a known address (probe_load_insn).
__asm__(".text\n.global probe_load, probe_load_insn\n"
        "probe_load:\n"
        "probe_load_insn: ldr w0, [x0]\n"
        "    ret\n");
uint32_t probe_load(uint64_t va);
extern char probe_load_insn[];

static volatile uint32_t aborts;
static uint64_t seen_esr, seen_far, seen_elr;
static unsigned seen_kind;

static int on_trap(struct trap_frame *f, unsigned kind) {
    if (ESR_EC(f->esr) != 0x25 || aborts) return 0;   // only the one expected abort
    aborts++;
    seen_kind = kind;
    seen_esr = f->esr;
    seen_far = f->far;
    seen_elr = f->elr;
    f->x[0] = MARKER;          // the load's destination (w0)
    f->elr += 4;               // skip the load
    return 1;
}

static volatile uint32_t mapped_word = 0x600dcafe;

int guest_main(unsigned core) {
    if (core != 0) return 0;
    trap_hook = on_trap;
    mmu_build_identity();
    pt_l2[HOLE >> 21] = 0;     // invalid level-2 entry: 0x20000000-0x201fffff unmapped
    dsb(ish);
    mmu_enable();
    kprintf("data_abort: MMU on, reading 0x%lx\n", FAULT_VA);
    if (probe_load((uintptr_t)&mapped_word) != 0x600dcafe) return 8;

    uint32_t v = probe_load(FAULT_VA);
    if (!aborts) return 1;
    uint64_t dfsc = seen_esr & 0x3f, wnr = (seen_esr >> 6) & 1;
    kprintf("ESR_EL1 = 0x%lx (EC 0x%lx, DFSC 0x%lx), FAR_EL1 = 0x%lx\n",
            seen_esr, ESR_EC(seen_esr), dfsc, seen_far);
    kprintf("ELR_EL1 %s the faulting load, load returned 0x%x\n",
            seen_elr == (uintptr_t)probe_load_insn ? "=" : "!=", v);
    if (seen_kind != (TRAP_CUR_SPX | TRAP_SYNC)) return 2;
    if (ESR_EC(seen_esr) != 0x25) return 3;
    if (dfsc != 0x06 || wnr) return 4;                // 0b000110: translation fault, level 2
    if (seen_far != FAULT_VA) return 5;
    if (seen_elr != (uintptr_t)probe_load_insn) return 6;
    if (v != MARKER) return 7;
    kprintf("data_abort: PASS\n");
    return 0;
}

// el2_hvc: the boot path through EL3/EL2 and an exception taken to EL2. start.S recorded the EL core 0
// started at (entry_el: 3 for an ELF, 2 for a raw image, on QEMU and chemu alike) and, on its way down,
// installed el2_vectors as VBAR_EL2. From EL1 the guest calls `hvc #0x42` and `hvc #0x1234`; the EL2
// handler returns what it saw (x0 = CurrentEL, x1 = ESR_EL2, x2 = ELR_EL2, x3 = SPSR_EL2) and ERETs.
// Every line printed is the same whichever of EL3 or EL2 the guest entered at.
// Exit: 0 ok, 1 not entered at EL2 or EL3 (chemu --entry-el 1: no EL2 to test), 2 not running at EL1,
// 3 handler not at EL2, 4 wrong ESR_EL2 (EC 0x16, IL 1, ISS = imm16), 5 ELR_EL2 not the instruction
// after the HVC, 6 SPSR_EL2.M not EL1h, 7 not back at EL1 after the ERET. An exception other than HVC
// taken to EL2 exits 0x75 from el2_vectors.S.
#include "guest.h"

struct hvc_result {
    uint64_t el, esr, elr, spsr;   // what the EL2 handler returned in x0..x3
    uint64_t site;                 // address of the HVC instruction
    unsigned el_after;             // CurrentEL.EL right after the ERET
};

// One HVC with immediate IMM; x0..x3 are the handler's results (the HVC clobbers exactly these).
#define HVC(IMM, r)                                                                           \
    do {                                                                                      \
        register uint64_t x0_ __asm__("x0") = 0xdead;   /* overwritten with CurrentEL */     \
        register uint64_t x1_ __asm__("x1");                                                  \
        register uint64_t x2_ __asm__("x2");                                                  \
        register uint64_t x3_ __asm__("x3");                                                  \
        uint64_t site_;                                                                       \
        __asm__ volatile("adr %4, 1f\n1: hvc #" #IMM                                         \
                         : "+r"(x0_), "=r"(x1_), "=r"(x2_), "=r"(x3_), "=&r"(site_)            \
                         :: "memory");                                                        \
        (r)->el = x0_, (r)->esr = x1_, (r)->elr = x2_, (r)->spsr = x3_, (r)->site = site_;    \
        (r)->el_after = current_el();                                                         \
    } while (0)

static uint32_t status;

static const char *check(int ok, uint32_t fail_status) {
    if (!ok && !status) status = fail_status;   // the first failed check names the exit status
    return ok ? "yes" : "no";
}

static void report(unsigned imm, const struct hvc_result *r) {
    kprintf("el2_hvc: hvc #0x%x handled at EL2: %s\n", imm, check(r->el == (2u << 2), 3));
    kprintf("el2_hvc: ESR_EL2 = 0x%lx (EC 0x%lx, IL %lu, ISS 0x%lx): %s\n", r->esr, ESR_EC(r->esr),
            (r->esr >> 25) & 1, ESR_ISS(r->esr), check(r->esr == ((0x16u << 26) | (1u << 25) | imm), 4));
    kprintf("el2_hvc: ELR_EL2 = the instruction after the HVC: %s\n", check(r->elr == r->site + 4, 5));
    kprintf("el2_hvc: SPSR_EL2.M = EL1h: %s\n", check((r->spsr & 0x1f) == 0x5, 6));
    kprintf("el2_hvc: back at EL1: %s\n", check(r->el_after == 1, 7));
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    unsigned entered = entry_el[0];
    kprintf("el2_hvc: entered at EL2 or EL3: %s\n", check(entered == 2 || entered == 3, 1));
    if (status) {
        kprintf("el2_hvc: entered at EL%u: no EL2 vectors, nothing to test\n", entered);
        return (int)status;
    }
    kprintf("el2_hvc: running at EL1: %s\n", check(current_el() == 1, 2));

    struct hvc_result r;
    HVC(0x42, &r);
    report(0x42, &r);
    HVC(0x1234, &r);   // a second immediate: the ISS is really the HVC's, not a constant
    report(0x1234, &r);

    kprintf("el2_hvc: %s\n", status ? "FAIL" : "PASS");
    return (int)status;
}

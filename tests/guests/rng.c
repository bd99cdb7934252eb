// rng: the hardware RNG (0x3f104000) through a typical driver's init: warm-up count in STATUS, mask its
// interrupt, enable, wait for words (STATUS bits 24-31), then read DATA. The words themselves differ
// between QEMU (host entropy) and chemu (seeded), so only their properties are printed.
// Exit: 0 ok, 1 register read-back, 2 no words available, 3 the words look constant.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define RNG_CTRL     0x3f104000
#define RNG_STATUS   0x3f104004
#define RNG_DATA     0x3f104008
#define RNG_INT_MASK 0x3f104010
#define WORDS 32   // a bit stuck by chance in 32 random words: odds about 1e-8

int guest_main(unsigned core) {
    if (core != 0) return 0;
    kprintf("rng: reset: CTRL 0x%x, STATUS 0x%x, INT_MASK 0x%x\n", REG(RNG_CTRL), REG(RNG_STATUS), REG(RNG_INT_MASK));
    REG(RNG_STATUS) = 0x40000;
    REG(RNG_INT_MASK) = REG(RNG_INT_MASK) | 1;
    REG(RNG_CTRL) = REG(RNG_CTRL) | 1;
    uint32_t ctrl = REG(RNG_CTRL), mask = REG(RNG_INT_MASK), warm = REG(RNG_STATUS) & 0xfffff;
    kprintf("rng: after init: CTRL 0x%x, INT_MASK 0x%x, warm-up count 0x%x\n", ctrl, mask, warm);
    if (ctrl != 1 || mask != 1 || warm != 0x40000) return 1;
    uint32_t n = 0;
    while (n < WAIT_SPINS && !(REG(RNG_STATUS) >> 24)) n++;
    kprintf("rng: words available: %s\n", REG(RNG_STATUS) >> 24 ? "yes" : "no");
    if (!(REG(RNG_STATUS) >> 24)) return 2;
    uint32_t w[WORDS], distinct = 0, ored = 0, anded = ~0u;
    for (unsigned i = 0; i < WORDS; i++) {
        w[i] = REG(RNG_DATA);
        ored |= w[i];
        anded &= w[i];
    }
    for (unsigned i = 0; i < WORDS; i++) {
        unsigned seen = 0;
        for (unsigned j = 0; j < i; j++) seen |= w[j] == w[i];
        distinct += !seen;
    }
    int varied = distinct == WORDS && ored == 0xffffffff && anded == 0;  // every bit seen both ways
    kprintf("rng: %u words, all different and every bit varies: %s\n", WORDS, varied ? "yes" : "no");
    if (!varied) return 3;
    kprintf("rng: PASS\n");
    return 0;
}

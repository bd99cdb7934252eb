// unclaimed: peripherals neither QEMU 7.2 nor chemu models (the SP804 ARM timer, SPI0, I2S, I2C BSC0
// and BSC1, OTP) read as 0 and ignore writes, and the guest goes on: QEMU's "unimplemented" devices.
// On chemu each address is reported once on stderr (and in the trace); with --strict-mmio the first
// such access ends the run with exit 3 (tests/cli checks both). Holes between QEMU's devices are not
// used here: QEMU 7.2 lets them reach the RAM below (writes stick), chemu reads them as 0 too.
// Exit: 0 ok, 1 a write to an unmodelled register stuck.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))

static const struct { const char *what; uint32_t addr; } regs[] = {
    {"SP804 ARM timer load", 0x3f00b400},
    {"SP804 ARM timer control", 0x3f00b408},
    {"SPI0 CS", 0x3f204000},
    {"I2S CS", 0x3f203000},
    {"I2C BSC0 control", 0x3f205000},
    {"I2C BSC1 control", 0x3f804000},
    {"OTP bootmode", 0x3f20f000},
};

int guest_main(unsigned core) {
    if (core != 0) return 0;
    int status = 0;
    for (unsigned i = 0; i < sizeof regs / sizeof regs[0]; i++) {
        uint32_t before = REG(regs[i].addr);
        REG(regs[i].addr) = 0xa5a5a5a5;
        uint32_t after = REG(regs[i].addr);
        for (int k = 0; k < 3; k++) (void)REG(regs[i].addr);   // polling: still one report per address
        kprintf("unclaimed: %s: reads 0x%x, after writing 0xa5a5a5a5 reads 0x%x\n", regs[i].what, before, after);
        if (after != 0) status = 1;
    }
    if (status == 0) kprintf("unclaimed: PASS\n");
    return status;
}

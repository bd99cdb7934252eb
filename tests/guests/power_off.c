// power_off: the PM block's reset controller and watchdog (0x3f100000): reset values, the 0x5a password
// rule (a write without it changes nothing), then the Raspberry Pi's power-off: boot partition 63 in
// RSTS (0x555), a short watchdog, a full reset through RSTC. QEMU and chemu end there with status 0;
// the guest never returns to semihosting on success.
// Exit (semihosting, on failure only): 1 read-back, 2 still running after the power-off request.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define PM_RSTC 0x3f10001c
#define PM_RSTS 0x3f100020
#define PM_WDOG 0x3f100024
#define PM_PASSWORD 0x5a000000u
#define PM_RSTC_FULL_RESET 0x20u

int guest_main(unsigned core) {
    if (core != 0) return 0;
    kprintf("power_off: reset values: RSTC 0x%x, RSTS 0x%x, WDOG 0x%x\n", REG(PM_RSTC), REG(PM_RSTS), REG(PM_WDOG));
    REG(PM_WDOG) = 0x123;                              // no password: ignored
    uint32_t without = REG(PM_WDOG);
    REG(PM_WDOG) = PM_PASSWORD | 0x123;
    uint32_t with = REG(PM_WDOG);
    kprintf("power_off: WDOG after a write without the password 0x%x, with it 0x%x\n", without, with);
    if (without != 0 || with != 0x123) return 1;

    kprintf("power_off: powering off\n");
    uint32_t rsts = REG(PM_RSTS) & ~0xaaau;            // partition bits are 0, 2, 4, 6, 8, 10
    REG(PM_RSTS) = PM_PASSWORD | rsts | 0x555;         // partition 63: halt
    REG(PM_WDOG) = PM_PASSWORD | 10;
    REG(PM_RSTC) = PM_PASSWORD | PM_RSTC_FULL_RESET;
    for (uint32_t n = 0; n < WAIT_SPINS; n++) __asm__ volatile("wfi");
    return 2;
}

// gpio: the GPIO block as a bare-metal driver uses it: pins 14/15 to ALT5 (the mini UART's) by
// read-modify-write of GPFSEL1, the pull-up/down sequence (GPPUD, GPPUDCLK0), an LED-style output on
// pin 47 driven through GPSET1/GPCLR1, and GPFSEL5 keeping only pins 50-53. Prints what it read back.
// Exit: 0 ok, 1 a function select did not read back, 2 a level was wrong, 3 a register QEMU reads as 0 did not.
#include "guest.h"

#define REG(off) (*(volatile uint32_t *)(uintptr_t)(0x3f200000 + (off)))
#define GPFSEL1 0x04
#define GPFSEL4 0x10
#define GPFSEL5 0x14
#define GPSET0 0x1c
#define GPSET1 0x20
#define GPCLR0 0x28
#define GPCLR1 0x2c
#define GPLEV0 0x34
#define GPLEV1 0x38
#define GPEDS0 0x40
#define GPREN0 0x4c
#define GPPUD 0x94
#define GPPUDCLK0 0x98
#define LED_BIT (1u << (47 - 32))

static void delay(unsigned n) { for (volatile unsigned i = 0; i < n; i++) {} }

int guest_main(unsigned core) {
    if (core != 0) return 0;
    int status = 0;

    uint32_t sel = REG(GPFSEL1);
    sel &= ~((7u << 12) | (7u << 15));
    sel |= (2u << 12) | (2u << 15);                   // ALT5 on pins 14 and 15
    REG(GPFSEL1) = sel;
    kprintf("gpio: GPFSEL1 after ALT5 on pins 14/15: 0x%x\n", REG(GPFSEL1));
    if (REG(GPFSEL1) != 0x12000) status = 1;

    REG(GPPUD) = 0;                                    // disable pull-up/down, clock it into 14/15
    delay(150);
    REG(GPPUDCLK0) = (1u << 14) | (1u << 15);
    delay(150);
    REG(GPPUDCLK0) = 0;

    REG(GPFSEL4) = 1u << 21;                           // pin 47 (the Pi's ACT LED) as output
    kprintf("gpio: GPFSEL4 0x%x\n", REG(GPFSEL4));
    REG(GPSET1) = LED_BIT;
    uint32_t on = REG(GPLEV1);
    REG(GPCLR1) = LED_BIT;
    uint32_t off = REG(GPLEV1);
    kprintf("gpio: pin 47 level after set 0x%x, after clear 0x%x\n", on, off);
    if (on != LED_BIT || off != 0) status = 2;

    REG(GPSET0) = 0x80000001;
    REG(GPCLR0) = 0x00000001;
    kprintf("gpio: GPLEV0 0x%x, GPSET0 reads 0x%x\n", REG(GPLEV0), REG(GPSET0));
    if (REG(GPLEV0) != 0x80000000) status = 2;
    REG(GPCLR0) = 0xffffffff;

    REG(GPFSEL5) = 0xffffffff;
    kprintf("gpio: GPFSEL5 after writing all ones 0x%x\n", REG(GPFSEL5));
    if (REG(GPFSEL5) != 0xfff) status = 1;

    REG(GPREN0) = 1u << 17;
    REG(GPPUD) = 2;
    kprintf("gpio: GPREN0 0x%x, GPPUD 0x%x, GPEDS0 0x%x (QEMU 7.2 reads these as 0)\n",
            REG(GPREN0), REG(GPPUD), REG(GPEDS0));
    if (REG(GPREN0) || REG(GPPUD) || REG(GPEDS0)) status = 3;
    if (status == 0) kprintf("gpio: PASS\n");
    return status;
}

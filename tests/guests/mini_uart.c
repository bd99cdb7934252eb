// mini_uart: the AUX mini UART (UART1, 0x3f215000) as a guest's only console, and its receive
// interrupt. Everything is printed through AUX_MU_IO (nothing on the PL011: on QEMU the mini UART is
// the second serial port, given the console by mini_uart.qemu-args). The guest enables the receive
// interrupt (IER bit 0) and GPU interrupt 29, sleeps in WFI, and its handler drains the FIFO (LSR bit 0)
// up to a newline: the line from mini_uart.input. Then the transmit interrupt (IER bit 1), which is
// pending whenever enabled because the transmit FIFO is always empty.
// Exit: 0 ok, 1 register read-back, 2 no receive interrupt, 3 wrong line or status, 4 transmit interrupt.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define AUX_IRQ     0x3f215000
#define AUX_ENABLES 0x3f215004
#define MU_IO       0x3f215040
#define MU_IER      0x3f215044
#define MU_IIR      0x3f215048
#define MU_LCR      0x3f21504c
#define MU_LSR      0x3f215054
#define MU_CNTL     0x3f215060
#define MU_STAT     0x3f215064
#define MU_BAUD     0x3f215068
#define GPFSEL1     0x3f200004
#define ENABLE_1    0x3f00b210
#define DISABLE_1   0x3f00b21c
#define PENDING_1   0x3f00b204
#define IRQ_SOURCE0 0x40000060
#define LSR_DATA    0x01
#define LSR_TX_EMPTY 0x20
#define AUX_GPU_IRQ 29

static void mu_putc(char c) {
    for (uint32_t n = 0; n < WAIT_SPINS && !(REG(MU_LSR) & LSR_TX_EMPTY); n++) {}
    REG(MU_IO) = (uint8_t)c;
}
static void mu_puts(const char *s) { while (*s) mu_putc(*s++); }
static void mu_hex(uint32_t v) {
    mu_puts("0x");
    int started = 0;
    for (int i = 28; i >= 0; i -= 4) {
        unsigned d = (v >> i) & 15;
        if (d || started || i == 0) { mu_putc("0123456789abcdef"[d]); started = 1; }
    }
}
static void mu_field(const char *name, uint32_t v) { mu_puts(name); mu_hex(v); }

static char line[64];
static volatile uint32_t len, irqs, complete, irq_source, pending, iir;

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ) return 0;
    if (irqs++ == 0) { irq_source = REG(IRQ_SOURCE0); pending = REG(PENDING_1); iir = REG(MU_IIR); }
    while (REG(MU_LSR) & LSR_DATA) {
        char c = (char)REG(MU_IO);
        if (c == '\n') { complete = 1; REG(MU_IER) = 0; break; }
        if (len < sizeof line - 1) line[len++] = c;
    }
    return 1;
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    trap_hook = on_trap;
    REG(AUX_ENABLES) = REG(AUX_ENABLES) | 1;   // what a driver does first, then the pins
    REG(MU_CNTL) = 0;
    REG(MU_LCR) = 3;                             // 8 bits
    REG(MU_BAUD) = 270;                          // 115200 at 250 MHz
    uint32_t sel = REG(GPFSEL1) & ~((7u << 12) | (7u << 15));
    REG(GPFSEL1) = sel | (2u << 12) | (2u << 15);
    REG(MU_CNTL) = 3;
    mu_puts("mini_uart: hello from the mini UART\n");
    mu_field("mini_uart: AUX_ENABLES ", REG(AUX_ENABLES));
    mu_field(", CNTL ", REG(MU_CNTL));
    mu_field(", LCR ", REG(MU_LCR));
    mu_field(", BAUD ", REG(MU_BAUD));
    mu_puts(" (QEMU 7.2 does not keep LCR and BAUD)\n");

    REG(MU_IER) = 1;                             // receive interrupt
    uint32_t ier = REG(MU_IER);
    REG(ENABLE_1) = 1u << AUX_GPU_IRQ;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    for (uint32_t n = 0; n < WAIT_SPINS && !complete; n++) __asm__ volatile("wfi");
    __asm__ volatile("msr daifset, #2" ::: "memory");
    line[len] = 0;
    mu_field("mini_uart: IER ", ier);
    mu_puts(complete ? ", receive interrupt: yes\n" : ", receive interrupt: no\n");
    if (!complete) return 2;
    mu_field("mini_uart: first interrupt: IRQ source ", irq_source);
    mu_field(", pending 1 ", pending);
    mu_field(", IIR ", iir);
    mu_puts("\nmini_uart: received \"");
    mu_puts(line);
    mu_puts("\"\n");
    uint32_t lsr = REG(MU_LSR), stat = REG(MU_STAT), idle_iir = REG(MU_IIR), irq = REG(AUX_IRQ);
    mu_field("mini_uart: drained: LSR ", lsr);
    mu_field(", STAT ", stat);
    mu_field(", IIR ", idle_iir);
    mu_field(", AUX_IRQ ", irq);
    mu_puts("\n");

    REG(MU_IER) = 2;                             // transmit interrupt: pending at once
    uint32_t tx_irq = REG(AUX_IRQ), tx_iir = REG(MU_IIR), tx_pending = REG(PENDING_1);
    REG(MU_IER) = 0;
    REG(DISABLE_1) = 1u << AUX_GPU_IRQ;
    mu_field("mini_uart: transmit interrupt: AUX_IRQ ", tx_irq);
    mu_field(", IIR ", tx_iir);
    mu_field(", pending 1 ", tx_pending);
    mu_puts("\n");
    const char *want = "hello, mini uart";
    for (unsigned i = 0; want[i] || line[i]; i++)
        if (want[i] != line[i]) return 3;
    if (irq_source != 0x100 || pending != (1u << AUX_GPU_IRQ) || lsr != 0x60 || stat != 0x30e || irq != 0) return 3;
    if (tx_irq != 1 || tx_iir != 0xc2 || tx_pending != (1u << AUX_GPU_IRQ)) return 4;
    mu_puts("mini_uart: PASS\n");
    return 0;
}

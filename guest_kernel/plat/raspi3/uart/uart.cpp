// PL011 UART0 at 0x3f201000, reached through the kernel's linear map.
#include "plat/raspi3/uart.h"
#include "arch/aarch64/sysreg.h"
#include "common/machine.h"

namespace {

constexpr u64 UART_BASE = phys_to_virt(0x3f201000);
constexpr u64 DR = UART_BASE + 0x00, FR = UART_BASE + 0x18, IBRD = UART_BASE + 0x24,
              FBRD = UART_BASE + 0x28, LCRH = UART_BASE + 0x2c, CR = UART_BASE + 0x30,
              IMSC = UART_BASE + 0x38, ICR = UART_BASE + 0x44;
constexpr u32 FR_RXFE = 1u << 4, FR_TXFF = 1u << 5;

}  // namespace

// 115200 8N1 with FIFOs, RX/TX enabled, interrupts masked (the console is polled).
void uart_init() {
    put32(CR, 0);
    put32(ICR, 0x7ff);
    put32(IBRD, 26);  // 48 MHz UART clock / (16 * 115200) = 26.04
    put32(FBRD, 3);
    put32(LCRH, (3u << 5) | (1u << 4));
    put32(IMSC, 0);
    put32(CR, (1u << 0) | (1u << 8) | (1u << 9));
}

void uart_send(u32 c) {
    while (get32(FR) & FR_TXFF) {
    }
    put32(DR, c);
}

int uart_recv_nb() {
    if (get32(FR) & FR_RXFE) return -1;
    return static_cast<int>(get32(DR) & 0xff);
}

// intc: the BCM2835 interrupt controller (0x3f00b200) with the BCM2836 GPU routing (0x4000000c).
// Enable/disable registers read back (disables as the complement); the PL011's interrupt (GPU 57, its
// transmit interrupt, raised by the last transmitted byte) shows in pending 2 and in basic pending
// (bits 9 and 19) once enabled, and is routed to core 2, which sleeps in WFI and takes it with IRQ
// source bit 8; the FIQ control selects it for the GPU FIQ, routed to core 3 (FIQs stay masked there);
// the VideoCore mailbox raises ARM interrupt 1 while a response waits, with its data IRQ enabled.
// Exit: 0 ok, 1 cores did not start, 2 enable read-back, 3 pending bits, 4 core 2 got no interrupt,
// 5 wrong routing/sources, 6 FIQ, 7 mailbox interrupt.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define BASIC_PENDING 0x3f00b200
#define PENDING_1     0x3f00b204
#define PENDING_2     0x3f00b208
#define FIQ_CONTROL   0x3f00b20c
#define ENABLE_1      0x3f00b210
#define ENABLE_2      0x3f00b214
#define ENABLE_BASIC  0x3f00b218
#define DISABLE_1     0x3f00b21c
#define DISABLE_2     0x3f00b220
#define DISABLE_BASIC 0x3f00b224
#define GPU_ROUTING   0x4000000c
#define IRQ_SOURCE(c) (0x40000060 + 4 * (c))
#define FIQ_SOURCE(c) (0x40000070 + 4 * (c))
#define UART_IMSC     0x3f201038
#define UART_MIS      0x3f201040
#define UART_TXIM     (1u << 5)
#define MBOX_READ     0x3f00b880
#define MBOX_STATUS   0x3f00b898
#define MBOX_CONFIG   0x3f00b89c
#define MBOX_WRITE    0x3f00b8a0
#define MBOX_EMPTY    (1u << 30)
#define TARGET 2u

static volatile uint32_t ready, got, source, others, mis, done;
static volatile uint32_t __attribute__((aligned(16))) mbox[8] = {32, 0, 0x00000001, 4, 0, 0, 0, 0};

static int on_trap(struct trap_frame *f, unsigned kind) {
    (void)f;
    if ((kind & 3) != TRAP_IRQ || core_id() != TARGET) return 0;
    source = REG(IRQ_SOURCE(TARGET));
    others = REG(IRQ_SOURCE(0)) | REG(IRQ_SOURCE(1)) | REG(IRQ_SOURCE(3));
    mis = REG(UART_MIS);
    REG(UART_IMSC) = 0;                    // the device drops its line
    got = 1;
    return 1;
}

int guest_main(unsigned core) {
    if (core == 0) {
        trap_hook = on_trap;
        dsb(sy);
        if (smp_start_secondaries()) return 1;
    }
    if (core == TARGET) {
        __asm__ volatile("msr daifclr, #2" ::: "memory");
        store_release(&ready, 1);
        for (uint32_t n = 0; n < WAIT_SPINS && !got; n++) __asm__ volatile("wfi");
        __asm__ volatile("msr daifset, #2" ::: "memory");
        store_release(&done, 1);
        return 0;
    }
    if (core != 0) return 0;
    if (wait_eq(&ready, 1)) return 1;

    REG(ENABLE_1) = 0x3;
    REG(ENABLE_1) = 1u << 29;
    REG(DISABLE_1) = 0x1;
    REG(ENABLE_BASIC) = 0x1ff;
    REG(DISABLE_BASIC) = 0x0f;
    kprintf("intc: enable 1 0x%x, disable 1 0x%x, enable basic 0x%x, disable basic 0x%x\n",
            REG(ENABLE_1), REG(DISABLE_1), REG(ENABLE_BASIC), REG(DISABLE_BASIC));
    int status = REG(ENABLE_1) == 0x20000002 && REG(DISABLE_1) == 0xdffffffd && REG(ENABLE_BASIC) == 0xf0 ? 0 : 2;
    REG(DISABLE_1) = 0xffffffff;
    REG(DISABLE_BASIC) = 0xff;

    REG(UART_IMSC) = UART_TXIM;            // the byte kprintf sent last left TXRIS set
    uint32_t p2_before = REG(PENDING_2);
    REG(ENABLE_2) = 1u << (57 - 32);
    uint32_t p2 = REG(PENDING_2), basic = REG(BASIC_PENDING), e2 = REG(ENABLE_2), d2 = REG(DISABLE_2);
    REG(FIQ_CONTROL) = 0x80 | 57;
    REG(GPU_ROUTING) = 3u << 2;            // FIQ -> core 3; IRQ still to core 0 (IRQs masked here)
    uint32_t fiq_control = REG(FIQ_CONTROL), irq0 = REG(IRQ_SOURCE(0));
    uint32_t fiq3 = REG(FIQ_SOURCE(3)), fiq0 = REG(FIQ_SOURCE(0));
    REG(GPU_ROUTING) = (3u << 2) | TARGET; // IRQ -> core 2
    uint32_t routing = REG(GPU_ROUTING);
    if (wait_eq(&done, 1)) return 4;       // core 2 takes the IRQ and masks the UART's interrupt
    REG(FIQ_CONTROL) = 0;
    REG(GPU_ROUTING) = 0;
    REG(DISABLE_2) = 0xffffffff;
    kprintf("intc: PL011 line: pending 2 0x%x before enabling, 0x%x after; basic pending 0x%x; enable 2 0x%x, disable 2 0x%x\n",
            p2_before, p2, basic, e2, d2);
    kprintf("intc: FIQ control 0x%x, FIQ to core 3: core 3 FIQ source 0x%x, core 0 FIQ source 0x%x, core 0 IRQ source 0x%x\n",
            fiq_control, fiq3, fiq0, irq0);
    kprintf("intc: routing 0x%x\n", routing);
    kprintf("intc: core %u took the interrupt: IRQ source 0x%x, other cores 0x%x, UART MIS 0x%x\n", TARGET, source, others, mis);
    if (status) return status;
    if (p2_before != 0 || p2 != 1u << 25 || basic != 0x80200) return 3;
    if (routing != 0xe || source != 0x100 || others != 0 || mis != UART_TXIM) return 5;
    if (fiq_control != 0xb9 || fiq3 != 0x100 || fiq0 != 0 || irq0 != 0x100) return 6;

    REG(ENABLE_BASIC) = 1u << 1;           // ARM interrupt 1: the VideoCore mailbox
    REG(MBOX_CONFIG) = 1;                  // data-available IRQ
    dsb(sy);
    REG(MBOX_WRITE) = (uint32_t)(uintptr_t)mbox | 8;
    for (uint32_t n = 0; n < WAIT_SPINS && (REG(MBOX_STATUS) & MBOX_EMPTY); n++) {}
    uint32_t with = REG(BASIC_PENDING);
    (void)REG(MBOX_READ);
    uint32_t without = REG(BASIC_PENDING);
    REG(MBOX_CONFIG) = 0;
    REG(DISABLE_BASIC) = 0xff;
    kprintf("intc: mailbox response waiting: basic pending 0x%x; read: 0x%x\n", with, without);
    if (with != 0x2 || without != 0) return 7;
    kprintf("intc: PASS\n");
    return 0;
}

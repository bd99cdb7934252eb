// vc_property: the VideoCore mailbox property interface (channel 8) for the tags bare-metal guests ask:
// firmware and board (model, revision, MAC, serial), ARM and VC memory, power state get/set, clock
// state and rates (get/max/min for EMMC, UART, ARM, core; set), temperature, and an unknown tag.
// Each answer is printed as the tag's response code and value words: QEMU 7.2's answers are the
// reference (some tags it acknowledges without writing a value: the words then stay as sent, 0xd0..).
// Exit: 0 ok, 1 no response, 2 the buffer was not marked successful.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define MBOX_READ   0x3f00b880
#define MBOX_STATUS 0x3f00b898
#define MBOX_WRITE  0x3f00b8a0
#define MBOX_WSTATUS 0x3f00b8b8
#define MBOX_FULL   0x80000000u
#define MBOX_EMPTY  0x40000000u
#define CHANNEL 8u

static volatile uint32_t __attribute__((aligned(16))) buf[256];
static unsigned n;

// Appends a tag with a value buffer of `words` words: the given request words, then filler 0xd0+i.
static void tag(uint32_t id, unsigned words, uint32_t a, uint32_t b, uint32_t c) {
    const uint32_t req[3] = {a, b, c};
    buf[n++] = id;
    buf[n++] = 4 * words;
    buf[n++] = 0;
    for (unsigned i = 0; i < words; i++) buf[n++] = i < 3 ? req[i] : 0xd0 + i;
}

static int call(const char *what) {
    buf[n++] = 0;
    buf[0] = 4 * n;
    buf[1] = 0;
    dsb(sy);
    for (uint32_t k = 0; k < WAIT_SPINS && (REG(MBOX_WSTATUS) & MBOX_FULL); k++) {}
    REG(MBOX_WRITE) = (uint32_t)(uintptr_t)buf | CHANNEL;
    uint32_t r = 0;
    for (uint32_t k = 0; k < WAIT_SPINS && (REG(MBOX_STATUS) & MBOX_EMPTY); k++) {}
    r = REG(MBOX_READ);
    dsb(sy);
    int echoed = r == ((uint32_t)(uintptr_t)buf | CHANNEL);  // not printed: the address moves with the runtime
    kprintf("vc_property: %s: response is the request: %s, buffer code 0x%x\n", what, echoed ? "yes" : "no", buf[1]);
    if (!echoed) return 1;
    if (buf[1] != 0x80000000u) return 2;
    for (unsigned i = 2; i < n && buf[i]; i += 3 + buf[i + 1] / 4) {
        kprintf("  tag 0x%x code 0x%x:", buf[i], buf[i + 2]);
        for (unsigned j = 0; j < buf[i + 1] / 4; j++) kprintf(" 0x%x", buf[i + 3 + j]);
        kprintf("\n");
    }
    n = 2;
    return 0;
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    int s;
    n = 2;
    tag(0x00000001, 1, 0, 0, 0);                 // firmware revision
    tag(0x00010001, 1, 0xd0, 0, 0);              // board model
    tag(0x00010002, 1, 0, 0, 0);                 // board revision
    tag(0x00010003, 2, 0, 0xd1d1d1d1, 0);        // MAC address
    tag(0x00010004, 2, 0xd0, 0xd1, 0);           // serial
    tag(0x00010005, 2, 0, 0, 0);                 // ARM memory
    tag(0x00010006, 2, 0, 0, 0);                 // VC memory
    if ((s = call("board and memory"))) return s;
    tag(0x00020001, 2, 0, 0xd1, 0);              // get power state: SD card
    tag(0x00028001, 2, 0, 3, 0);                 // set power state: SD card on, wait
    tag(0x00028001, 2, 3, 2, 0);                 // set power state: USB off, wait
    tag(0x00030001, 2, 2, 0xd1, 0);              // clock state: UART
    tag(0x00038001, 2, 2, 1, 0);                 // set clock state
    if ((s = call("power and clock state"))) return s;
    for (uint32_t id = 1; id <= 4; id++) {       // EMMC, UART, ARM, core
        tag(0x00030002, 2, id, 0, 0);
        tag(0x00030004, 2, id, 0, 0);
        tag(0x00030007, 2, id, 0, 0);
    }
    if ((s = call("clock rates"))) return s;
    tag(0x00038002, 3, 3, 1200000000, 0);        // set ARM clock rate
    tag(0x00030002, 2, 3, 0, 0);
    tag(0x00030006, 2, 0, 0, 0);                 // temperature
    tag(0x0003000a, 2, 0, 0, 0);                 // max temperature
    tag(0x00012345, 2, 7, 7, 0);                 // unknown
    if ((s = call("set clock, temperature, unknown tag"))) return s;
    kprintf("vc_property: PASS\n");
    return 0;
}

// framebuffer: a framebuffer set up through the mailbox property tags (physical and virtual size,
// depth, pixel order, virtual offset, allocate, pitch) and drawn into: a dark blue background, a red
// and a green rectangle, a white corner pixel. Prints the answers; `chemu --screenshot` then shows the
// picture (tests/cli checks its pixels). The defaults before any change are printed first.
// Exit: 0 ok, 1 mailbox failure, 2 an answer differs from what was asked, 3 no buffer.
#include "guest.h"

#define REG(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define MBOX_READ   0x3f00b880
#define MBOX_STATUS 0x3f00b898
#define MBOX_WRITE  0x3f00b8a0
#define MBOX_WSTATUS 0x3f00b8b8
#define MBOX_FULL   0x80000000u
#define MBOX_EMPTY  0x40000000u
#define WIDTH 160
#define HEIGHT 120
#define BLUE  0x00800000u   /* 32 bpp, RGB order: red in the low byte */
#define RED   0x000000ffu
#define GREEN 0x0000ff00u
#define WHITE 0x00ffffffu

static volatile uint32_t __attribute__((aligned(16))) m[64];

static int mbox_call(void) {
    dsb(sy);
    for (uint32_t k = 0; k < WAIT_SPINS && (REG(MBOX_WSTATUS) & MBOX_FULL); k++) {}
    REG(MBOX_WRITE) = (uint32_t)(uintptr_t)m | 8;
    for (uint32_t k = 0; k < WAIT_SPINS && (REG(MBOX_STATUS) & MBOX_EMPTY); k++) {}
    uint32_t r = REG(MBOX_READ);
    dsb(sy);
    return r == ((uint32_t)(uintptr_t)m | 8) && m[1] == 0x80000000u ? 0 : -1;
}

static void fill(volatile uint32_t *fb, uint32_t pitch_words, int x0, int y0, int x1, int y1, uint32_t colour) {
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) fb[y * pitch_words + x] = colour;
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    uint32_t i = 0;
    m[i++] = 0; m[i++] = 0;
    m[i++] = 0x40003; m[i++] = 8; m[i++] = 0; m[i++] = 0; m[i++] = 0;        // get physical size
    m[i++] = 0x40005; m[i++] = 4; m[i++] = 0; m[i++] = 0;                    // get depth
    m[i++] = 0x40008; m[i++] = 4; m[i++] = 0; m[i++] = 0;                    // get pitch
    m[i++] = 0; m[0] = 4 * i;
    if (mbox_call()) return 1;
    kprintf("framebuffer: defaults: %ux%u, depth %u, pitch %u\n", m[5], m[6], m[10], m[14]);

    i = 0;
    m[i++] = 0; m[i++] = 0;
    m[i++] = 0x48003; m[i++] = 8; m[i++] = 0; m[i++] = WIDTH; m[i++] = HEIGHT;       // [5] [6]
    m[i++] = 0x48004; m[i++] = 8; m[i++] = 0; m[i++] = WIDTH; m[i++] = HEIGHT;       // [10] [11]
    m[i++] = 0x48009; m[i++] = 8; m[i++] = 0; m[i++] = 0; m[i++] = 0;                // [15] [16]
    m[i++] = 0x48005; m[i++] = 4; m[i++] = 0; m[i++] = 32;                           // [20]
    m[i++] = 0x48006; m[i++] = 4; m[i++] = 0; m[i++] = 1;                            // [24] RGB
    m[i++] = 0x40001; m[i++] = 8; m[i++] = 0; m[i++] = 4096; m[i++] = 0;             // [28] [29]
    m[i++] = 0x40008; m[i++] = 4; m[i++] = 0; m[i++] = 0;                            // [33]
    m[i++] = 0; m[0] = 4 * i;
    if (mbox_call()) return 1;
    uint32_t base = m[28] & 0x3fffffff, size = m[29], pitch = m[33];
    kprintf("framebuffer: physical %ux%u, virtual %ux%u, offset %u,%u, depth %u, pixel order %u\n",
            m[5], m[6], m[10], m[11], m[15], m[16], m[20], m[24]);
    kprintf("framebuffer: base 0x%x, size %u, pitch %u\n", base, size, pitch);
    if (m[5] != WIDTH || m[6] != HEIGHT || m[20] != 32 || m[24] != 1 || pitch != 4 * WIDTH || size != 4 * WIDTH * HEIGHT)
        return 2;
    if (!base) return 3;

    volatile uint32_t *fb = (volatile uint32_t *)(uintptr_t)base;
    uint32_t pw = pitch / 4;
    fill(fb, pw, 0, 0, WIDTH, HEIGHT, BLUE);
    fill(fb, pw, 20, 10, 60, 50, RED);
    fill(fb, pw, 80, 60, 140, 100, GREEN);
    fb[(HEIGHT - 1) * pw + WIDTH - 1] = WHITE;
    dsb(sy);
    kprintf("framebuffer: drawn: blue background, red 40x40 at 20,10, green 60x40 at 80,60, white pixel at 159,119\n");
    kprintf("framebuffer: PASS\n");
    return 0;
}

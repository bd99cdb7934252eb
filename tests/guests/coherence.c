// coherence: what one core does to code and translations must be seen by another core once the
// architecture's maintenance sequence has run.
// (a) Code: core 0 writes `mov w0,#imm; ret` into a page, cleans it to the point of unification and
//     invalidates the I-cache (dc cvau; dsb ish; ic ivau; dsb ish; isb); core 1 runs it. Core 0 then
//     rewrites the immediate and uses ic ialluis; core 1 must run the new code, not a stale translation.
// (b) TLB: both cores run with the MMU on and one shared page table. VA X first maps page A; core 0
//     remaps it to page B (dsb ishst; tlbi vmalle1is; dsb ish; isb); core 1, which has used the old
//     translation, must now read page B.
// Exit: 0 ok, 1/2 core 1 ran wrong code in round 1/2, 3/4 core 0/1 read wrong data through X before the
// remap, 5/6 core 1/0 read wrong data after it, 7 cores did not start, 0x20 core 1 got no request,
// 0x21 core 1 did not answer.
#include "guest.h"
#include "mmu.h"

#define X_VA    0x01000000ull   // inside RAM (an identity-mapped VA that nothing else uses)
#define A_WORD  0xaaaa0001u
#define B_WORD  0xbbbb0002u
#define MOVZ_W0(imm) (0x52800000u | ((uint32_t)(imm) << 5))
#define RET      0xd65f03c0u

// The code gets a page of its own that only core 0 writes and only core 1 executes: a store by the
// executing core into the same page could hide missing cross-core invalidation in an emulator.
static uint32_t code[1024] __attribute__((aligned(4096)));
static uint32_t page_a[1024] __attribute__((aligned(4096)));
static uint32_t page_b[1024] __attribute__((aligned(4096)));
static uint64_t pt_l3[512] __attribute__((aligned(4096)));   // the 2 MiB around X_VA, 4 KB pages

// ---- core 0 -> core 1 requests ----
enum { CMD_CALL = 1, CMD_MMU_ON, CMD_READ_X, CMD_STOP };
static volatile uint32_t req_seq, req_cmd, resp_seq;
static volatile uint64_t resp_val;

static uint64_t ask_core1(uint32_t cmd) {
    static uint32_t seq;
    req_cmd = cmd;
    store_release(&req_seq, ++seq);
    if (wait_eq(&resp_seq, seq)) {
        kprintf("coherence: core 1 did not answer request %u\n", cmd);
        sh_exit(0x21);
    }
    return resp_val;
}

static void core1_serve(void) {
    for (uint32_t seq = 1;; seq++) {
        if (wait_eq(&req_seq, seq)) sh_exit(0x20);
        isb();                                     // fetch nothing older than the request
        uint64_t v = 0;
        switch (req_cmd) {
        case CMD_CALL: {
            uint32_t (*fn)(void) = (uint32_t (*)(void))(uintptr_t)code;
            v = fn();
            for (int i = 0; i < 3; i++)            // run it a few times: translated and cached for sure
                if (fn() != v) v = ~0ull;
            break;
        }
        case CMD_MMU_ON: mmu_enable(); break;
        case CMD_READ_X:
            v = *(volatile uint32_t *)X_VA;        // twice: the translation is in the TLB for sure
            v = *(volatile uint32_t *)X_VA;
            break;
        case CMD_STOP: store_release(&resp_seq, seq); return;
        }
        resp_val = v;
        store_release(&resp_seq, seq);
    }
}

static void write_code(uint32_t imm, int all) {
    code[0] = MOVZ_W0(imm);
    code[1] = RET;
    __asm__ volatile("dc cvau, %0" :: "r"(code) : "memory");   // D-side to point of unification
    dsb(ish);
    if (all)
        __asm__ volatile("ic ialluis" ::: "memory");           // all I-caches of the inner shareable domain
    else
        __asm__ volatile("ic ivau, %0" :: "r"(code) : "memory");
    dsb(ish);
    isb();
}

static uint32_t read_x(void) { return *(volatile uint32_t *)X_VA; }

int guest_main(unsigned core) {
    if (core == 1) core1_serve();
    if (core != 0) return 0;
    kprintf("coherence: starting core 1\n");
    if (smp_start_secondaries()) return 7;

    // (a) instruction stream
    write_code(0x1111, 0);
    uint64_t r1 = ask_core1(CMD_CALL);
    write_code(0x2222, 1);
    uint64_t r2 = ask_core1(CMD_CALL);
    kprintf("(a) core 1 ran code returning 0x%lx, after rewrite + ic ialluis 0x%lx\n", r1, r2);
    if (r1 != 0x1111) return 1;
    if (r2 != 0x2222) return 2;

    // (b) translations: X_VA -> page_a, then -> page_b
    page_a[0] = A_WORD;
    page_b[0] = B_WORD;
    mmu_build_identity();
    for (uint64_t i = 0; i < 512; i++)
        pt_l3[i] = (X_VA + (i << 12)) | PT_PAGE | PT_NORMAL_ATTRS;
    pt_l3[0] = (uintptr_t)page_a | PT_PAGE | PT_NORMAL_ATTRS;
    pt_l2[X_VA >> 21] = (uintptr_t)pt_l3 | PT_TABLE;
    dsb(ish);
    mmu_enable();
    uint32_t c0_before = read_x();
    ask_core1(CMD_MMU_ON);
    uint64_t c1_before = ask_core1(CMD_READ_X);

    pt_l3[0] = (uintptr_t)page_b | PT_PAGE | PT_NORMAL_ATTRS;
    dsb(ishst);                                   // the new entry is visible to all walkers
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    dsb(ish);                                     // ... and every core's TLB has dropped the old one
    isb();
    uint64_t c1_after = ask_core1(CMD_READ_X);
    uint32_t c0_after = read_x();
    ask_core1(CMD_STOP);
    kprintf("(b) VA 0x%lx before remap: core 0 0x%x, core 1 0x%lx\n", X_VA, c0_before, c1_before);
    kprintf("(b) after remap + tlbi vmalle1is: core 1 0x%lx, core 0 0x%x\n", c1_after, c0_after);
    if (c0_before != A_WORD) return 3;
    if (c1_before != A_WORD) return 4;
    if (c1_after != B_WORD) return 5;
    if (c0_after != B_WORD) return 6;
    kprintf("coherence: PASS\n");
    return 0;
}

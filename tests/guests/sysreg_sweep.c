// sysreg_sweep: every system-register and system-instruction encoding, at EL1 and at EL0. The guest
// writes each instruction word into a code buffer of its own, followed by RET, makes the buffer
// visible to instruction fetch the way a kernel or a JIT does (DC CVAU over its lines, DSB, IC IVAU,
// DSB, ISB) and calls it. Each must either run or raise the architected exception: EC 0x00 (unknown
// reason: UNDEFINED) or EC 0x18 (trapped MSR/MRS/SYS), taken to EL1 at the instruction itself; the
// handler notes it and skips the instruction. Anything else (another EC, another address, an exception
// taken to EL2) is a failure, and so is an emulator that crashes, hangs or ends the run.
//
//   MRS and MSR: op0 = 2 (debug) and 3, op1 0-7, CRn 0-15, CRm 0-15, op2 0-7: 32768 encodings each.
//   SYS and SYSL: op0 = 1, the same op1/CRn/CRm/op2 ranges: 16384 encodings each.
//
// The buffer holds 128 [instruction, RET] slots, filled for 64 encodings at a time (MRS and MSR, or
// SYS and SYSL, of each) before one maintenance pass; every call still runs one generated instruction
// alone. (One fill per encoding made QEMU 7.2 take 7 s: each store into a page holding translated code
// costs it about 30 us.)
//
// To keep the guest alive, each MSR writes back what the MRS of the same encoding just read, or 0 when
// that MRS trapped. Writing a register its own value changes nothing, so no encoding needs skipping:
// VBAR_EL1, SCTLR_EL1, TCR/TTBR, CPACR_EL1, DAIF, SPSel and NZCV keep their values, ELR/SPSR/ESR_EL1
// are rewritten by the next exception anyway (the sweep never runs inside the handler), SP_EL1 and
// every EL2/EL3 register are UNDEFINED at EL1, and the registers that cannot be read back (OSLAR_EL1,
// PMSWINC_EL0) do nothing harmful with 0. SYS and SYSL get Xt = a 64-byte aligned scratch line (DC ZVA
// zeroes it, AT and TLBI by address name it; nothing else is written).
//
// Before going to EL0, SCTLR_EL1 gets UCI, UCT and DZE (as Linux sets them: EL0 may do its own cache
// maintenance, read CTR_EL0 and use DC ZVA) and CNTKCTL_EL1 lets EL0 use both counters and timers, so
// the EL0 sweep exercises the timer paths an emulator may serve itself. The EL0 sweep ends with
// `svc #0`; the handler resumes EL1 at el1_finish.
//
// After each sweep the guest checks that it is intact: VBAR_EL1 and SCTLR_EL1 unchanged, an FP/SIMD
// instruction runs without trapping (CPACR_EL1.FPEN still 3: an EL0 write of CPACR_EL1 is UNDEFINED
// and must change nothing), DC ZVA zeroes exactly its 64-byte line, the counter still counts.
//
// Printed: per EL and kind, how many encodings trapped, how many of them with EC 0x18, and a hash of
// which did and how: the same on QEMU 7.2 raspi3b and chemu (an encoding that traps on one and runs
// on the other changes the line). Built with -DSWEEP_DUMP (target sysreg_sweep_dump) the guest also
// prints the maps themselves (one line per op0/op1/CRn: 128 bits, CRm:op2, 1 = trapped, and the
// EC 0x18 bits): run it on both and diff the consoles to find the encodings they disagree on.
//
// Exit: 0 ok; 1 an unexpected exception (not EC 0x00/0x18, or not at the instruction called); 2 VBAR_EL1
// changed; 3 SCTLR_EL1 changed; 4 FP/SIMD trapped; 5 DC ZVA did not zero exactly its line; 6 the counter
// stopped; 7 an unexpected SVC; 8 the other cores did not start.
#include "guest.h"

#define SCTLR_DZE (1u << 14)
#define SCTLR_UCT (1u << 15)
#define SCTLR_UCI (1u << 26)
#define CNTKCTL_EL0_ALL 0x303u         // EL0PCTEN | EL0VCTEN | EL0VTEN | EL0PTEN

// Instruction words with Rt = x0 and the 15 (MRS/MSR: o0:op1:CRn:CRm:op2) or 14 (SYS/SYSL:
// op1:CRn:CRm:op2) encoding bits at 19:5.
#define MRS_X0  0xd5300000u            // L = 1, op0 = 1x
#define MSR_X0  0xd5100000u            // L = 0, op0 = 1x
#define SYS_X0  0xd5080000u            // L = 0, op0 = 01
#define SYSL_X0 0xd5280000u            // L = 1, op0 = 01
#define N_SYSREG 32768u
#define N_SYS    16384u
#define RET      0xd65f03c0u
#define FMOV_D0_X0 0x9e670000u         // fmov d0, x0: an FP/SIMD instruction
#define DC_ZVA_INDEX ((3u << 11) | (7u << 7) | (4u << 3) | 1u)   // SYS #3, C7, C4, #1

enum { K_MRS, K_MSR, K_SYS, K_SYSL, N_KINDS };
static const char *const kind_name[N_KINDS] = {"MRS", "MSR", "SYS", "SYSL"};

// The code buffer fills a 4 KiB page of its own: rewriting it invalidates no other translated code.
// Slot k is code[2k] (the generated instruction) and code[2k + 1] (RET, written once).
#define BATCH 64                               // encodings per fill
static volatile uint32_t code[1024] __attribute__((aligned(4096)));
static volatile uint8_t scratch[128] __attribute__((aligned(64)));   // SYS Xt: line 0; line 1 a guard

static volatile uint32_t traps;                // exceptions taken at the code buffer
static volatile uint32_t last_ec;              // ESR_EL1.EC of the last one
static volatile uintptr_t calling;             // the slot being called: where an exception may be
// [el][kind] one bit per encoding: it trapped; and it trapped with EC 0x18 rather than 0x00.
static volatile uint32_t trapped[2][N_KINDS][N_SYSREG / 32], trapped_18[2][N_KINDS][N_SYSREG / 32];
static uint64_t vbar_before, sctlr_before;

extern char vectors[];
__attribute__((noreturn)) void el1_finish(void);

static uint64_t el0_stack[1024] __attribute__((aligned(16)));

// After writing code[0..words): clean the data cache lines to the point of unification, invalidate
// the instruction cache lines, with the line sizes CTR_EL0 gives (EL0 may read it: SCTLR_EL1.UCT).
static void sync_code(unsigned words) {
    uint64_t ctr = read_sysreg(ctr_el0);
    uintptr_t dline = 4u << ((ctr >> 16) & 15), iline = 4u << (ctr & 15);
    uintptr_t start = (uintptr_t)code, end = start + 4 * words;
    for (uintptr_t p = start & ~(dline - 1); p < end; p += dline) __asm__ volatile("dc cvau, %0" ::"r"(p) : "memory");
    dsb(ish);
    for (uintptr_t p = start & ~(iline - 1); p < end; p += iline) __asm__ volatile("ic ivau, %0" ::"r"(p) : "memory");
    dsb(ish);
    isb();
}

// Calls slot `slot` with x0 = arg; 1 if its instruction trapped (the handler skipped it), and records
// that in the maps under encoding `index` of `kind` (kind N_KINDS: not recorded).
static int step(unsigned el, unsigned kind, unsigned index, unsigned slot, uint64_t arg, uint64_t *result) {
    uint32_t before = traps;
    calling = (uintptr_t)&code[2 * slot];
    *result = ((uint64_t(*)(uint64_t))calling)(arg);
    calling = 0;
    if (traps == before) return 0;
    if (kind == N_KINDS) return 1;
    trapped[el][kind][index / 32] |= 1u << (index % 32);
    if (last_ec == 0x18) trapped_18[el][kind][index / 32] |= 1u << (index % 32);
    return 1;
}

static void sweep_sysregs(unsigned el) {
    for (unsigned base = 0; base < N_SYSREG; base += BATCH) {
        for (unsigned k = 0; k < BATCH; k++) {
            code[4 * k] = MRS_X0 | (base + k) << 5;
            code[4 * k + 2] = MSR_X0 | (base + k) << 5;
        }
        sync_code(4 * BATCH);
        for (unsigned k = 0; k < BATCH; k++) {
            uint64_t value, ignored;
            int mrs_trapped = step(el, K_MRS, base + k, 2 * k, 0, &value);
            step(el, K_MSR, base + k, 2 * k + 1, mrs_trapped ? 0 : value, &ignored);
        }
    }
}

static void sweep_sys(unsigned el) {
    for (unsigned base = 0; base < N_SYS; base += BATCH) {
        for (unsigned k = 0; k < BATCH; k++) {
            code[4 * k] = SYS_X0 | (base + k) << 5;
            code[4 * k + 2] = SYSL_X0 | (base + k) << 5;
        }
        sync_code(4 * BATCH);
        for (unsigned k = 0; k < BATCH; k++) {
            uint64_t ignored;
            step(el, K_SYS, base + k, 2 * k, (uintptr_t)scratch, &ignored);
            step(el, K_SYSL, base + k, 2 * k + 1, (uintptr_t)scratch, &ignored);
        }
    }
}

// One instruction in slot 0, run with x0 = arg; 1 if it trapped (recorded under `index` of `kind`).
static int run_one(unsigned el, unsigned kind, unsigned index, uint32_t word, uint64_t arg) {
    code[0] = word;
    sync_code(2);
    uint64_t ignored;
    return step(el, kind, index, 0, arg, &ignored);
}

// DC ZVA through the code buffer on a pattern: line 0 must become zero, line 1 stay as it was.
static int dc_zva_zeroes_its_line(unsigned el) {
    for (unsigned i = 0; i < sizeof scratch; i++) scratch[i] = 0xa5;
    if (run_one(el, K_SYS, DC_ZVA_INDEX, SYS_X0 | DC_ZVA_INDEX << 5, (uintptr_t)scratch + 24)) return 0;
    for (unsigned i = 0; i < sizeof scratch; i++)
        if (scratch[i] != (i < 64 ? 0 : 0xa5)) return 0;
    return 1;
}

// An FP/SIMD instruction through the code buffer: must run (FPEN = 3), not trap.
static int fp_runs(void) {
    return !run_one(0, N_KINDS, 0, FMOV_D0_X0, 0);   // (a trap is EC 0x07: the handler fails the run)
}

static uint32_t count(const volatile uint32_t *map) {
    uint32_t n = 0;
    for (unsigned w = 0; w < N_SYSREG / 32; w++)
        for (uint32_t v = map[w]; v; v &= v - 1) n++;
    return n;
}

// FNV-1a over both maps of a sweep: one number naming exactly which encodings trapped, and how.
static uint32_t map_hash(unsigned el, unsigned kind) {
    uint32_t h = 2166136261u;
    for (unsigned w = 0; w < N_SYSREG / 32; w++) {
        uint64_t v = (uint64_t)trapped_18[el][kind][w] << 32 | trapped[el][kind][w];
        for (unsigned b = 0; b < 8; b++) h = (h ^ ((v >> (8 * b)) & 0xff)) * 16777619u;
    }
    return h;
}

#ifdef SWEEP_DUMP
// One line per op0/op1/CRn (MRS/MSR) or op1/CRn (SYS/SYSL): 128 bits (CRm:op2), 1 = trapped.
static void dump(unsigned el, unsigned kind) {
    unsigned lines = (kind == K_MRS || kind == K_MSR ? N_SYSREG : N_SYS) / 128;
    for (unsigned l = 0; l < lines; l++) {
        const volatile uint32_t *w = &trapped[el][kind][l * 4], *e = &trapped_18[el][kind][l * 4];
        kprintf("dump EL%u %s %s%u op1=%u CRn=%2u: %08x%08x%08x%08x ec18 %08x%08x%08x%08x\n", el,
                kind_name[kind], kind <= K_MSR ? "op0=" : "", kind <= K_MSR ? 2 + l / 128 : 1, (l / 16) % 8,
                l % 16, w[3], w[2], w[1], w[0], e[3], e[2], e[1], e[0]);
    }
}
#endif

static void report(unsigned el) {
    kprintf("sysreg_sweep: swept %u MRS and %u MSR encodings (op0 = 2, 3) at EL%u: done\n", N_SYSREG,
            N_SYSREG, el);
    kprintf("sysreg_sweep: swept %u SYS and %u SYSL encodings (op0 = 1) at EL%u: done\n", N_SYS, N_SYS, el);
    for (unsigned k = 0; k < N_KINDS; k++) {
        kprintf("sysreg_sweep: EL%u %s: %u trapped (%u of them EC 0x18), map %08x\n", el, kind_name[k],
                count(trapped[el][k]), count(trapped_18[el][k]), map_hash(el, k));
#ifdef SWEEP_DUMP
        dump(el, k);
#endif
    }
}

static void check_intact(unsigned el) {
    if (read_sysreg(vbar_el1) != vbar_before) sh_exit(2);
    if ((read_sysreg(sctlr_el1) & ~(uint64_t)(SCTLR_UCI | SCTLR_UCT | SCTLR_DZE)) != sctlr_before) sh_exit(3);
    if (!fp_runs()) sh_exit(4);
    uint64_t t0 = read_sysreg(cntvct_el0);
    for (volatile int i = 0; i < 1000; i++) {}
    if (read_sysreg(cntvct_el0) == t0) sh_exit(6);
    kprintf("sysreg_sweep: after EL%u: VBAR_EL1 and SCTLR_EL1 kept, FP/SIMD runs, counter counts\n", el);
}

static int on_trap(struct trap_frame *f, unsigned kind) {
    uint32_t ec = ESR_EC(f->esr);
    if ((kind & 3) != TRAP_SYNC) return 0;
    if (kind == (TRAP_LOWER_A64 | TRAP_SYNC) && ec == 0x15) {   // SVC: the EL0 sweep is over
        uint32_t imm = ESR_ISS(f->esr) & 0xffff;
        if (imm != 0) sh_exit(imm == 1 ? 5 : imm == 2 ? 4 : 7);
        f->elr = (uintptr_t)el1_finish;
        f->spsr = 0x3c5;                                        // EL1h, DAIF masked
        return 1;
    }
    if (!calling || f->elr != calling || (ec != 0x00 && ec != 0x18)) {
        kprintf("sysreg_sweep: FAIL unexpected exception esr=0x%lx elr=0x%lx word=0x%x (vector %u)\n", f->esr,
                f->elr, calling ? *(volatile uint32_t *)calling : 0, kind);
        sh_exit(calling && f->elr == calling && ec == 0x07 ? 4 : 1);
    }
    last_ec = ec;
    traps = traps + 1;
    f->elr += 4;
    return 1;
}

// Runs at EL0 (MMU off: EL0 reaches all of memory, as EL1 does).
__attribute__((noreturn)) static void el0_main(void) {
    sweep_sysregs(0);
    sweep_sys(0);
    if (!dc_zva_zeroes_its_line(0)) __asm__ volatile("svc #1");   // EL1 fails on any SVC but #0 ...
    if (!fp_runs()) __asm__ volatile("svc #2");                  // ... naming the check in ESR
    __asm__ volatile("svc #0");
    __builtin_unreachable();
}

void el1_finish(void) {
    report(0);
    kprintf("sysreg_sweep: DC ZVA zeroed exactly its 64-byte line at EL0\n");
    check_intact(0);
    kprintf("sysreg_sweep: PASS\n");
    sh_exit(0);
}

int guest_main(unsigned core) {
    if (core != 0) return 0;
    trap_hook = on_trap;
    if (smp_start_secondaries()) return 8;   // (they park: on QEMU, cores left in its boot stub spin)
    for (unsigned k = 0; k < 1024; k += 2) code[k + 1] = RET;
    vbar_before = read_sysreg(vbar_el1);
    sctlr_before = read_sysreg(sctlr_el1);

    sweep_sysregs(1);
    sweep_sys(1);
    if (!dc_zva_zeroes_its_line(1)) return 5;
    report(1);
    kprintf("sysreg_sweep: DC ZVA zeroed exactly its 64-byte line at EL1\n");
    check_intact(1);

    write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_UCI | SCTLR_UCT | SCTLR_DZE);
    write_sysreg(cntkctl_el1, CNTKCTL_EL0_ALL);
    write_sysreg(sp_el0, (uintptr_t)(el0_stack + 1024));
    write_sysreg(elr_el1, (uintptr_t)el0_main);
    write_sysreg(spsr_el1, 0x3c0);                               // EL0t, DAIF masked
    isb();
    __asm__ volatile("eret");
    __builtin_unreachable();
}

// fp_lazy: two EL0 threads on core 0 with lazy FP/SIMD switching, as ChCore does it. The thread that
// last used FP/SIMD is the FP owner; its registers stay live in the FP unit. Whenever the running thread
// is not the owner, CPACR_EL1.FPEN = 0b01 (EL0 accesses trap, EC 0x07, at the instruction); the trap
// handler saves q0-q31, FPCR and FPSR of the owner, loads the running thread's, sets FPEN = 0b11 and
// ERETs to the same instruction, which now runs. A yield (`svc #0`) switches x0-x30, SP_EL0, ELR and
// SPSR to the other thread if it is still alive, else back to the same one.
//
// Thread A yields 100 times, thread B 50 times; each uses FP/SIMD right after every yield (and at its
// start) and checks that all 32 q registers, FPCR and FPSR still hold its own values (fp_lazy_user.S).
// They alternate while both live, so every one of their FP uses then follows the other's: A traps
// 1 + 51 times (its start, its first 50 yields, and its 51st, right after B exited), B 1 + 50 times.
// A's last 49 yields come straight back to A, still the owner: no trap. 103 traps in all.
// If FP accesses never trap, the threads see each other's registers and the trap count is wrong.
//
// Exit: 0 ok; 1 FP trap at an instruction other than a thread's first FP access after a switch;
// 2 FP trap while the running thread already owned the FP unit; 3 FP trap ESR_EL1 not 0x1fe00000
// (EC 0x07, IL, CV, COND 0xe); 4 SVC with an unknown imm16; 5 thread A saw wrong FP/SIMD state (or
// SP_EL0); 6 thread B did; 7 a thread made the wrong number of yields; 8 FP trap counts not A 52, B 51;
// 9 yields back to the owner without a trap not 49; 10 CPACR_EL1.FPEN does not read back 0b01.
#include "guest.h"

#define YIELDS_A 100u
#define YIELDS_B 50u
#define TRAPS_A  (1 + YIELDS_B + 1)              // see above
#define TRAPS_B  (1 + YIELDS_B)
#define OWNER_RESUMES (YIELDS_A - YIELDS_B - 1)   // A's yields 52..100: B gone, A still the owner
#define FP_TRAP_ESR 0x1fe00000u                  // EC 0x07, IL 1, CV 1, COND 0xe (from AArch64)

#define FPEN_TRAP_EL0 (1u << 20)                 // CPACR_EL1.FPEN = 0b01
#define FPEN_NO_TRAP  (3u << 20)                 // CPACR_EL1.FPEN = 0b11

struct fp_ctx {
    uint64_t q[64];                              // q0..q31, 16 bytes each (fp_save/fp_restore)
    uint64_t fpcr, fpsr;
};

struct thread {                                  // the head matches enter_thread (fp_lazy_user.S)
    uint64_t x[31], sp_el0, elr, spsr;
    struct fp_ctx fp __attribute__((aligned(16)));
    const char *name;
    uint32_t done, traps;
    uint64_t errors, yields;
};
_Static_assert(__builtin_offsetof(struct thread, sp_el0) == 248, "enter_thread layout");
_Static_assert(__builtin_offsetof(struct thread, spsr) == 264, "enter_thread layout");

void thread_main(void);
void fp_save(struct fp_ctx *c);
void fp_restore(const struct fp_ctx *c);
__attribute__((noreturn)) void enter_thread(const struct thread *t);
extern char fp_first_use_init[], fp_first_use_yield[];

static struct thread threads[2];
static uint64_t stacks[2][64] __attribute__((aligned(16)));   // SP_EL0 only: the threads push nothing
static struct thread *current, *fp_owner;                     // fp_owner NULL: the FP unit holds no one's
static uint32_t fp_traps, owner_resumes;
static uint64_t first_trap_esr;

static void fail(uint32_t status, const char *what, uint64_t v) {
    kprintf("fp_lazy: FAIL %s (0x%lx) in thread %s after %u FP traps\n", what, v, current->name, fp_traps);
    sh_exit(status);
}

static void set_fpen(uint32_t fpen) {
    write_sysreg(cpacr_el1, fpen);   // takes effect at the ERET that ends the handler (context sync)
}

// The EC 0x07 trap: hand the FP unit to the running thread and retry the instruction (ELR unchanged).
static void fp_trap(struct trap_frame *f) {
    if (f->elr != (uintptr_t)fp_first_use_init && f->elr != (uintptr_t)fp_first_use_yield)
        fail(1, "FP trap at", f->elr);
    if (current == fp_owner) fail(2, "FP trap of the FP owner at", f->elr);
    if (f->esr != FP_TRAP_ESR) fail(3, "FP trap ESR_EL1", f->esr);
    if (!fp_traps) first_trap_esr = f->esr;
    fp_traps++;
    current->traps++;
    if (fp_owner) fp_save(&fp_owner->fp);
    fp_restore(&current->fp);
    fp_owner = current;
    set_fpen(FPEN_NO_TRAP);
}

static void switch_to(struct thread *next, struct trap_frame *f) {
    for (int i = 0; i < 31; i++) f->x[i] = next->x[i];
    f->sp_el0 = next->sp_el0, f->elr = next->elr, f->spsr = next->spsr;
    current = next;
    if (next == fp_owner) owner_resumes++;
    set_fpen(next == fp_owner ? FPEN_NO_TRAP : FPEN_TRAP_EL0);
}

static void save_current(const struct trap_frame *f) {
    for (int i = 0; i < 31; i++) current->x[i] = f->x[i];
    current->sp_el0 = f->sp_el0, current->elr = f->elr, current->spsr = f->spsr;
}

static uint32_t status;

static const char *check(int ok, uint32_t fail_status) {
    if (!ok && !status) status = fail_status;   // the first failed check names the exit status
    return ok ? "yes" : "no";
}

__attribute__((noreturn)) static void finish(void) {
    struct thread *a = &threads[0], *b = &threads[1];
    kprintf("fp_lazy: thread A: %lu yields, FP registers kept: %s\n", a->yields, check(a->errors == 0, 5));
    kprintf("fp_lazy: thread B: %lu yields, FP registers kept: %s\n", b->yields, check(b->errors == 0, 6));
    check(a->yields == YIELDS_A && b->yields == YIELDS_B, 7);
    kprintf("fp_lazy: first FP trap ESR_EL1 = 0x%lx (EC 0x%02lx)\n", first_trap_esr, ESR_EC(first_trap_esr));
    kprintf("fp_lazy: FP traps: %u (thread A %u, thread B %u), as designed: %s\n", fp_traps, a->traps,
            b->traps, check(a->traps == TRAPS_A && b->traps == TRAPS_B, 8));
    kprintf("fp_lazy: yields back to the FP owner without a trap: %u, as designed: %s\n", owner_resumes,
            check(owner_resumes == OWNER_RESUMES, 9));
    if (a->errors || b->errors) kprintf("fp_lazy: errors A %lu, B %lu\n", a->errors, b->errors);
    kprintf("fp_lazy: %s\n", status ? "FAIL" : "PASS");
    sh_exit(status);
}

static void svc(struct trap_frame *f) {
    struct thread *other = current == &threads[0] ? &threads[1] : &threads[0];
    switch (f->esr & 0xffff) {
        case 0:   // yield
            save_current(f);
            switch_to(other->done ? current : other, f);
            return;
        case 1:   // exit: x0 = errors, x1 = yields made
            current->errors = f->x[0], current->yields = f->x[1], current->done = 1;
            if (fp_owner == current) fp_owner = 0;   // its FP state dies with it: nothing to save
            if (other->done) finish();
            switch_to(other, f);
            return;
        default:
            fail(4, "SVC ESR_EL1", f->esr);
    }
}

static int on_trap(struct trap_frame *f, unsigned kind) {
    if (kind != (TRAP_LOWER_A64 | TRAP_SYNC)) return 0;   // anything else: default handler (0x71)
    if (ESR_EC(f->esr) == 0x07) return fp_trap(f), 1;
    if (ESR_EC(f->esr) == 0x15) return svc(f), 1;
    return 0;
}

static void init_thread(struct thread *t, const char *name, uint32_t yields, uint64_t seed, uint64_t mask,
                        uint64_t fpcr, uint64_t fpsr) {
    unsigned id = (unsigned)(t - threads);
    t->name = name;
    t->x[0] = id, t->x[1] = yields, t->x[2] = seed, t->x[3] = mask, t->x[4] = fpcr, t->x[5] = fpsr;
    t->sp_el0 = (uintptr_t)(stacks[id] + 64);
    t->elr = (uintptr_t)thread_main;
    t->spsr = 0;   // EL0t, DAIF clear
}

int guest_main(unsigned core) {
    if (core != 0) return 0;   // other cores park (only those that started on their own)
    // Distinct everything: values, upper-half masks, FPCR (RMode, FZ, DN, AHP) and FPSR flags (QC and
    // cumulative exception bits), so whichever leaks shows.
    init_thread(&threads[0], "A", YIELDS_A, 0xa5a5000000000000ull, 0x0f0f0f0f0f0f0f0full,
                (1u << 25) | (1u << 22), (1u << 4) | (1u << 1));
    init_thread(&threads[1], "B", YIELDS_B, 0x5a5a000000000000ull, 0xf0f0f0f0f0f0f0f0ull,
                (1u << 26) | (1u << 24) | (2u << 22), (1u << 27) | (1u << 2) | (1u << 0));
    trap_hook = on_trap;
    set_fpen(FPEN_TRAP_EL0);   // no owner yet: the first FP access of either thread traps
    isb();
    if (((read_sysreg(cpacr_el1) >> 20) & 3) != 1) return 10;
    kprintf("fp_lazy: threads A (%u yields) and B (%u yields), lazy FP/SIMD switching\n", YIELDS_A, YIELDS_B);
    current = &threads[0];
    enter_thread(current);
}

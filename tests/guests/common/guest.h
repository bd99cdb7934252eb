// Tiny runtime shared by the test guests: console, semihosting exit, sysregs, spinlock, SMP start, traps.
#pragma once
#include <stdarg.h>
#include <stdint.h>

#define NCORES 4

// Exit statuses used by the runtime itself (guests use small numbers for their own checks).
#define EXIT_UNEXPECTED_TRAP 0x71   // exception with no handler (or handler declined it)
#define EXIT_LOCK_TIMEOUT    0x72   // spin_lock gave up
#define EXIT_BSS_WAIT        0x73   // a secondary never saw core 0 finish .bss (start.S)
#define EXIT_SMP_TIMEOUT     0x74   // smp_start_secondaries: not all cores checked in
#define EXIT_UNEXPECTED_EL2  0x75   // an exception other than HVC from EL1 was taken to EL2 (el2_vectors.S)

// Bounded waits: about a second on QEMU, many seconds on chemu; reached only when something is broken.
#define WAIT_SPINS (1u << 27)

// ---- provided by start.S / runtime.c / uart.c ----
int guest_main(unsigned core);                 // every guest defines this; runs on every core that starts.
                                               // Core 0's return value is the exit status; secondaries park.
__attribute__((noreturn)) void sh_exit(uint32_t status);   // semihosting SYS_EXIT
__attribute__((noreturn)) void park(void);                 // WFI forever
void _start(void);
extern char __stack_base[], __stack_end[];
extern volatile uint32_t entry_el[NCORES];     // start.S: the EL each core started at (3, 2 or 1)
extern char el2_vectors[];                     // el2_vectors.S: VBAR_EL2 when a core passed through EL2

void uart_putc(char c);
void kprintf(const char *fmt, ...);            // %s %c %d %u %x, 'l' for 64-bit, width with '0'; one call =
                                               // one atomic chunk on the console (held under a lock)

// ---- system registers ----
#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" :: "r"((uint64_t)(v)) : "memory")
#define isb()      __asm__ volatile("isb" ::: "memory")
#define dsb(opt)   __asm__ volatile("dsb " #opt ::: "memory")
#define sev()      __asm__ volatile("sev" ::: "memory")

static inline unsigned current_el(void) { return (read_sysreg(CurrentEL) >> 2) & 3; }
static inline unsigned core_id(void) { return read_sysreg(mpidr_el1) & 0xff; }

// ---- acquire/release flags (LDAR/STLR) ----
static inline uint32_t load_acquire(const volatile uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void store_release(volatile uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

// Wait until *p == want; 0 on success, -1 after WAIT_SPINS polls.
static inline int wait_eq(const volatile uint32_t *p, uint32_t want) {
    for (uint32_t n = 0; n < WAIT_SPINS; n++)
        if (load_acquire(p) == want) return 0;
    return -1;
}

// ---- spinlock: LDAXR/STLXR (Cortex-A53 has no LSE atomics) ----
typedef struct { volatile uint32_t v; } spinlock_t;

static inline int spin_trylock(spinlock_t *l) {
    uint32_t old, fail;
    __asm__ volatile(
        "   ldaxr   %w0, [%2]\n"        // acquire: the critical section cannot move above this
        "   cbnz    %w0, 1f\n"
        "   stlxr   %w1, %w3, [%2]\n"   // w1 = 0 iff nobody wrote the lock since the LDAXR
        "   b       2f\n"
        "1: clrex\n"
        "   mov     %w1, #1\n"
        "2:\n"
        : "=&r"(old), "=&r"(fail)
        : "r"(&l->v), "r"(1)
        : "memory");
    return fail == 0;
}

static inline void spin_lock(spinlock_t *l) {
    uint32_t n = 0;
    while (!spin_trylock(l)) {
        do {                                    // wait read-only until it looks free, then retry
            if (++n >= WAIT_SPINS) sh_exit(EXIT_LOCK_TIMEOUT);
        } while (__atomic_load_n(&l->v, __ATOMIC_RELAXED));
    }
}

static inline void spin_unlock(spinlock_t *l) { __asm__ volatile("stlr wzr, [%0]" :: "r"(&l->v) : "memory"); }

// Atomic fetch-and-add with LDAXR/STLXR; returns the old value.
static inline uint32_t atomic_fetch_add(volatile uint32_t *p, uint32_t add) {
    uint32_t old, tmp, fail;
    __asm__ volatile(
        "1: ldaxr   %w0, [%3]\n"
        "   add     %w1, %w0, %w4\n"
        "   stlxr   %w2, %w1, [%3]\n"
        "   cbnz    %w2, 1b\n"
        : "=&r"(old), "=&r"(tmp), "=&r"(fail)
        : "r"(p), "r"(add)
        : "memory");
    return old;
}

// ---- SMP ----
extern volatile uint32_t cpu_online[NCORES];   // set by each core before guest_main
// Core 0: release every core that has not checked in through the spin table (0xe0/0xe8/0xf0 := _start,
// dsb, sev), then wait (bounded) until all NCORES are online. 0 on success, -1 on timeout.
int smp_start_secondaries(void);

// ---- exceptions ----
struct trap_frame {
    uint64_t x[31];
    uint64_t elr, spsr, esr, far, sp_el0;
};
enum {  // vector index = (source << 2) | type
    TRAP_CUR_SP0 = 0, TRAP_CUR_SPX = 4, TRAP_LOWER_A64 = 8, TRAP_LOWER_A32 = 12,
    TRAP_SYNC = 0, TRAP_IRQ = 1, TRAP_FIQ = 2, TRAP_SERROR = 3,
};
#define ESR_EC(esr)  (((esr) >> 26) & 0x3f)
#define ESR_ISS(esr) ((esr) & 0x1ffffff)

// Guest hook: return 1 if handled (the frame is restored and ERET'd), 0 to fall back to the default
// handler (prints the trap and exits EXIT_UNEXPECTED_TRAP).
extern int (*trap_hook)(struct trap_frame *f, unsigned kind);

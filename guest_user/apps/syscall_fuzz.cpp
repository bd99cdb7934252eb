// syscall_fuzz: random and hostile syscalls on all four CPUs, from a seeded PRNG (issue 11: no
// guest may crash the kernel). procmgr starts it with a fuzz_params page in slot 3
// (syscall_fuzz_proto.h) and checks, meanwhile, that another process keeps answering IPC.
//
// MAIN mode (the process procmgr starts):
//   - `threads` workers (pinned round-robin to the CPUs at first; they move themselves at random)
//     make `calls` syscalls in all: random numbers (valid, holes, out of range, negative) with
//     random and hostile arguments: kernel and non-canonical addresses, unmapped and misaligned
//     pointers, zero / huge / ~0 lengths, caps of the wrong type, empty, revoked or out of range,
//     connections whose server died, create_thread with wild sp, map_pmo over existing mappings,
//     IPC calls with malformed messages and caps to pass, registrations with servers that answer
//     nonsense, ... Every call must return, and an oracle checks what it returned: success for a
//     call with an argument that is wrong whatever the state (e.g. a kernel pointer with a
//     non-zero length, a cap >= 1024) is a wrong return, and so is an error that is no errno.
//   - its main thread (the coordinator, no random calls) keeps one IPC target server (ipc_server)
//     and one child process (below) alive, and watches the workers and the child: one that makes
//     no progress while every CPU goes through STUCK_ROUNDS rounds of its ready queue is reported
//     with the call it is stuck in (see `progress`).
//   Left out here, because they would end the fuzzer itself: exit, thread_exit, threads at a wild
//   pc, and server entries at wild addresses (a client registering would run them). The children
//   make those calls.
// CHILD mode (a process the fuzzer starts, one at a time): three threads and a real IPC server
//   whose handler makes random calls itself, all of them wild: exit, thread_exit (of the main
//   thread too), create_thread at a wild pc, register_server with wild entries, unmapping its own
//   memory, ... It ends when its threads are done, or exits, or is killed; the fuzzer's workers
//   call it meanwhile (its main thread is a server they may register with).
#include "chcore/chcore.h"
#include "chcore/ipc.h"
#include "ipc_test_proto.h"
#include "syscall_fuzz_proto.h"

// Entries that use no stack and no memory, so any sp will do: a thread that exits at once, a
// register callback that refuses every client (-EPROTO), a service routine that replies -ENOSYS.
extern "C" char fuzz_stub_thread[], fuzz_stub_register_cb[], fuzz_stub_ipc_routine[];
asm(R"(
    .text
    .balign 4
    .globl fuzz_stub_thread
fuzz_stub_thread:
    mov x8, #3              // thread_exit
    svc #0
    b .
    .globl fuzz_stub_register_cb
fuzz_stub_register_cb:
    mov x0, #-1             // ipc_register_cb_return(no service thread, 0)
    mov x1, #0
    mov x8, #22
    svc #0
    mov x8, #3
    svc #0
    b .
    .globl fuzz_stub_ipc_routine
fuzz_stub_ipc_routine:
    mov x0, #-38            // ipc_return(-ENOSYS, 0)
    mov x1, #0
    mov x8, #24
    svc #0
    mov x8, #3
    svc #0
    b .
)");

namespace {

// ---- address space of the fuzzer ----------------------------------------------------------
constexpr u64 USER_END = 0x0000800000000000UL;            // the kernel's USER_SPACE_END
constexpr u64 PMO_MAX = 0x10000000UL;                     // the kernel's PMO_MAX_SIZE
constexpr u64 ARENA_BASE = 0x0000002000000000UL;          // map_pmo / unmap_pmo playground
constexpr unsigned ARENA_SLOTS = 64;
constexpr u64 ARENA_STRIDE = 0x100000;
constexpr u64 PARAMS_VA = 0x0000003000000000UL;           // own fuzz_params
constexpr u64 CHILD_PARAMS_VA = 0x0000003000100000UL;     // the running child's fuzz_params
constexpr u64 SPACES_VA = 0x0000003000200000UL;           // two pages of ' ' (putstr), then unmapped
constexpr u64 SPACES_SIZE = 0x2000;
constexpr u64 WORKER_STACK_BASE = 0x0000003100000000UL;   // workers' stacks, a guard page apart
constexpr u64 WORKER_STACK_SIZE = 0x10000;
constexpr u64 MAIN_STACK_TOP = 0x0000007ffff00000UL;      // the kernel's USER_STACK_TOP
constexpr u64 LIBCHCORE_STACKS = 0x0000006000000000UL;    // libchcore's create_thread stacks
constexpr u64 LIBCHCORE_IPC_VA = 0x0000004000000000UL;    // libchcore's shm and service stacks

constexpr unsigned MAX_WORKERS = 32;
constexpr unsigned CHILD_THREADS = 3;
constexpr u64 CHILD_CALLS_PER_THREAD = 300;
constexpr u64 TICKS_PER_SEC = 62500000;                   // CNTVCT, 62.5 MHz
constexpr u64 STUCK_ROUNDS = 40;                          // no progress during this many rounds of every CPU: a hang
constexpr unsigned MAX_REPORTS = 20;                      // wrong returns printed in full

// ---- seeded PRNG (splitmix64) ---------------------------------------------------------------
struct Rng {
    u64 s;
    u64 next() {
        u64 z = (s += 0x9e3779b97f4a7c15UL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
    u64 below(u64 n) { return n ? next() % n : 0; }
    bool pct(unsigned p) { return below(100) < p; }
    template <typename T, unsigned N>
    T pick(const T (&a)[N]) { return a[below(N)]; }
};

u64 mix(u64 a, u64 b) { return Rng{a ^ (b * 0xd1b54a32d192ed03UL)}.next(); }

inline u64 now_ticks() {
    u64 v;
    asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

long sys(long n, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0) { return __chcore_syscall(n, a0, a1, a2, a3, 0, 0); }

// ---- process-wide state ---------------------------------------------------------------------
fuzz_params* params;  // this process's parameter/result page
bool wild;            // CHILD mode
u64 seed;

// Caps the random calls made, by kind. Entries go stale as other threads revoke them (which is
// the point: the fuzz uses revoked caps and caps whose slot now holds something else). A cap
// pushed out of its ring is revoked, so the slot table stays bounded.
enum pool_kind : unsigned { P_PMO, P_THREAD, P_CG, P_CONN, P_SERVER, P_REGISTER, P_SHADOW, P_ANY, P_REVOKED, P_NR };
constexpr unsigned POOL_SIZE = 32;
struct cap_pool {
    volatile long cap[POOL_SIZE];
    volatile u64 shm[POOL_SIZE];  // P_CONN: the connection's shm in this process (va | log2 size), 0 if unknown
    volatile unsigned next;
};
cap_pool pools[P_NR];

// MAIN: caps of the coordinator (its children, its target server, its connection, the child's
// parameter page). The workers never name them: a worker makes its random choices and its call
// inside call_enter/call_leave, and the coordinator makes and marks such caps only while no worker
// is inside (a stale cap number in a pool may well be the number the kernel hands out next).
volatile unsigned char protected_cap[1024];
volatile unsigned coord_busy;
volatile unsigned workers_inside;

void call_enter() {
    if (wild) return;
    for (;;) {
        while (__atomic_load_n(&coord_busy, __ATOMIC_SEQ_CST)) usys_yield();
        __atomic_fetch_add(&workers_inside, 1, __ATOMIC_SEQ_CST);
        if (!__atomic_load_n(&coord_busy, __ATOMIC_SEQ_CST)) return;
        __atomic_fetch_sub(&workers_inside, 1, __ATOMIC_SEQ_CST);
    }
}
void call_leave() {
    if (!wild) __atomic_fetch_sub(&workers_inside, 1, __ATOMIC_SEQ_CST);
}
void coord_enter() {
    __atomic_store_n(&coord_busy, 1u, __ATOMIC_SEQ_CST);
    while (__atomic_load_n(&workers_inside, __ATOMIC_SEQ_CST)) usys_yield();
}
// Coordinated sections so far: while one runs, workers wait in call_enter (hang detection
// does not count those rounds against them, see `progress`).
volatile u64 coord_sections;
void coord_leave() {
    __atomic_fetch_add(&coord_sections, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&coord_busy, 0u, __ATOMIC_SEQ_CST);
}
void protect(long cap) {
    if (cap >= 0 && cap < 1024) protected_cap[cap] = 1;
}
void unprotect(long cap) {
    if (cap >= 0 && cap < 1024) protected_cap[cap] = 0;
}
// A cap a worker picked: a protected one becomes an invalid one.
long unprotected(long cap) { return cap >= 0 && cap < 1024 && protected_cap[cap] ? cap + 1024 : cap; }

volatile u64 calls_total;  // every raw syscall the fuzz made, housekeeping included

// A revoke made by the fuzz (random, or a pool eviction), inside call_enter/call_leave.
long fuzz_revoke(long cap) { return sys(CHCORE_SYS_revoke_cap, static_cast<u64>(unprotected(cap))); }

void pool_put(pool_kind k, long cap, u64 shm = 0) {
    if (cap < 0 || cap >= 1024) return;
    cap_pool& p = pools[k];
    const unsigned i = __atomic_fetch_add(&p.next, 1u, __ATOMIC_RELAXED) % POOL_SIZE;
    p.shm[i] = shm;
    const long old = __atomic_exchange_n(&p.cap[i], cap, __ATOMIC_SEQ_CST);
    if (k != P_REVOKED && old > 3 && old != cap) {  // evicted (slots 0-3 are the process's own)
        fuzz_revoke(old);
        __atomic_fetch_add(&calls_total, 1, __ATOMIC_RELAXED);
    }
}

long pool_get(Rng& r, pool_kind k, u64* shm = nullptr) {
    const unsigned i = static_cast<unsigned>(r.below(POOL_SIZE));
    const long c = pools[k].cap[i];
    if (shm) *shm = pools[k].shm[i];
    return unprotected(c);
}

// ---- argument generators ------------------------------------------------------------------
// Each returns a value; `bad` says whether that value makes the call fail whatever the state.

const u64 kernel_addrs[] = {
    0xffffff0000000000UL, 0xffffff0000080000UL, 0xffffff003f201000UL, 0xffffff0000000008UL,
    0xffff000000000000UL, 0xfffffffffffff000UL, ~0UL,                 0x0000800000000000UL,
    0x0001000000000000UL, 0x8000000000000000UL, 0x00007fffffffffffUL + 1,
};

long gen_cap(Rng& r, pool_kind k, bool self_ok, bool* bad) {
    static const long hostile[] = {-1, -2, -5, 1024, 1025, 0x100000000L, 0x100000002L, 0x7fffffffL, 0x80000000L,
                                   static_cast<long>(0xffffffff80000000UL), static_cast<long>(0x8000000000000000UL), 4096};
    const unsigned c = static_cast<unsigned>(r.below(100));
    long v;
    if (c < 45) v = pool_get(r, k);
    else if (c < 60) v = pool_get(r, static_cast<pool_kind>(r.below(P_NR)));
    else if (c < 70) v = static_cast<long>(r.below(4));
    else if (c < 78) v = static_cast<long>(r.below(1024));
    else if (c < 88) v = pool_get(r, P_REVOKED);
    else v = r.pick(hostile);
    v = unprotected(v);
    *bad = (v < 0 && !(self_ok && v == -1)) || v >= 1024;
    return v;
}

u64 arena_addr(Rng& r) { return ARENA_BASE + r.below(ARENA_SLOTS) * ARENA_STRIDE; }

// An address for map/unmap/pointers. `bad`: not a user address at all.
u64 gen_addr(Rng& r, bool* bad) {
    static const u64 misalign[] = {1, 2, 4, 8, 16, 0x800, 0xff8, 0xfff};
    static const u64 low[] = {0, 8, 0x1000, 0x10000, 0x3ff000};
    static const u64 top[] = {0x7ffffffff000UL, 0x7fffffffe000UL, 0x7ffffff00000UL, MAIN_STACK_TOP};
    static const u64 image[] = {0x400000, 0x401000, 0x402000, 0x403000, 0x400004};
    static const u64 mine[] = {MAIN_STACK_TOP - 0x1000, MAIN_STACK_TOP - 0x100000, LIBCHCORE_STACKS,
                               LIBCHCORE_STACKS + 0x11000, LIBCHCORE_IPC_VA, LIBCHCORE_IPC_VA + 0x1000,
                               WORKER_STACK_BASE, PARAMS_VA, SPACES_VA};
    const unsigned c = static_cast<unsigned>(r.below(100));
    u64 v;
    if (c < 35) v = arena_addr(r);
    else if (c < 45) v = arena_addr(r) + r.pick(misalign);
    else if (c < 60) v = r.pick(kernel_addrs);
    else if (c < 65) v = r.pick(low);
    else if (c < 70) v = r.pick(top);
    else if (c < 75) v = r.pick(image);
    else if (c < 80) v = SPACES_VA + r.below(SPACES_SIZE);
    else if (c < 88) v = r.next();
    else if (c < 92) v = (r.next() & (USER_END - 1)) | 0x123;  // user space, never page aligned
    else v = wild ? r.pick(mine) : arena_addr(r);              // the child's own memory
    *bad = v >= USER_END;
    return v;
}

u64 gen_len(Rng& r) {
    static const u64 lens[] = {0,     1,     7,       8,         15,         16,      31,          32,
                               33,    255,   256,     257,       4095,       4096,    4097,        8192,
                               1UL << 20,    1UL << 32, 1UL << 47, ~0UL,    ~0UL - 4095, 0x8000000000000000UL};
    return r.pct(90) ? r.pick(lens) : r.next();
}

u64 gen_affinity(Rng& r, bool* bad) {
    static const u64 affs[] = {static_cast<u64>(-1L), 0, 1, 2, 3, 4, 5, static_cast<u64>(-2L), 0x100000000UL,
                               static_cast<u64>(-4097L), 0x7fffffffUL, ~0UL - 1};
    const u64 v = r.pct(60) ? static_cast<u64>(static_cast<long>(r.below(5)) - 1) : r.pick(affs);
    const long a = static_cast<long>(v);
    *bad = a < -1 || a >= PLAT_CPU_NUM;
    return v;
}

// A program name: pointer and length.
const char* const spawn_names[] = {"hello", "bad_jump", "bad_undef", "bad_kernel_access", "no_such_program", "", "hell",
                                   "hello\n"};

struct call {
    long n;
    u64 a[4];
    bool must_fail;      // some argument is wrong whatever the state
    bool exact_enosys;   // not a syscall: must be exactly -ENOSYS
    bool any_value;      // the result may be any value (a server's reply, an exit status)
    pool_kind keep;      // a result >= 0 is a cap of this kind
    u64 shm;             // ipc_call: the connection's shm we wrote the message into (va | log2 size)
    u64 msg_off;
};

constexpr pool_kind NO_KEEP = P_NR;

void gen_name(Rng& r, call& c, unsigned ptr_arg, unsigned len_arg) {
    bool bad = false;
    if (r.pct(40)) {
        const char* s = r.pick(spawn_names);
        c.a[ptr_arg] = reinterpret_cast<u64>(s);
        c.a[len_arg] = r.pct(80) ? strlen(s) : gen_len(r);
    } else {
        c.a[ptr_arg] = gen_addr(r, &bad);
        c.a[len_arg] = r.pct(50) ? r.below(40) : gen_len(r);
    }
    const u64 len = c.a[len_arg];
    if (len == 0 || len >= 32 || bad) c.must_fail = true;
}

// Lays out a message in the connection's shm (only inside it: the mapping is ours for good) and
// picks where the call says it is.
void gen_message(Rng& r, call& c, u64 shm) {
    const u64 va = shm & ~0xfffUL;
    const u64 size = 1UL << (shm & 0xfff);
    static const u64 offs[] = {0, 0, 0, 8, 16, 64, 0x100, 0x800};
    u64 off = r.pick(offs);
    if (off + 0x200 > size) off = 0;
    c.shm = shm;
    c.msg_off = off;
    char* base = reinterpret_cast<char*>(va + off);
    auto* w = reinterpret_cast<volatile ipc_msg_wire*>(base);
    ipc_test_req req{};
    static const unsigned ops[] = {OP_CHECK, OP_CHECK, OP_CHECK, OP_NULL, OP_NULL, OP_STATS, OP_CHECK, 77};
    req.op = r.pct(99) ? r.pick(ops) : static_cast<unsigned>(r.below(20));  // OP_EXIT (3): the server dies
    req.tid = static_cast<unsigned>(r.next());
    req.seq = static_cast<unsigned>(r.next());
    for (u64& p : req.payload) p = r.next();
    req.checksum = r.pct(80) ? req_checksum(req) : r.next();
    const unsigned nslots = r.pct(80) ? static_cast<unsigned>(r.below(4)) : static_cast<unsigned>(r.below(20));
    const unsigned data_off = sizeof(ipc_msg_wire);
    const unsigned caps_off = data_off + sizeof(req);
    if (r.pct(85)) {
        w->data_len = sizeof(req);
        w->cap_slot_number = nslots;
        w->data_offset = data_off;
        w->cap_slots_offset = caps_off;
    } else {  // a malformed header
        static const unsigned lens[] = {0, 7, 0x1000, 0x2000, 0xffffffffu, 0x80000000u};
        static const unsigned offs2[] = {0, 4, 7, 16, 0xff8, 0x1000, 0xffffffffu};
        w->data_len = r.pct(50) ? sizeof(req) : r.pick(lens);
        w->cap_slot_number = r.pct(50) ? nslots : static_cast<unsigned>(r.next());
        w->data_offset = r.pct(50) ? data_off : r.pick(offs2);
        w->cap_slots_offset = r.pct(50) ? caps_off : r.pick(offs2);
    }
    memcpy(base + data_off, &req, sizeof(req));
    auto* slots = reinterpret_cast<volatile int*>(base + caps_off);
    for (unsigned i = 0; i < 16 && caps_off + (i + 1) * sizeof(int) <= size - off; ++i) {
        bool bad;
        slots[i] = static_cast<int>(gen_cap(r, static_cast<pool_kind>(r.below(P_NR)), false, &bad));
    }
    static const u64 cap_nums[] = {0, 0, 0, 1, 1, 2, 3, 16, 17, 100, 0x100000000UL, ~0UL};
    c.a[2] = r.pct(70) ? (nslots < 2 ? nslots : r.below(nslots + 1)) : r.pick(cap_nums);
    c.a[1] = va + off;
    const unsigned where = static_cast<unsigned>(r.below(100));
    bool bad;
    if (where < 8) c.a[1] = va + off + r.pick(offs) + 3;             // misaligned
    else if (where < 14) c.a[1] = va + size + r.below(0x2000);         // past the shm
    else if (where < 18) c.a[1] = va - 8;                              // before it (wraps in the kernel)
    else if (where < 24) c.a[1] = gen_addr(r, &bad);
}

// One random call. `in_handler`: on a child's service thread (ipc_return there is real).
void gen_call(Rng& r, call& c, bool in_handler) {
    c = call{};
    c.keep = NO_KEEP;
    struct weight {
        long n;
        unsigned w;
    };
    static const weight table[] = {
        {CHCORE_SYS_putstr, 3},          {CHCORE_SYS_getc, 2},
        {CHCORE_SYS_yield, 4},           {CHCORE_SYS_create_thread, 4},
        {CHCORE_SYS_create_pmo, 6},      {CHCORE_SYS_map_pmo, 6},
        {CHCORE_SYS_unmap_pmo, 5},       {CHCORE_SYS_revoke_cap, 6},
        {CHCORE_SYS_get_cpu_id, 2},      {CHCORE_SYS_spawn, 1},
        {CHCORE_SYS_get_exit_status, 3}, {CHCORE_SYS_set_affinity, 4},
        {CHCORE_SYS_get_affinity, 3},    {CHCORE_SYS_poweroff, 1},
        {CHCORE_SYS_register_server, 3}, {CHCORE_SYS_register_client, 5},
        {CHCORE_SYS_ipc_register_cb_return, 2}, {CHCORE_SYS_ipc_call, 10},
        {CHCORE_SYS_ipc_return, 2},      {CHCORE_SYS_create_ipc_thread, 3},
        {CHCORE_SYS_spawn_with_cap, 1},  {CHCORE_SYS_get_main_thread, 3},
        {-1, 4},  // not a syscall
    };
    unsigned total = 0;
    for (const weight& w : table) total += w.w;
    unsigned x = static_cast<unsigned>(r.below(total));
    long n = -1;
    for (const weight& w : table) {
        if (x < w.w) {
            n = w.n;
            break;
        }
        x -= w.w;
    }
    if (r.below(4096) == 0) n = CHCORE_SYS_top;  // prints four lines: rarely
    c.n = n;
    bool b0 = false, b1 = false, b2 = false, b3 = false;
    switch (n) {
    case CHCORE_SYS_putstr: {
        const unsigned k = static_cast<unsigned>(r.below(100));
        if (k < 50) {  // spaces, maybe running into the unmapped page after them
            static const u64 lens[] = {0, 0, 0, 1, 1, 2, 7, 4097, ~0UL, 0x8000000000000000UL};
            c.a[1] = r.pct(95) ? r.pick(lens) : 257 + r.below(400);  // long runs only now and then
            c.a[0] = SPACES_VA + SPACES_SIZE - (r.pct(50) ? r.below(SPACES_SIZE) : r.below(600));
        } else {  // pointers that must be refused (a non-zero length over a kernel or non-user address)
            c.a[0] = r.pct(70) ? r.pick(kernel_addrs) : r.next() | 0x8000000000000000UL;
            c.a[1] = gen_len(r);
        }
        if (c.a[1] > 4096 || (c.a[1] && c.a[0] >= USER_END)) c.must_fail = true;
        break;
    }
    case CHCORE_SYS_create_thread: {
        // The stub (exits at once, never touches its stack), or a pc the kernel must refuse; a
        // wild pc only in a child (the thread faults and the kernel kills the whole process).
        static const u64 wild_pcs[] = {0, 0x1000, 0xdead0000, 0x400002, ARENA_BASE, SPACES_VA, 0x7ffffffff000UL};
        const unsigned k = static_cast<unsigned>(r.below(100));
        if (k < 60) c.a[0] = reinterpret_cast<u64>(fuzz_stub_thread);
        else if (k < 95 || !wild) c.a[0] = r.pick(kernel_addrs);
        else c.a[0] = r.pick(wild_pcs);
        static const u64 sps[] = {0, 8, 0x1000, 0x7ffffffff000UL, 0x7ffffffffff8UL, USER_END, ~0UL, 0xffffff0000100000UL};
        c.a[1] = r.pct(50) ? arena_addr(r) + r.below(4) * 0x1000 : r.pick(sps);
        c.a[2] = r.next();
        c.a[3] = gen_affinity(r, &b3);
        c.must_fail = b3 || c.a[0] >= USER_END || c.a[1] >= USER_END || (c.a[1] & 15);
        c.keep = P_THREAD;
        break;
    }
    case CHCORE_SYS_create_pmo: {
        static const u64 sizes[] = {0, 1, 0x1000, 0x1000, 0x1000, 0x1001, 0x2000, 0x4000, 0x8000, 0x10000,
                                    0x100000, 0x101000, PMO_MAX, PMO_MAX + 1, 1UL << 32, ~0UL, 0x8000000000000000UL};
        static const u64 types[] = {CHCORE_PMO_DATA, CHCORE_PMO_ANONYM, 2, 77, ~0UL, 0x100000000UL};
        c.a[0] = r.pct(95) ? r.pick(sizes) : r.next();
        c.a[1] = r.pct(90) ? r.below(2) : r.pick(types);
        // Big memory only lazily (ANONYM): PMO_DATA pages are allocated and zeroed at once.
        if (c.a[0] > 0x100000 && c.a[0] <= PMO_MAX && c.a[1] == CHCORE_PMO_DATA) c.a[1] = CHCORE_PMO_ANONYM;
        c.must_fail = c.a[0] == 0 || c.a[0] > PMO_MAX || c.a[1] > 1;
        c.keep = P_PMO;
        break;
    }
    case CHCORE_SYS_map_pmo: {
        c.a[0] = static_cast<u64>(gen_cap(r, P_PMO, false, &b0));
        c.a[1] = gen_addr(r, &b1);
        static const u64 perms[] = {CHCORE_VM_READ, CHCORE_VM_READ | CHCORE_VM_WRITE, CHCORE_VM_READ | CHCORE_VM_EXEC, 0,
                                    7, 8, 0x80, ~0UL};
        c.a[2] = r.pick(perms);
        c.must_fail = b0 || b1 || (c.a[1] & 0xfff) || (c.a[2] & ~7UL);
        break;
    }
    case CHCORE_SYS_unmap_pmo:
        c.a[0] = static_cast<u64>(gen_cap(r, P_PMO, false, &b0));
        c.a[1] = gen_addr(r, &b1);
        c.must_fail = b0 || b1;
        break;
    case CHCORE_SYS_revoke_cap:
        c.a[0] = static_cast<u64>(r.pct(80) ? pool_get(r, static_cast<pool_kind>(r.below(P_NR)))
                                  : r.pct(50) ? unprotected(static_cast<long>(r.below(1024)))
                                              : gen_cap(r, P_REVOKED, false, &b0));
        c.must_fail = static_cast<long>(c.a[0]) < 0 || c.a[0] >= 1024;
        break;
    case CHCORE_SYS_spawn:
        gen_name(r, c, 0, 1);
        c.a[2] = gen_affinity(r, &b2);
        c.must_fail = c.must_fail || b2;
        c.keep = P_CG;
        break;
    case CHCORE_SYS_get_exit_status:
        c.a[0] = static_cast<u64>(gen_cap(r, P_CG, false, &b0));
        c.must_fail = b0;
        c.any_value = true;  // an exit status may be any value (-9: killed)
        break;
    case CHCORE_SYS_set_affinity:
        c.a[0] = static_cast<u64>(r.pct(30) ? -1L : gen_cap(r, P_THREAD, true, &b0));
        c.a[1] = gen_affinity(r, &b1);
        c.must_fail = b0 || b1;
        break;
    case CHCORE_SYS_get_affinity:
        c.a[0] = static_cast<u64>(r.pct(30) ? -1L : gen_cap(r, P_THREAD, true, &b0));
        c.must_fail = b0;
        break;
    case CHCORE_SYS_poweroff:
        c.a[0] = r.next();
        c.must_fail = true;  // not the root process
        break;
    case CHCORE_SYS_register_server: {
        // MAIN: entries are the stubs (a client registering runs them) or refused addresses.
        static const u64 wild_entries[] = {0, 0x1000, 0xdead0000, 0x400002, ARENA_BASE};
        auto entry = [&](u64 stub) {
            const unsigned k = static_cast<unsigned>(r.below(100));
            if (k < 70) return stub;
            if (k < 90 || !wild) return r.pick(kernel_addrs);
            return r.pick(wild_entries);
        };
        c.a[0] = entry(reinterpret_cast<u64>(fuzz_stub_ipc_routine));
        c.a[1] = static_cast<u64>(gen_cap(r, P_REGISTER, false, &b1));
        c.a[2] = entry(reinterpret_cast<u64>(fuzz_stub_register_cb));
        c.must_fail = b1 || c.a[0] >= USER_END || c.a[2] >= USER_END;
        break;
    }
    case CHCORE_SYS_register_client: {
        c.a[0] = static_cast<u64>(gen_cap(r, P_SERVER, false, &b0));
        c.a[1] = static_cast<u64>(gen_cap(r, P_PMO, false, &b1));
        // A fresh place for the shm (never unmapped by the fuzz: ipc_call writes messages there),
        // or a bad one.
        if (r.pct(75)) {
            c.a[2] = chcore_alloc_vaddr(IPC_SHM_MAX_SIZE);
            c.shm = c.a[2];
        } else {
            c.a[2] = gen_addr(r, &b2);
        }
        c.must_fail = b0 || b1 || b2;
        c.keep = P_CONN;
        break;
    }
    case CHCORE_SYS_ipc_register_cb_return:
        c.a[0] = static_cast<u64>(gen_cap(r, P_SHADOW, false, &b0));
        c.a[1] = gen_addr(r, &b1);
        c.must_fail = !in_handler;  // only a register-callback thread in a registration may
        break;
    case CHCORE_SYS_ipc_call: {
        u64 shm = 0;
        long conn;
        if (r.pct(70)) {
            conn = pool_get(r, P_CONN, &shm);
        } else {
            conn = gen_cap(r, P_CONN, false, &b0);
        }
        c.a[0] = static_cast<u64>(conn);
        if (shm && r.pct(90)) {
            gen_message(r, c, shm);
        } else {
            c.a[1] = gen_addr(r, &b1);
            c.a[2] = r.below(3);
        }
        c.must_fail = b0;
        c.any_value = true;  // the server's reply
        break;
    }
    case CHCORE_SYS_ipc_return: {
        static const u64 rets[] = {0, 1, static_cast<u64>(-EINVAL), 0x7fffffffffffffffUL, ~0UL};
        c.a[0] = r.pick(rets);
        static const u64 cap_nums[] = {0, 0, 0, 1, 2, 16, 17, ~0UL};
        c.a[1] = r.pick(cap_nums);
        c.must_fail = !in_handler;
        break;
    }
    case CHCORE_SYS_create_ipc_thread: {
        static const u64 sps[] = {0, 0x1000, 0x7ffffffff000UL, USER_END, ~0UL, 8};
        c.a[0] = r.pct(60) ? arena_addr(r) + 0x1000 : r.pick(sps);
        static const u64 types[] = {CHCORE_THREAD_TYPE_SHADOW, CHCORE_THREAD_TYPE_REGISTER, 0, 3, ~0UL};
        c.a[1] = r.pick(types);
        // Parked threads live until the process exits: a valid one only now and then.
        if (!wild && r.pct(75)) c.a[0] |= 8;
        c.must_fail = c.a[0] >= USER_END || (c.a[0] & 15) || (c.a[1] != 1 && c.a[1] != 2);
        c.keep = c.a[1] == CHCORE_THREAD_TYPE_SHADOW ? P_SHADOW : P_REGISTER;
        break;
    }
    case CHCORE_SYS_spawn_with_cap:
        gen_name(r, c, 0, 1);
        c.a[2] = gen_affinity(r, &b2);
        c.a[3] = static_cast<u64>(gen_cap(r, static_cast<pool_kind>(r.below(P_NR)), false, &b3));
        c.must_fail = c.must_fail || b2 || b3;
        c.keep = P_CG;
        break;
    case CHCORE_SYS_get_main_thread:
        c.a[0] = static_cast<u64>(gen_cap(r, P_CG, false, &b0));
        c.must_fail = b0;
        c.keep = P_THREAD;
        break;
    case -1: {  // not a syscall: holes in the table, out of range, negative, huge
        static const long nums[] = {17, 18, 19, CHCORE_SYS_NR, CHCORE_SYS_NR + 1, 64, 255, 256, 4096, 0x7fffffff,
                                    -1, -2, -28, static_cast<long>(0x8000000000000000UL), 0x100000000L,
                                    0x100000004L /* yield + 2^32 */};
        c.n = r.pct(80) ? r.pick(nums) : static_cast<long>(r.next());
        if (c.n >= 0 && c.n < CHCORE_SYS_NR && c.n != 17 && c.n != 18 && c.n != 19) c.n = 17;
        for (u64& a : c.a) a = r.next();
        c.exact_enosys = true;
        break;
    }
    default:  // getc, yield, get_cpu_id, top: no arguments that matter
        for (u64& a : c.a) a = r.next();
        break;
    }
}

bool known_errno(long v) {
    static const long errs[] = {EPERM, ENOENT, ESRCH,  EINTR,  EIO,   E2BIG,  ENOEXEC, EBADF,   EAGAIN, ENOMEM,
                                EACCES, EFAULT, EBUSY, EEXIST, EINVAL, ENOSPC, ENOSYS, EPROTO, ECAPBILITY};
    for (long e : errs)
        if (v == -e) return true;
    return false;
}

// What the call returned against what it may return; prints a wrong return (the first few).
void check_result(const call& c, long ret, unsigned tid, u64 index) {
    const char* why = nullptr;
    if (c.exact_enosys) {
        if (ret != -ENOSYS) why = "not a syscall, but not -ENOSYS";
    } else if (c.must_fail && ret >= 0) {
        why = "succeeded with an argument that is always wrong";
    } else if (ret < 0 && !c.any_value && !known_errno(ret) && !(c.n == CHCORE_SYS_get_affinity && ret == -1)) {
        why = "returned an error that is no errno";
    } else if (ret >= 0) {
        switch (c.n) {
        case CHCORE_SYS_putstr:
            if (static_cast<u64>(ret) != c.a[1]) why = "putstr did not return its length";
            break;
        case CHCORE_SYS_get_cpu_id:
            if (ret >= PLAT_CPU_NUM) why = "no such CPU";
            break;
        case CHCORE_SYS_yield:
        case CHCORE_SYS_map_pmo:
        case CHCORE_SYS_unmap_pmo:
        case CHCORE_SYS_revoke_cap:
        case CHCORE_SYS_set_affinity:
        case CHCORE_SYS_register_server:
            if (ret != 0) why = "success other than 0";
            break;
        case CHCORE_SYS_get_affinity:
            if (ret >= PLAT_CPU_NUM) why = "no such CPU";
            break;
        case CHCORE_SYS_getc:
            if (ret > 255) why = "not a byte";
            break;
        default:
            if (c.keep != NO_KEEP && ret >= 1024) why = "a cap beyond the slot table";
            break;
        }
    }
    if (!why) return;
    const u64 n = __atomic_fetch_add(&params->violations, 1, __ATOMIC_SEQ_CST);
    if (n < MAX_REPORTS)
        printf("syscall_fuzz: WRONG RETURN %s: syscall %ld(0x%lx, 0x%lx, 0x%lx, 0x%lx) = %ld (%s seed %lu, thread %u, "
               "call %lu)\n",
               why, c.n, c.a[0], c.a[1], c.a[2], c.a[3], ret, wild ? "child" : "main", seed, tid, index);
}

// After a call: remember what it made.
void after_call(const call& c, long ret) {
    if (c.n == CHCORE_SYS_revoke_cap && ret == 0) pool_put(P_REVOKED, static_cast<long>(c.a[0]));
    if (ret < 0 || ret >= 1024) return;
    if (c.keep == P_CONN) {
        // The shm is mapped at c.shm for good (the fuzz never unmaps that range) and is at least
        // a page: ipc_call may write messages into its first page.
        pool_put(P_CONN, ret, c.shm ? (c.shm | 12) : 0);
        return;
    }
    if (c.keep != NO_KEEP) pool_put(c.keep, ret);
    if (c.n == CHCORE_SYS_ipc_call && c.shm && c.a[2] && c.a[2] <= 16) {
        // Caps the server passed back, in the message's slots (as the kernel rewrote them).
        const u64 va = c.shm & ~0xfffUL;
        const u64 off = reinterpret_cast<volatile ipc_msg_wire*>(va + c.msg_off)->cap_slots_offset;
        if (c.msg_off + off + 16 * sizeof(int) <= 0x1000)
            for (unsigned i = 0; i < c.a[2]; ++i) pool_put(P_ANY, reinterpret_cast<volatile int*>(va + c.msg_off + off)[i]);
    }
}

// ---- workers (MAIN) -------------------------------------------------------------------------

struct worker_state {
    volatile u64 done;   // calls made
    volatile long n;     // the call in progress
    volatile u64 a[4];
    volatile u64 cpus;   // CPUs it ran on
    volatile unsigned finished;
    long cap;
    u64 quota;
};
worker_state workers[MAX_WORKERS];
unsigned nworkers;
volatile unsigned workers_finished;

// A raw fuzz call with its bookkeeping.
long do_call(Rng& r, call& c, worker_state* w, unsigned tid, u64 index) {
    if (w) {
        w->n = c.n;
        for (int i = 0; i < 4; ++i) w->a[i] = c.a[i];
    }
    const long ret = __chcore_syscall(c.n, c.a[0], c.a[1], c.a[2], c.a[3], r.next(), r.next());
    __atomic_fetch_add(&calls_total, 1, __ATOMIC_RELAXED);
    check_result(c, ret, tid, index);
    after_call(c, ret);
    return ret;
}

[[noreturn]] void worker_main(u64 id) {
    worker_state* w = &workers[id];
    Rng r{mix(seed, id + 1)};
    w->cpus = w->cpus | 1UL << usys_get_cpu_id();
    for (u64 i = 0; i < w->quota; ++i) {
        call c;
        call_enter();
        gen_call(r, c, false);
        const long ret = do_call(r, c, w, static_cast<unsigned>(id), i);
        // Clients may now register with us (the stubs answer).
        if (c.n == CHCORE_SYS_register_server && ret == 0) pool_put(P_SERVER, w->cap);
        call_leave();
        __atomic_store_n(&w->done, i + 1, __ATOMIC_RELEASE);
        if ((i & 63) == 0) w->cpus = w->cpus | 1UL << usys_get_cpu_id();
    }
    w->cpus = w->cpus | 1UL << usys_get_cpu_id();
    w->finished = 1;
    __atomic_fetch_add(&workers_finished, 1u, __ATOMIC_SEQ_CST);
    usys_thread_exit();
}

// A stack of its own whose pmo cap is given back at once (a cap the fuzz could unmap or pass on).
u64 worker_stack(unsigned i) {
    const u64 base = WORKER_STACK_BASE + i * (WORKER_STACK_SIZE + 0x1000);
    const long pmo = usys_create_pmo(WORKER_STACK_SIZE, CHCORE_PMO_ANONYM);
    if (pmo < 0) return 0;
    const long err = usys_map_pmo(pmo, base, CHCORE_VM_READ | CHCORE_VM_WRITE);
    usys_revoke_cap(pmo);
    return err < 0 ? 0 : base + WORKER_STACK_SIZE;
}

// ---- the coordinator (MAIN) -----------------------------------------------------------------

struct target_server {
    long cg = -1;
    ipc_struct_t* icb = nullptr;  // the coordinator's own connection (to end it)
};

// A fresh ipc_server for the workers to call (its main thread goes to P_SERVER).
bool start_target(target_server* t) {
    coord_enter();
    t->cg = usys_spawn("ipc_server", NO_AFF);
    protect(t->cg);
    long main_thread = t->cg >= 0 ? usys_get_main_thread(t->cg) : -1;
    protect(main_thread);
    long err = main_thread >= 0 ? ipc_connect(main_thread, &t->icb) : -1;
    if (err < 0) t->icb = nullptr;
    else protect(t->icb->conn_cap);
    coord_leave();
    if (t->cg < 0 || main_thread < 0 || err < 0) {
        printf("syscall_fuzz: FAIL start the target server: %ld %ld %ld\n", t->cg, main_thread, err);
        return false;
    }
    unprotect(main_thread);
    pool_put(P_SERVER, main_thread);  // the workers' copy: theirs to revoke
    return true;
}

// Asks the target to exit (if it still runs) and waits for it.
void end_target(target_server* t) {
    if (t->cg < 0) return;
    if (t->icb && usys_get_exit_status(t->cg) == -EAGAIN) {
        for (int tries = 0; tries < 1000; ++tries) {
            ipc_msg_t* msg = ipc_create_msg(t->icb, sizeof(ipc_test_req), 0);
            ipc_test_req req{};
            req.op = OP_EXIT;
            ipc_set_msg_data(msg, &req, 0, sizeof(req));
            const long ret = ipc_call(t->icb, msg);
            ipc_destroy_msg(msg);
            if (ret != -EBUSY) break;  // a worker was calling on our connection
            usys_yield();
        }
    }
    wait_process(t->cg);
    coord_enter();
    unprotect(t->cg);
    if (t->icb) unprotect(t->icb->conn_cap);
    if (t->icb) usys_revoke_cap(t->icb->conn_cap);
    usys_revoke_cap(t->cg);
    coord_leave();
    t->cg = -1;
    t->icb = nullptr;
}

struct child_run {
    long cg = -1;
    long pmo = -1;
    u64 index = 0;
};

bool start_child(child_run* ch, u64 index) {
    auto* cp = reinterpret_cast<fuzz_params*>(CHILD_PARAMS_VA);
    coord_enter();
    ch->pmo = usys_create_pmo(0x1000, CHCORE_PMO_DATA);
    protect(ch->pmo);
    long err = ch->pmo >= 0 ? usys_map_pmo(ch->pmo, CHILD_PARAMS_VA, CHCORE_VM_READ | CHCORE_VM_WRITE) : ch->pmo;
    if (err == 0) {
        memset(cp, 0, sizeof(*cp));
        cp->magic = FUZZ_MAGIC;
        cp->mode = FUZZ_MODE_CHILD;
        cp->seed = mix(seed, 0x1000 + index);
        cp->calls = CHILD_CALLS_PER_THREAD;
        cp->threads = CHILD_THREADS;
        Rng r{cp->seed};
        const long aff = static_cast<long>(r.below(PLAT_CPU_NUM + 1)) - 1;
        ch->cg = usys_spawn_with_cap("syscall_fuzz", aff, ch->pmo);
        protect(ch->cg);
    }
    coord_leave();
    if (err < 0 || ch->cg < 0) {
        printf("syscall_fuzz: FAIL start child %lu: %ld %ld\n", index, err, ch->cg);
        return false;
    }
    ch->index = index;
    // The workers may register with it: its main thread becomes a server at once.
    const long main_thread = usys_get_main_thread(ch->cg);
    if (main_thread >= 0) pool_put(P_SERVER, main_thread);
    return true;
}

// Whether the child has ended (then its results are counted and its caps given back).
bool poll_child(child_run* ch) {
    const long st = usys_get_exit_status(ch->cg);
    if (st == -EAGAIN) return false;
    auto* cp = reinterpret_cast<fuzz_params*>(CHILD_PARAMS_VA);
    __atomic_fetch_add(&params->child_calls, cp->calls_done, __ATOMIC_RELAXED);
    __atomic_fetch_add(&params->children, 1, __ATOMIC_RELAXED);
    if (st == -9) __atomic_fetch_add(&params->children_killed, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&params->violations, cp->violations, __ATOMIC_RELAXED);
    if (st < 0 && st != -9 && known_errno(st)) {
        // An errno as the exit status: get_exit_status itself failed (our cap is protected).
        printf("syscall_fuzz: FAIL get_exit_status(child %lu) = %ld\n", ch->index, st);
        __atomic_fetch_add(&params->violations, 1, __ATOMIC_RELAXED);
    }
    coord_enter();
    if (usys_unmap_pmo(ch->pmo, CHILD_PARAMS_VA) != 0) {  // a worker got at a protected cap
        printf("syscall_fuzz: FAIL the child's parameter page (cap %ld) is gone\n", ch->pmo);
        __atomic_fetch_add(&params->violations, 1, __ATOMIC_RELAXED);
    }
    unprotect(ch->pmo);
    unprotect(ch->cg);
    usys_revoke_cap(ch->pmo);
    usys_revoke_cap(ch->cg);
    coord_leave();
    ch->cg = ch->pmo = -1;
    return true;
}

// Hang detection, by rounds of the CPUs' ready queues rather than by time (chemu's cores each
// have their own clock, which stands still while the core does not run, e.g. 26 slices in 27
// under --sched pct; QEMU's clock runs on while the host does not run its vCPU): a heartbeat
// thread pinned to each CPU counts its turns, and as it yields after each one, every thread
// queued on that CPU runs in between. Something that made no progress while every CPU went
// through STUCK_ROUNDS rounds was runnable nowhere all that time: it waits in the kernel for good.
volatile u64 cpu_rounds[PLAT_CPU_NUM];

[[noreturn]] void heartbeat_main(u64 cpu) {
    for (;;) {
        __atomic_fetch_add(&cpu_rounds[cpu], 1, __ATOMIC_RELAXED);
        usys_yield();
    }
}

struct progress {
    u64 seen = ~0UL;  // the counter when it last moved
    u64 rounds[PLAT_CPU_NUM] = {};
    u64 epoch = 0;    // the caller's epoch then

    // Whether the counter is stuck; *least: rounds since it moved, on the CPU that made fewest.
    // A new `now_epoch` counts as a move: the thread was held back meanwhile by design (workers
    // wait in call_enter while the coordinator, who also runs this check, is in a coordinated
    // section; counting those rounds reported a worker that merely had not run since the section
    // ended, e.g. worker 6 of seed 1 on --sched rr, while the coordinator waited 889 yields for a
    // worker's slow call).
    bool stuck(u64 counter, u64* least, u64 now_epoch = 0) {
        if (counter != seen || now_epoch != epoch) {
            seen = counter;
            epoch = now_epoch;
            for (unsigned c = 0; c < PLAT_CPU_NUM; ++c) rounds[c] = cpu_rounds[c];
            return false;
        }
        *least = ~0UL;
        for (unsigned c = 0; c < PLAT_CPU_NUM; ++c) {
            const u64 moved = cpu_rounds[c] - rounds[c];
            if (moved < *least) *least = moved;
        }
        return *least > STUCK_ROUNDS;
    }
};

bool watch_workers(progress* prog) {
    for (unsigned i = 0; i < nworkers; ++i) {
        worker_state* w = &workers[i];
        u64 rounds;
        if (w->finished || !prog[i].stuck(w->done, &rounds, __atomic_load_n(&coord_sections, __ATOMIC_SEQ_CST))) continue;
        printf("syscall_fuzz: FAIL worker %u made no progress in %lu rounds of every CPU, in syscall %ld(0x%lx, 0x%lx, "
               "0x%lx, 0x%lx) after %lu calls (seed %lu)\n",
               i, rounds, w->n, w->a[0], w->a[1], w->a[2], w->a[3], w->done, seed);
        usys_top();  // where the threads are
        return false;
    }
    return true;
}

int main_mode() {
    nworkers = params->threads;
    if (nworkers == 0 || nworkers > MAX_WORKERS) nworkers = FUZZ_DEFAULT_THREADS;
    const u64 calls = params->calls;
    // putstr's buffer: spaces (nothing that could look like a console line), then nothing mapped.
    const long sp = usys_create_pmo(SPACES_SIZE, CHCORE_PMO_DATA);
    if (sp < 0 || usys_map_pmo(sp, SPACES_VA, CHCORE_VM_READ | CHCORE_VM_WRITE) < 0) return 3;
    memset(reinterpret_cast<void*>(SPACES_VA), ' ', SPACES_SIZE);
    usys_revoke_cap(sp);
    usys_set_affinity(-1, 0);
    for (auto& p : pools)
        for (auto& c : p.cap) c = -1;

    target_server target;
    if (!start_target(&target)) return 3;
    for (unsigned i = 0; i < nworkers; ++i) {
        workers[i].quota = calls / nworkers + (i < calls % nworkers ? 1 : 0);
        const u64 stack = worker_stack(i);
        coord_enter();
        const long cap = stack ? usys_create_thread(reinterpret_cast<u64>(&worker_main), stack, i, i % PLAT_CPU_NUM) : -ENOMEM;
        workers[i].cap = cap;
        coord_leave();
        if (cap < 0) {
            printf("syscall_fuzz: FAIL create worker %u: %ld\n", i, cap);
            return 3;
        }
        pool_put(P_THREAD, cap);
    }
    for (unsigned c = 0; c < PLAT_CPU_NUM; ++c) {
        const u64 stack = worker_stack(nworkers + c);
        coord_enter();
        const long cap = stack ? usys_create_thread(reinterpret_cast<u64>(&heartbeat_main), stack, c, c) : -ENOMEM;
        protect(cap);  // stays on its CPU: no worker names it
        coord_leave();
        if (cap < 0) {
            printf("syscall_fuzz: FAIL create heartbeat %u: %ld\n", c, cap);
            return 3;
        }
    }

    bool ok = true;
    child_run child;
    u64 child_index = 0;
    progress worker_prog[MAX_WORKERS], child_prog;
    const u64 started = now_ticks();
    for (;;) {
        const bool workers_done = __atomic_load_n(&workers_finished, __ATOMIC_SEQ_CST) == nworkers;
        if (child.cg >= 0) {
            u64 rounds;
            const u64 made = reinterpret_cast<fuzz_params*>(CHILD_PARAMS_VA)->calls_done;
            if (!poll_child(&child) && child_prog.stuck(made, &rounds)) {  // it must make calls until it ends
                printf("syscall_fuzz: FAIL child %lu (seed %lu) made no progress in %lu rounds of every CPU after %lu "
                       "calls\n",
                       child.index, mix(seed, 0x1000 + child.index), rounds, made);
                usys_top();
                ok = false;
                break;
            }
        }
        if (child.cg < 0) {
            if (workers_done) break;
            if (!start_child(&child, child_index++)) {
                ok = false;
                break;
            }
            child_prog = progress{};
        }
        if (usys_get_exit_status(target.cg) != -EAGAIN) {  // a worker's OP_EXIT ended it
            end_target(&target);
            if (!start_target(&target)) {
                ok = false;
                break;
            }
        }
        if (!watch_workers(worker_prog)) {
            ok = false;
            break;
        }
        usys_yield();
    }
    if (!ok) return 1;  // leaves the stuck calls where they are: the console says which
    end_target(&target);

    u64 mask = 0, done = 0;
    for (unsigned i = 0; i < nworkers; ++i) {
        mask |= workers[i].cpus;
        done += workers[i].done;
    }
    params->calls_done = done;
    params->cpu_mask = mask;
    const u64 violations = params->violations;
    const u64 ms = (now_ticks() - started) / (TICKS_PER_SEC / 1000);  // roughly: each CPU has its own clock
    printf("syscall_fuzz: seed %lu: %lu calls by %u threads on CPUs 0x%lx, %lu more in %lu child processes (%lu killed); "
           "%lu syscalls in all, in about %lu ms of guest time; %lu wrong returns\n",
           seed, done, nworkers, mask, params->child_calls, params->children, params->children_killed,
           calls_total + params->child_calls, ms, violations);
    const bool pass = violations == 0 && done == calls && mask == (1UL << PLAT_CPU_NUM) - 1;
    params->ok = pass ? 1 : 0;
    return pass ? 0 : 1;
}

// ---- CHILD mode -------------------------------------------------------------------------------

volatile unsigned child_alive;
volatile u64 handler_runs;

// A child thread ends: the last one ends the process.
[[noreturn]] void child_thread_done(long status) {
    if (__atomic_sub_fetch(&child_alive, 1u, __ATOMIC_SEQ_CST) == 0) usys_exit(status);
    usys_thread_exit();
}

// One wild call: anything, including the calls that end threads and the process.
void child_call(Rng& r, bool in_handler, unsigned tid, u64 index) {
    call c;
    if (r.below(800) == 0) {  // rare: end something
        const unsigned k = static_cast<unsigned>(r.below(3));
        __atomic_fetch_add(&params->calls_done, 1, __ATOMIC_RELAXED);
        if (k == 0) usys_exit(static_cast<long>(r.below(5)));
        if (k == 1) {
            if (in_handler) usys_thread_exit();  // a service thread: its client gets -ESRCH
            child_thread_done(0);
        }
        // A thread at a wrong pc: it faults and the kernel kills this process.
        static const u64 wild_pcs[] = {0x1000, 0xdead0000, 0x400002, ARENA_BASE, SPACES_VA};
        __chcore_syscall(CHCORE_SYS_create_thread, r.pick(wild_pcs), arena_addr(r), 0, NO_AFF, 0, 0);
        return;
    }
    gen_call(r, c, in_handler);
    do_call(r, c, nullptr, tid, index);
    __atomic_fetch_add(&params->calls_done, 1, __ATOMIC_RELAXED);
}

void child_handler(ipc_msg_t* msg, u64 badge) {
    const u64 run = __atomic_fetch_add(&handler_runs, 1, __ATOMIC_RELAXED);
    Rng r{mix(seed ^ badge, run + 0x777)};
    const unsigned n = static_cast<unsigned>(r.below(4));
    for (unsigned i = 0; i < n; ++i) child_call(r, true, 99, run);
    if (r.pct(20)) {
        static const u64 cap_nums[] = {0, 1, 2, 17};
        usys_ipc_return(static_cast<long>(r.below(1000)), r.pick(cap_nums));  // caps: maybe malformed
    }
    ipc_return(msg, static_cast<long>(r.below(1000)));
}

struct child_arg {
    unsigned tid;
};
child_arg child_args[CHILD_THREADS];

void child_worker(void* arg) {
    const unsigned tid = static_cast<child_arg*>(arg)->tid;
    Rng r{mix(seed, tid + 1)};
    for (u64 i = 0; i < params->calls; ++i) child_call(r, false, tid, i);
    child_thread_done(0);
}

int child_mode() {
    for (auto& p : pools)
        for (auto& c : p.cap) c = -1;
    pool_put(P_SERVER, 2);  // our main thread: a server (ipc_register_server below)
    const long sp = usys_create_pmo(SPACES_SIZE, CHCORE_PMO_DATA);
    if (sp >= 0 && usys_map_pmo(sp, SPACES_VA, CHCORE_VM_READ | CHCORE_VM_WRITE) == 0)
        memset(reinterpret_cast<void*>(SPACES_VA), ' ', SPACES_SIZE);
    ipc_register_server(child_handler, DEFAULT_CLIENT_REGISTER_HANDLER);
    unsigned n = params->threads;
    if (n == 0 || n > CHILD_THREADS) n = CHILD_THREADS;
    child_alive = n;
    for (unsigned i = 1; i < n; ++i) {
        child_args[i].tid = i;
        Rng r{mix(seed, 0x55 + i)};
        if (create_thread(child_worker, &child_args[i], static_cast<long>(r.below(PLAT_CPU_NUM + 1)) - 1) < 0)
            child_thread_done(0);  // counts it as ended
    }
    child_args[0].tid = 0;
    child_worker(&child_args[0]);
    return 0;
}

}  // namespace

extern "C" int main() {
    // The parameters: a pmo in slot 3 (procmgr's or the fuzzer's); anything else means this was
    // spawned by a random call, which has nothing to do here.
    if (usys_map_pmo(CHCORE_INHERITED_CAP, PARAMS_VA, CHCORE_VM_READ | CHCORE_VM_WRITE) != 0) return 2;
    params = reinterpret_cast<fuzz_params*>(PARAMS_VA);
    if (params->magic != FUZZ_MAGIC || __atomic_exchange_n(&params->claimed, 1u, __ATOMIC_SEQ_CST) != 0) return 2;
    usys_revoke_cap(CHCORE_INHERITED_CAP);  // not to be passed on by a random call
    seed = params->seed;
    if (params->mode == FUZZ_MODE_CHILD) {
        wild = true;
        return child_mode();
    }
    return main_mode();
}

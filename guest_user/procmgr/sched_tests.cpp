// Scheduling tests run by procmgr: cooperative (yield), preemptive (timer) and FP/SIMD state
// across context switches.
#include "sched_tests.h"
#include "chcore/chcore.h"

namespace {

constexpr int COOP_THREADS = 2 * PLAT_CPU_NUM;
constexpr int COOP_ROUNDS = 5;

volatile int coop_progress[COOP_THREADS];
volatile int coop_done;

// Each thread takes COOP_ROUNDS turns, yielding between them.
void coop_worker(void* arg) {
    const long id = reinterpret_cast<long>(arg);
    for (int round = 0; round < COOP_ROUNDS; ++round) {
        coop_progress[id] = round + 1;
        usys_yield();
    }
    __atomic_fetch_add(&coop_done, 1, __ATOMIC_SEQ_CST);
}

void wait_until(volatile int* counter, int value) {
    while (__atomic_load_n(counter, __ATOMIC_SEQ_CST) < value) usys_yield();
}

volatile int spin_stop;
volatile int spinner_started;

void spinner(void*) {
    printf("Hello, I am thread 3. I'm spinning.\n");
    spinner_started = 1;
    while (!spin_stop) {
    }
}

volatile int fp_ok;

// Keeps values in FP/SIMD registers across yields; any other thread's FP use must not leak in.
void fp_worker(void* arg) {
    const double seed = static_cast<double>(reinterpret_cast<long>(arg));
    double acc = seed;
    for (int i = 0; i < 200; ++i) {
        acc = acc * 1.0000001 + 0.5;
        if ((i & 7) == 0) usys_yield();
    }
    double expect = seed;
    for (int i = 0; i < 200; ++i) expect = expect * 1.0000001 + 0.5;
    if (acc == expect) __atomic_fetch_add(&fp_ok, 1, __ATOMIC_SEQ_CST);
    else printf("FP context test: FAIL thread %ld\n", reinterpret_cast<long>(arg));
}

}  // namespace

bool test_cooperative_sched() {
    for (long i = 0; i < COOP_THREADS; ++i) {
        if (create_thread(coop_worker, reinterpret_cast<void*>(i), i % PLAT_CPU_NUM) < 0) {
            printf("Cooperative Scheduling Test: FAIL create_thread\n");
            return false;
        }
    }
    wait_until(&coop_done, COOP_THREADS);
    for (int i = 0; i < COOP_THREADS; ++i)
        if (coop_progress[i] != COOP_ROUNDS) return false;
    printf("Cooperative Scheduling Test Done!\n");
    return true;
}

// The spinner shares this thread's CPU and never yields: only the timer can give the CPU back.
bool test_preemptive_sched() {
    const long cpu = usys_get_cpu_id();
    if (create_thread(spinner, nullptr, cpu) < 0) return false;
    while (!spinner_started) usys_yield();
    printf("Thread 1 successfully regains the control!\n");
    spin_stop = 1;
    printf("Preemptive Scheduling Test Done!\n");
    return true;
}

bool test_fp_context() {
    constexpr int N = 4;
    for (long i = 0; i < N; ++i) create_thread(fp_worker, reinterpret_cast<void*>(i + 1), 1);
    wait_until(&fp_ok, N);
    printf("FP context test: OK\n");
    return true;
}

// ---- What a real multicore scheduler must also do (chemu's additions; "Sched test ...: OK") ----

namespace {

// The virtual counter (62.5 MHz on QEMU raspi3b and chemu); the kernel lets EL0 read it.
unsigned long now_ticks() {
    unsigned long v;
    asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}
constexpr unsigned long TICKS_PER_MS = 62500;
constexpr unsigned long TICK = 10 * TICKS_PER_MS;  // the kernel's TICK_MS

// Yields until `ms` milliseconds of counter time have passed.
void wait_ms(unsigned long ms) {
    const unsigned long end = now_ticks() + ms * TICKS_PER_MS;
    while (now_ticks() < end) usys_yield();
}

constexpr int MANY = 12;
volatile int many_stop;
volatile int many_done;
volatile unsigned long many_count[MANY];
volatile long many_cpu[MANY];      // CPU of the thread's latest sample
volatile unsigned many_mask[MANY];  // every CPU it was seen on

// Spins (never yields) until told to stop, noting which CPU it is on every 1024 iterations.
void many_worker(void* arg) {
    const long id = reinterpret_cast<long>(arg);
    while (!many_stop) {
        const unsigned long c = many_count[id] + 1;
        many_count[id] = c;
        if ((c & 1023) == 1) {
            const long cpu = usys_get_cpu_id();
            many_cpu[id] = cpu;
            many_mask[id] = many_mask[id] | (1u << cpu);
        }
    }
    __atomic_fetch_add(&many_done, 1, __ATOMIC_SEQ_CST);
}

constexpr int PINNED = 2 * PLAT_CPU_NUM;
constexpr int PINNED_ROUNDS = 40;
volatile int pinned_done;
volatile int pinned_bad;

// Checks its CPU after every yield and during spins (so also after preemptions).
void pinned_worker(void* arg) {
    const long want = reinterpret_cast<long>(arg) % PLAT_CPU_NUM;
    for (int round = 0; round < PINNED_ROUNDS; ++round) {
        for (int i = 0; i < 3000; ++i) asm volatile("" ::: "memory");
        const long cpu = usys_get_cpu_id();
        if (cpu != want) {
            printf("pinned threads: thread pinned to CPU %ld ran on CPU %ld\n", want, cpu);
            __atomic_fetch_add(&pinned_bad, 1, __ATOMIC_SEQ_CST);
        }
        if (round & 1) usys_yield();
    }
    __atomic_fetch_add(&pinned_done, 1, __ATOMIC_SEQ_CST);
}

volatile int yl_stop;
volatile unsigned long yl_yields;
volatile unsigned long yl_loop_start;  // both times on CPU 2's counter (chemu's cores each have their own)
volatile unsigned long yl_work_start;
volatile unsigned long yl_work_end;
volatile int yl_done;

void yield_looper(void*) {
    yl_loop_start = now_ticks();
    while (!yl_stop) {
        usys_yield();
        yl_yields = yl_yields + 1;
    }
    __atomic_fetch_add(&yl_done, 1, __ATOMIC_SEQ_CST);
}

// One tick (of CPU 2's counter) of spinning.
void yield_victim(void*) {
    const unsigned long start = now_ticks();
    yl_work_start = start;
    while (now_ticks() - start < TICK) {
    }
    yl_work_end = now_ticks();
    __atomic_fetch_add(&yl_done, 1, __ATOMIC_SEQ_CST);
}

volatile long mig_cpu = -1;
volatile long mig_request = -1;       // the CPU procmgr is about to move the spinner to
volatile unsigned long mig_late;      // loop turns the spinner made on its old CPU after the request
volatile int mig_stop;
volatile int mig_done;

// Reports the CPU it is on until told to stop; counts its turns on the old CPU once a move is asked.
// (Turns, not time: a turn count does not depend on how fast the host runs QEMU's vCPUs.)
void mig_spinner(void*) {
    while (!mig_stop) {
        const long cpu = usys_get_cpu_id();
        const long want = __atomic_load_n(&mig_request, __ATOMIC_ACQUIRE);
        if (want >= 0 && cpu != want) mig_late = mig_late + 1;
        if (cpu != __atomic_load_n(&mig_cpu, __ATOMIC_RELAXED)) __atomic_store_n(&mig_cpu, cpu, __ATOMIC_RELEASE);
    }
    __atomic_fetch_add(&mig_done, 1, __ATOMIC_SEQ_CST);
}

}  // namespace

// Many threads without affinity, spinning on 4 CPUs for five ticks: every one must have run
// (catches: no preemption among threads queued behind a spinner, a thread lost from the queues),
// and they must be spread over the CPUs (catches: rr_sched_enqueue putting every thread without
// affinity on the creating CPU, as a policy ignoring load does).
bool test_many_threads() {
    for (int i = 0; i < MANY; ++i) many_cpu[i] = -1;
    for (long i = 0; i < MANY; ++i) {
        if (create_thread(many_worker, reinterpret_cast<void*>(i), NO_AFF) < 0) {
            printf("Sched test many threads: FAIL create_thread\n");
            return false;
        }
    }
    wait_ms(25);
    usys_top();  // the kernel's view halfway: every CPU running one worker, the rest queued
    wait_ms(25);
    unsigned long fewest = ~0ul;
    unsigned mask = 0;
    int per_cpu[PLAT_CPU_NUM] = {};
    for (int i = 0; i < MANY; ++i) {
        if (many_count[i] < fewest) fewest = many_count[i];
        mask |= many_mask[i];
        if (many_cpu[i] >= 0 && many_cpu[i] < PLAT_CPU_NUM) per_cpu[many_cpu[i]]++;
    }
    many_stop = 1;
    wait_until(&many_done, MANY);
    printf("many threads: %d threads on CPUs mask 0x%x, fewest iterations %lu; last seen per CPU %d %d %d %d\n", MANY,
           mask, fewest, per_cpu[0], per_cpu[1], per_cpu[2], per_cpu[3]);
    bool ok = true;
    if (fewest == 0) {
        printf("Sched test many threads: FAIL a thread never ran\n");
        ok = false;
    } else {
        printf("Sched test many threads: OK\n");
    }
    // 12 threads (plus procmgr on CPU 0) over 4 CPUs: 3 each when balanced; allow one off.
    bool spread = mask == 0xf;
    for (int c = 0; c < PLAT_CPU_NUM; ++c) spread = spread && per_cpu[c] >= MANY / PLAT_CPU_NUM - 1 && per_cpu[c] <= MANY / PLAT_CPU_NUM + 1;
    printf(spread ? "Sched test load spread: OK\n" : "Sched test load spread: FAIL\n");
    return ok && spread;
}

// Threads pinned to each CPU check their CPU between spins and yields. Catches: affinity ignored
// on enqueue or re-enqueue (after a yield or a preemption), or a CPU picking up another CPU's threads.
bool test_pinned_threads() {
    for (long i = 0; i < PINNED; ++i) create_thread(pinned_worker, reinterpret_cast<void*>(i), i % PLAT_CPU_NUM);
    wait_until(&pinned_done, PINNED);
    if (pinned_bad) {
        printf("Sched test pinned threads: FAIL (%d wrong CPUs)\n", pinned_bad);
        return false;
    }
    printf("Sched test pinned threads: OK\n");
    return true;
}

// A thread yielding in a loop shares CPU 2 with one that spins for a tick: that one must finish
// within three ticks of the yielder's start. Catches: a yield that picks the yielder again (enqueued at the head, or
// its budget not given up), which starves every other thread on that CPU.
bool test_yield_loop() {
    const unsigned long start = now_ticks();
    create_thread(yield_looper, nullptr, 2);
    create_thread(yield_victim, nullptr, 2);
    while (!yl_work_end && now_ticks() - start < 20 * TICK) usys_yield();
    yl_stop = 1;
    wait_until(&yl_done, yl_work_end ? 2 : 1);
    // From the looper's first run to the worker's end, both read on CPU 2.
    const unsigned long took = yl_work_end > yl_loop_start ? yl_work_end - yl_loop_start : 0;
    printf("yield loop: the worker finished %lu us after the yielder started; the yielder yielded %lu times\n",
           took / 62, yl_yields);
    if (!yl_work_end || took > 3 * TICK || yl_yields == 0) {
        printf("Sched test yield loop: FAIL\n");
        return false;
    }
    printf("Sched test yield loop: OK\n");
    return true;
}

constexpr unsigned long MIG_MAX_LATE_TURNS = 5000;

// A thread moves itself (set_affinity(-1, cpu) must return on that CPU), then procmgr moves a
// spinning thread between CPUs 1, 2, 3: it must leave its old CPU within MIG_MAX_LATE_TURNS of its
// loop turns each time (one chemu slice holds a few hundred; with the kick, seeds 0-9 need at most
// ~1500). Catches: set_affinity taking effect only at the thread's next preemption (a tick holds
// ~24000 turns, spent uniformly: three moves would all pass by luck about 1 time in 100), i.e. a
// missing reschedule IPI (measured: 21000-22500 turns without sched_kick).
bool test_migration() {
    bool ok = true;
    for (int round = 0; round < 2; ++round) {
        for (long c = 0; c < PLAT_CPU_NUM; ++c) {
            usys_set_affinity(-1, (c + 1) % PLAT_CPU_NUM);
            const long cpu = usys_get_cpu_id();
            if (cpu != (c + 1) % PLAT_CPU_NUM) {
                printf("migration: set_affinity(self, %ld) returned on CPU %ld\n", (c + 1) % PLAT_CPU_NUM, cpu);
                ok = false;
            }
        }
    }
    usys_set_affinity(-1, 0);  // procmgr lives on CPU 0
    const long cap = create_thread(mig_spinner, nullptr, 1);
    while (mig_cpu != 1) usys_yield();
    unsigned long worst = 0;
    const long targets[] = {2, 3, 1};
    for (long target : targets) {
        const unsigned long asked = now_ticks();
        mig_late = 0;
        __atomic_store_n(&mig_request, target, __ATOMIC_RELEASE);
        if (usys_set_affinity(cap, target) != 0) ok = false;
        while (__atomic_load_n(&mig_cpu, __ATOMIC_ACQUIRE) != target && now_ticks() - asked < 20 * TICK) usys_yield();
        if (mig_cpu != target) ok = false;
        __atomic_store_n(&mig_request, -1L, __ATOMIC_RELEASE);
        if (mig_late > worst) worst = mig_late;
    }
    mig_stop = 1;
    wait_until(&mig_done, 1);
    // A turn is one get_cpu_id syscall (hundreds of cycles): a tick holds thousands of them.
    printf("migration: a running thread left its CPU within %lu of its own loop turns\n", worst);
    if (!ok || worst > MIG_MAX_LATE_TURNS) {
        printf("Sched test migration: FAIL\n");
        return false;
    }
    printf("Sched test migration: OK\n");
    return true;
}

namespace {

constexpr int CLOCK_THREADS = 4;
constexpr long CLOCK_MOVES = 1000;
volatile int clock_done;
volatile int clock_backwards;

// Moves itself to the next CPU CLOCK_MOVES times, reading the counter on each: it must never read
// less than it read on the CPU before.
void clock_mover(void* arg) {
    const long first = reinterpret_cast<long>(arg);
    unsigned long last = now_ticks();
    for (long i = 1; i <= CLOCK_MOVES; ++i) {
        usys_set_affinity(-1, (first + i) % PLAT_CPU_NUM);
        const unsigned long t = now_ticks();
        if (t < last) __atomic_fetch_add(&clock_backwards, 1, __ATOMIC_RELAXED);
        last = t;
    }
    __atomic_fetch_add(&clock_done, 1, __ATOMIC_SEQ_CST);
}

}  // namespace

// Four threads each move over the CPUs a thousand times, reading the counter after every move.
// Catches: a counter that goes back when a thread moves to another CPU (all CPUs share one system
// counter; an emulator giving each core its own clock let a migrating thread see time go backwards).
bool test_counter_across_migrations() {
    for (long i = 0; i < CLOCK_THREADS; ++i) create_thread(clock_mover, reinterpret_cast<void*>(i), i % PLAT_CPU_NUM);
    wait_until(&clock_done, CLOCK_THREADS);
    printf("counter across migrations: %ld moves, %d reads went backwards\n", CLOCK_THREADS * CLOCK_MOVES, clock_backwards);
    if (clock_backwards) {
        printf("Sched test counter across migrations: FAIL\n");
        return false;
    }
    printf("Sched test counter across migrations: OK\n");
    return true;
}

// ---- Measurement (not a test): the cost of a yield that switches threads ----

namespace {
constexpr int PP_YIELDS = 1000;
volatile int pp_ready;
volatile int pp_done;
volatile unsigned long pp_t0, pp_t1;

void pp_thread(void* arg) {
    const long id = reinterpret_cast<long>(arg);
    __atomic_fetch_add(&pp_ready, 1, __ATOMIC_SEQ_CST);
    while (pp_ready < 2) usys_yield();
    if (id == 0) {
        printf("yield ping-pong: begin\n");  // bench/sched_cost.py finds the window by this line
        pp_t0 = now_ticks();
    }
    for (int i = 0; i < PP_YIELDS; ++i) usys_yield();
    if (id == 0) pp_t1 = now_ticks();
    __atomic_fetch_add(&pp_done, 1, __ATOMIC_SEQ_CST);
}
}  // namespace

// Two threads on CPU 3 yield to each other PP_YIELDS times each: every yield is one switch.
void bench_yield_pingpong() {
    create_thread(pp_thread, reinterpret_cast<void*>(0L), 3);
    create_thread(pp_thread, reinterpret_cast<void*>(1L), 3);
    wait_until(&pp_done, 2);
    const unsigned long ticks = pp_t1 - pp_t0;
    const unsigned long switches = 2 * PP_YIELDS;
    // 62.5 MHz counter: 16 ns a tick; chemu's cores run at 1.2 GHz (19.2 cycles a tick).
    printf("yield ping-pong: %lu switches on CPU 3 in %lu counter ticks: %lu ns per switch\n", switches, ticks,
           ticks * 16 / switches);
}

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

// Scheduler self-tests in the lab's form, run on the primary before any other CPU schedules.
#include "common/kprint.h"
#include "common/macro.h"
#include "sched/policy_rr.h"
#include "sched/sched.h"
#include "tests/tests.h"

namespace {

constexpr u32 TEST_THREADS = 4 * PLAT_CPU_NUM;
thread test_threads[TEST_THREADS];

void init_test_thread(thread* t, u32 i) {
    t->thread_ctx = &t->ctx_storage;
    t->thread_ctx->sc = &t->thread_ctx->sc_storage;
    t->thread_ctx->type = TYPE_TESTS;
    t->thread_ctx->state = TS_INIT;
    t->thread_ctx->affinity = static_cast<s32>(i % PLAT_CPU_NUM);
}

}  // namespace

void test_scheduler_meta() {
    for (u32 cpu = 0; cpu < PLAT_CPU_NUM; ++cpu) {
        BUG_ON(!rr_ready_queue_meta[cpu].queue_head.empty());
        BUG_ON(rr_ready_queue_meta[cpu].queue_len != 0);
        BUG_ON(rr_ready_queue_meta[cpu].queue_lock.is_locked());
        BUG_ON(idle_threads[cpu].thread_ctx->type != TYPE_IDLE);
    }
    printk("test_scheduler_meta: OK: 0xDEADBEEF\n");
}

void test_sched_enqueue() {
    for (u32 i = 0; i < TEST_THREADS; ++i) {
        init_test_thread(&test_threads[i], i);
        BUG_ON(rr_sched_enqueue(&test_threads[i]) != 0);
        BUG_ON(test_threads[i].thread_ctx->state != TS_READY);
        BUG_ON(test_threads[i].thread_ctx->cpuid != i % PLAT_CPU_NUM);
    }
    BUG_ON(rr_sched_enqueue(&test_threads[0]) == 0);  // already queued: refused
    for (u32 cpu = 0; cpu < PLAT_CPU_NUM; ++cpu)
        BUG_ON(rr_ready_queue_meta[cpu].queue_len != TEST_THREADS / PLAT_CPU_NUM);
    printk("test_sched_enqueue: OK: 0xDEADBEEF\n");
}

void test_sched_dequeue() {
    for (u32 cpu = 0; cpu < PLAT_CPU_NUM; ++cpu) {
        queue_meta* q = &rr_ready_queue_meta[cpu];
        for (u32 i = cpu; i < TEST_THREADS; i += PLAT_CPU_NUM) {
            SpinGuard guard(q->queue_lock);
            thread* t = find_runnable_thread(&q->queue_head);
            BUG_ON(t != &test_threads[i]);  // FIFO order
            __rr_sched_dequeue(t);
            BUG_ON(t->thread_ctx->state != TS_INTER);
        }
        BUG_ON(!q->queue_head.empty() || q->queue_len != 0);
    }
    printk("test_sched_dequeue: OK: 0xDEADBEEF\n");
}

// Per-CPU round-robin (ChCore's rr policy). Each CPU has one ready queue with its own lock; a CPU
// only ever dequeues from its own queue, any CPU may enqueue to any queue.
#include "sched/policy_rr.h"
#include "common/errno.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "object/cap_group.h"
#include "plat/raspi3/irq.h"
#include "sched/sched.h"

queue_meta rr_ready_queue_meta[PLAT_CPU_NUM];

namespace {

bool is_idle(const thread* t) { return t->thread_ctx->type == TYPE_IDLE; }

// How busy a CPU is for a thread t that may go there: its ready threads plus the one it runs, unless
// that is the idle thread or t itself (a thread put back by rr_sched is still current). Read without
// the queue locks: a hint only. current_threads is compared, never dereferenced (it may be exiting).
u32 cpu_load(u32 cpu, const thread* t) {
    const thread* cur = __atomic_load_n(&current_threads[cpu], __ATOMIC_RELAXED);
    const u32 running = cur && cur != &idle_threads[cpu] && cur != t;
    return __atomic_load_n(&rr_ready_queue_meta[cpu].queue_len, __ATOMIC_RELAXED) + running;
}

// Where an enqueued thread goes: its affinity if set; else the least-loaded running CPU, the CPU
// doing the enqueue winning ties (no IPI, warm cache), then the lowest id.
u32 choose_cpu(const thread* t) {
    const s32 aff = t->thread_ctx->affinity;
    if (aff >= 0 && aff < PLAT_CPU_NUM) return static_cast<u32>(aff);
    const u32 self = smp_get_cpu_id();
    u32 best = self, best_load = cpu_load(self, t);
    for (u32 cpu = 0; cpu < PLAT_CPU_NUM; ++cpu) {
        if (cpu == self || cpu_status[cpu] != cpu_run) continue;
        const u32 load = cpu_load(cpu, t);
        if (load < best_load) best = cpu, best_load = load;
    }
    return best;
}

}  // namespace

int rr_sched_init() {
    for (u32 i = 0; i < PLAT_CPU_NUM; ++i) {
        BUG_ON(!rr_ready_queue_meta[i].queue_head.empty());
        rr_ready_queue_meta[i].queue_len = 0;
    }
    printk("Scheduler metadata is successfully initialized!: 0xDEADBEEF\n");
    return 0;
}

// Appends t to cpuid's queue. Caller holds that queue's lock.
int __rr_sched_enqueue(thread* t, u32 cpuid) {
#if !CHEMU_BUG_RQ_UNLOCKED
    BUG_ON(!rr_ready_queue_meta[cpuid].queue_lock.is_locked_by_me());
#endif
    rr_ready_queue_meta[cpuid].queue_head.push_back(t);
    rr_ready_queue_meta[cpuid].queue_len++;
    return 0;
}

int rr_sched_enqueue(thread* t) {
    if (!t || !t->thread_ctx) return -EINVAL;
    if (is_idle(t)) return 0;  // idle threads live outside the queues
    if (t->thread_ctx->state == TS_READY) return -EINVAL;
    const u32 cpuid = choose_cpu(t);
#if CHEMU_BUG_RQ_UNLOCKED
    // Seeded bug (kernel-bug-rq-unlocked.img): "appending to a list is three stores, no lock needed".
    // The owner CPU dequeues (and other CPUs enqueue) under the lock meanwhile: the list breaks.
    t->thread_ctx->state = TS_READY;
    t->thread_ctx->cpuid = cpuid;
    __rr_sched_enqueue(t, cpuid);
#else
    {
        SpinGuard guard(rr_ready_queue_meta[cpuid].queue_lock);
        t->thread_ctx->state = TS_READY;
        t->thread_ctx->cpuid = cpuid;
        __rr_sched_enqueue(t, cpuid);
    }
#endif
    if (cpuid != smp_get_cpu_id()) plat_send_ipi(cpuid);  // wake it if idle
    return 0;
}

// The first thread of the queue that may run now: ready and not still on another CPU's stack. The
// thread this CPU is leaving (a yield with nothing else ready) is on this CPU's own stack: it may run
// on at once (skipping it left the CPU idle, with the thread queued, until the next tick).
thread* find_runnable_thread(thread_list* queue) {
    const thread* mine = this_cpu()->stack_owner;
    for (thread* t : *queue) {
        if (t->thread_ctx->state == TS_READY && (t->thread_ctx->kernel_stack_busy == 0 || t == mine)) return t;
    }
    return nullptr;
}

// Removes t from the queue it is on. Caller holds that queue's lock.
int __rr_sched_dequeue(thread* t) {
    const u32 cpuid = t->thread_ctx->cpuid;
    BUG_ON(!rr_ready_queue_meta[cpuid].queue_lock.is_locked_by_me());
    rr_ready_queue_meta[cpuid].queue_head.remove(t);
    rr_ready_queue_meta[cpuid].queue_len--;
    t->thread_ctx->state = TS_INTER;
    return 0;
}

// Takes a ready thread off whatever queue it is on. The thread may be picked by its CPU or moved at
// the same time, so whether it is still on that queue is decided under the queue's lock.
int rr_sched_dequeue(thread* t) {
    if (!t || !t->thread_ctx || is_idle(t)) return -EINVAL;
    const u32 cpuid = t->thread_ctx->cpuid;
    if (cpuid >= PLAT_CPU_NUM) return -EINVAL;
    SpinGuard guard(rr_ready_queue_meta[cpuid].queue_lock);
    if (t->thread_ctx->state != TS_READY || t->thread_ctx->cpuid != cpuid || !t->ready_queue_node.is_linked())
        return -EINVAL;
    return __rr_sched_dequeue(t);
}

// Next thread for this CPU. Threads of exiting processes met here are retired, not run.
thread* rr_sched_choose_thread() {
    const u32 cpuid = smp_get_cpu_id();
    for (;;) {
        thread* t;
        {
            SpinGuard guard(rr_ready_queue_meta[cpuid].queue_lock);
            t = find_runnable_thread(&rr_ready_queue_meta[cpuid].queue_head);
            if (!t) return &idle_threads[cpuid];
            __rr_sched_dequeue(t);
        }
        if (!t->cap_group || !t->cap_group->exiting) return t;
        thread_exit_state(t);
    }
}

// Puts the running thread back (if it can still run), then switches to the next one. Only a
// thread still TS_RUNNING is this CPU's to put back or retire: one that is TS_WAITING belongs to
// whoever wakes it (IPC: they retire it if its process is exiting), and one already TS_READY
// was woken by another CPU and sits in a ready queue (whose CPU retires it when it comes up).
// Retiring those here put a queued thread on the zombie list: the reaper freed it while it was
// still queued (found by syscall_fuzz: a client waiting for a busy register callback, woken by
// another CPU while its process was exiting).
int rr_sched() {
    thread* old = current_thread;
    reap_zombies();
    if (old && !is_idle(old) && old->thread_ctx->state == TS_RUNNING) {
        if (old->cap_group && old->cap_group->exiting) {
            thread_exit_state(old);
        } else {
            old->thread_ctx->sc->budget = DEFAULT_BUDGET;
            rr_sched_enqueue(old);
        }
    }
    switch_to_thread(rr_sched_choose_thread());
    return 0;
}

namespace {
// "name/xxxxxxx": the thread's process and its address over 16 (28 bits: unique for any thread in the first
// 4 GiB of the kernel's linear map; 16 bits let two of test_ipc's 640 server threads share a name)
int describe(char* buf, u64 size, const thread* t) {
    if (!t) return snprintf(buf, size, "-");
    if (is_idle(t)) return snprintf(buf, size, "idle");
    return snprintf(buf, size, "%s/%07lx", t->cap_group ? t->cap_group->name : "kernel",
                    (reinterpret_cast<u64>(t) >> 4) & 0xfffffff);
}
}  // namespace

// ChCore's sched_top: one line per CPU with the thread it runs and its ready queue, in order. Each
// queue is read under its lock; the running thread is a snapshot (it may change meanwhile).
void rr_top() {
    for (u32 i = 0; i < PLAT_CPU_NUM; ++i) {
        char line[200];
        u64 n = 0;
        SpinGuard guard(rr_ready_queue_meta[i].queue_lock);
        n += snprintf(line + n, sizeof(line) - n, "[top] CPU %u: running ", i);
        n += describe(line + n, sizeof(line) - n, current_threads[i]);
        n += snprintf(line + n, sizeof(line) - n, ", %u ready:", rr_ready_queue_meta[i].queue_len);
        for (thread* t : rr_ready_queue_meta[i].queue_head) {
            if (n + 48 >= sizeof(line)) {
                n += snprintf(line + n, sizeof(line) - n, " ...");
                break;
            }
            line[n++] = ' ';
            n += describe(line + n, sizeof(line) - n, t);
        }
        line[n < sizeof(line) ? n : sizeof(line) - 1] = '\0';
        printk("%s\n", line);
    }
}

sched_ops rr = {
    .sched_init = rr_sched_init,
    .sched = rr_sched,
    .sched_enqueue = rr_sched_enqueue,
    .sched_dequeue = rr_sched_dequeue,
    .sched_top = rr_top,
};

// Policy-independent scheduling: idle threads, current_threads, context switch bookkeeping.
#include "sched/sched.h"
#include "arch/aarch64/context.h"
#include "arch/aarch64/sysreg.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "common/util.h"
#include "mm/vmspace.h"
#include "plat/raspi3/irq.h"

sched_ops* cur_sched_ops;
thread* current_threads[PLAT_CPU_NUM];
thread idle_threads[PLAT_CPU_NUM];

namespace {

constexpr u64 IDLE_STACK_SIZE = 0x2000;
alignas(16) char idle_stacks[PLAT_CPU_NUM][IDLE_STACK_SIZE];

// Idle threads run at EL1 with IRQs on: the timer (or an IPI) brings the CPU back to sched().
[[noreturn]] void idle_thread_routine() {
    for (;;) wfi();
}

void init_idle_thread(u32 cpu) {
    thread* t = &idle_threads[cpu];
    t->type = TYPE_THREAD;
    t->refcount = 1;
    t->thread_ctx = &t->ctx_storage;
    t->thread_ctx->sc = &t->thread_ctx->sc_storage;
    t->thread_ctx->type = TYPE_IDLE;
    t->thread_ctx->state = TS_RUNNING;
    t->thread_ctx->affinity = static_cast<s32>(cpu);
    t->thread_ctx->cpuid = cpu;
    t->thread_ctx->ec = reinterpret_cast<arch_exec_ctx*>(idle_stacks[cpu] + IDLE_STACK_SIZE - sizeof(arch_exec_ctx));
}

// The idle thread's state is never worth keeping: it restarts from the top each time.
arch_exec_ctx* reset_idle_ctx(thread* t) {
    arch_exec_ctx* ec = t->thread_ctx->ec;
    memset(ec, 0, sizeof(*ec));
    ec->elr = reinterpret_cast<u64>(&idle_thread_routine);
    ec->spsr = SPSR_EL1H | 0x340;  // D, A, F masked; IRQ on
    return ec;
}

}  // namespace

int sched_init(sched_ops* ops) {
    BUG_ON(!ops);
    for (u32 cpu = 0; cpu < PLAT_CPU_NUM; ++cpu) {
        init_idle_thread(cpu);
        current_threads[cpu] = nullptr;
    }
    cur_sched_ops = ops;
    return cur_sched_ops->sched_init();
}

void switch_to_thread(thread* next) {
    thread* prev = current_thread;
    per_cpu_info* cpu = this_cpu();
    if (prev != next) {
        // Another CPU may still be leaving next's kernel stack (it enqueued next, then switched).
        // If this CPU itself is on that stack, it already owns it.
        while (next != cpu->stack_owner && __atomic_exchange_n(&next->thread_ctx->kernel_stack_busy, 1u, __ATOMIC_ACQUIRE) != 0) {
        }
        // prev was chosen but never entered on this CPU: give its stack back now.
        if (prev && prev != cpu->stack_owner)
            __atomic_store_n(&prev->thread_ctx->kernel_stack_busy, 0u, __ATOMIC_RELEASE);
    }
    next->thread_ctx->state = TS_RUNNING;
    next->thread_ctx->cpuid = smp_get_cpu_id();
    current_thread = next;
}

arch_exec_ctx* switch_context() {
    thread* t = current_thread;
    BUG_ON(!t);
    if (t->thread_ctx->type == TYPE_IDLE) {
        switch_vmspace_to(nullptr);
        return reset_idle_ctx(t);
    }
    switch_vmspace_to(t->vmspace);
    return t->thread_ctx->ec;
}

extern "C" void finish_switch_stack() {
    per_cpu_info* cpu = this_cpu();
    thread* cur = current_thread;
    if (cpu->stack_owner != cur) {
        if (cpu->stack_owner)
            __atomic_store_n(&cpu->stack_owner->thread_ctx->kernel_stack_busy, 0u, __ATOMIC_RELEASE);
        cpu->stack_owner = cur;
    }
}

namespace {
volatile u32 kick_pending[PLAT_CPU_NUM];
}

void sched_kick(u32 cpu) {
    if (cpu >= PLAT_CPU_NUM) return;
    if (cpu == smp_get_cpu_id()) {
        sched();
        return;
    }
    __atomic_store_n(&kick_pending[cpu], 1u, __ATOMIC_RELEASE);
    plat_send_ipi(cpu);
}

bool sched_take_kick() { return __atomic_exchange_n(&kick_pending[smp_get_cpu_id()], 0u, __ATOMIC_ACQ_REL) != 0; }

int sched_set_affinity(thread* t, s32 aff) {
    t->thread_ctx->affinity = aff;
    if (aff == NO_AFF) return 0;
    const u32 target = static_cast<u32>(aff);
    if (t == current_thread) {
        if (target != smp_get_cpu_id()) sched();  // rr_sched puts it on target's queue
        return 0;
    }
    if (sched_dequeue(t) == 0) return sched_enqueue(t);  // was ready somewhere: re-queue by affinity
    // Running (or on its way) on another CPU: that CPU re-queues it at its next sched().
    const u32 cpu = t->thread_ctx->cpuid;
    if (t->thread_ctx->state == TS_RUNNING && cpu != target) sched_kick(cpu);
    return 0;
}

long sys_top() {
    sched_top();
    return 0;
}

// ChCore's sys_yield: give up the rest of the budget and let the policy pick again.
long sys_yield() {
    current_thread->thread_ctx->sc->budget = 0;
    sched();
    return 0;
}

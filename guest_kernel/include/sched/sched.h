// Scheduler interface (ChCore's sched_ops): the policy is a table of operations; rr is the
// per-CPU round-robin policy in sched/policy_rr.cpp.
#pragma once
#include "arch/aarch64/smp.h"
#include "common/machine.h"
#include "object/thread.h"

struct sched_ops {
    int (*sched_init)();
    int (*sched)();
    int (*sched_enqueue)(thread* t);
    int (*sched_dequeue)(thread* t);
    void (*sched_top)();
};

extern sched_ops* cur_sched_ops;
extern sched_ops rr;
extern thread* current_threads[PLAT_CPU_NUM];
extern thread idle_threads[PLAT_CPU_NUM];

#define current_thread (current_threads[smp_get_cpu_id()])

int sched_init(sched_ops* ops);
inline int sched() { return cur_sched_ops->sched(); }
inline int sched_enqueue(thread* t) { return cur_sched_ops->sched_enqueue(t); }
inline int sched_dequeue(thread* t) { return cur_sched_ops->sched_dequeue(t); }
inline void sched_top() { cur_sched_ops->sched_top(); }

// Makes `next` the current thread of this CPU (waiting until no other CPU uses its kernel stack).
void switch_to_thread(thread* next);
// Finishes a switch before returning to user space: address space, idle context. Returns the
// frame to resume.
arch_exec_ctx* switch_context();
// Called by eret_to_thread once this CPU runs on the new thread's stack.
extern "C" void finish_switch_stack();

long sys_yield();
long sys_top();

// Makes `cpu` reschedule soon: at once if it is this CPU's next kernel exit, else through an IPI
// (local mailbox 0) that the target answers by calling sched() even if it runs a user thread.
void sched_kick(u32 cpu);
// Called from the IPI handler: whether someone asked this CPU to reschedule (clears the request).
bool sched_take_kick();
// Sets t's affinity and moves it there now: the caller itself (switches away), a ready thread
// (re-queued on that CPU), or a thread running on another CPU (kicked: it re-queues itself).
int sched_set_affinity(thread* t, s32 aff);

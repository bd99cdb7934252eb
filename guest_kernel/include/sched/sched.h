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

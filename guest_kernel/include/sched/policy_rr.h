// Round-robin policy internals, visible for the kernel's scheduler self-tests.
#pragma once
#include "common/lock.h"
#include "common/machine.h"
#include "common/list.h"
#include "object/thread.h"

using thread_list = IntrusiveList<thread, &thread::ready_queue_node>;

struct queue_meta {
    thread_list queue_head;
    u32 queue_len;
    Spinlock queue_lock;
} __attribute__((aligned(64)));

extern queue_meta rr_ready_queue_meta[PLAT_CPU_NUM];

int rr_sched_init();
int rr_sched_enqueue(thread* t);
int __rr_sched_enqueue(thread* t, u32 cpuid);
thread* find_runnable_thread(thread_list* queue);
int __rr_sched_dequeue(thread* t);
int rr_sched_dequeue(thread* t);
thread* rr_sched_choose_thread();
int rr_sched();

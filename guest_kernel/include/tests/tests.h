// Kernel self-tests. Each prints "<name>: OK: 0xDEADBEEF" (the lab grader's form) or panics.
#pragma once
void test_mm();
void test_scheduler_meta();
void test_sched_enqueue();
void test_sched_dequeue();
#include "common/types.h"
void test_timer_init(u64 cntpct_before_init);  // on every CPU, right after plat_timer_init
void test_ipi();                               // on the primary, once the others schedule

// Kernel self-tests. Each prints "<name>: OK: 0xDEADBEEF" (the lab grader's form) or panics.
#pragma once
void test_mm();
void test_scheduler_meta();
void test_sched_enqueue();
void test_sched_dequeue();

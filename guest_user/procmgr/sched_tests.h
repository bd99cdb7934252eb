#pragma once
// The lab's user-side scheduling tests; each prints its "... Test Done!" line or a FAIL line.
bool test_cooperative_sched();
bool test_preemptive_sched();
bool test_fp_context();
// chemu's additions: each prints "Sched test <what>: OK" (graded by tools/grade --points chemu).
bool test_many_threads();      // also prints "Sched test load spread: ..."
bool test_pinned_threads();
bool test_yield_loop();
bool test_migration();
bool test_counter_across_migrations();
// Measurement, not a test: prints "yield ping-pong: ... ns per switch" (see bench/sched_cost.py).
void bench_yield_pingpong();

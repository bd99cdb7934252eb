#pragma once
// The lab's user-side scheduling tests; each prints its "... Test Done!" line or a FAIL line.
bool test_cooperative_sched();
bool test_preemptive_sched();
bool test_fp_context();

// procmgr: the root process. Runs the scheduling tests, then spawns the test programs (good and
// misbehaving) and checks how each ended, the IPC tests, then powers the machine off with 0 when all
// passed. With "fuzz-only" on its command line it runs the syscall fuzz instead (procmgr/fuzz_test.cpp).
#include "chcore/chcore.h"
#include "fuzz_test.h"
#include "procmgr_server.h"
#include "sched_tests.h"

namespace {

constexpr long KILLED = -9;

struct child_test {
    const char* name;
    long affinity;
    long expected_status;
};

const child_test children[] = {
    {"hello", 1, 0},
    {"hello", 2, 0},
    {"hello", 3, 0},
    {"bad_kernel_access", 1, KILLED},
    {"bad_jump", 2, KILLED},
    {"bad_undef", 3, KILLED},
    {"bad_syscalls", 0, 0},
};

bool run_children() {
    long caps[sizeof(children) / sizeof(children[0])];
    bool ok = true;
    for (unsigned i = 0; i < sizeof(children) / sizeof(children[0]); ++i) {
        caps[i] = usys_spawn(children[i].name, children[i].affinity);
        if (caps[i] < 0) {
            printf("procmgr: FAIL spawn %s: %ld\n", children[i].name, caps[i]);
            ok = false;
        }
    }
    for (unsigned i = 0; i < sizeof(children) / sizeof(children[0]); ++i) {
        if (caps[i] < 0) continue;
        const long st = wait_process(caps[i]);
        if (st != children[i].expected_status) {
            printf("procmgr: FAIL %s exited with %ld, expected %ld\n", children[i].name, st, children[i].expected_status);
            ok = false;
        }
        usys_revoke_cap(caps[i]);
    }
    if (ok) printf("procmgr: all %u child processes ended as expected\n", unsigned(sizeof(children) / sizeof(children[0])));
    return ok;
}

}  // namespace

extern "C" int main() {
    printf("Enter Procmgr Root thread (userspace)\n");
    usys_set_affinity(-1, 0);
    usys_yield();
    fuzz_cmdline fuzz;
    read_fuzz_cmdline(&fuzz);
    if (fuzz.only) {  // tests/e2e/syscall_fuzz.sh, bench/syscall_fuzz.sh: the fuzz alone
        const bool ok = run_syscall_fuzz(fuzz);
        printf("procmgr: %s\n", ok ? "all user tests passed" : "SOME USER TESTS FAILED");
        usys_poweroff(ok ? 0 : 1);
    }
    bool ok = test_cooperative_sched();
    ok = test_preemptive_sched() && ok;
    ok = test_fp_context() && ok;
    ok = test_many_threads() && ok;
    ok = test_pinned_threads() && ok;
    ok = test_yield_loop() && ok;
    ok = test_migration() && ok;
    ok = test_counter_across_migrations() && ok;
    bench_yield_pingpong();
    ok = run_children() && ok;
    ok = run_ipc_tests() && ok;
    printf("procmgr: %s\n", ok ? "all user tests passed" : "SOME USER TESTS FAILED");
    usys_poweroff(ok ? 0 : 1);
    return 0;
}

// procmgr's IPC service: spawning programs by name for other processes (chcore/procmgr.h), and
// the IPC test programs it runs.
#include "procmgr_server.h"
#include "chcore/chcore.h"
#include "chcore/procmgr.h"

namespace {

constexpr long PROCMGR_MAIN_THREAD_CAP = 2;  // every process's main thread is in slot 2

void procmgr_handler(ipc_msg_t* msg, u64 /*client_badge*/) {
    const char* data = ipc_get_msg_data(msg);
    if (!data || ipc_get_msg_data_len(msg) < sizeof(procmgr_request)) ipc_return(msg, -EINVAL);
    procmgr_request req;
    memcpy(&req, data, sizeof(req));  // the client may still write the shm: use a private copy
    req.name[sizeof(req.name) - 1] = '\0';
    if (req.req != PROCMGR_REQ_SPAWN) ipc_return(msg, -ENOSYS);
    if (ipc_get_msg_cap_num(msg) < 2) ipc_return(msg, -EINVAL);
    const long cg = usys_spawn_with_cap(req.name, req.affinity, PROCMGR_MAIN_THREAD_CAP);
    if (cg < 0) ipc_return(msg, cg);
    // procmgr keeps its own copies of these caps (the kernel copies them on return).
    ipc_set_msg_cap(msg, 0, cg);
    const long main_thread = usys_get_main_thread(cg);
    // A short program may already have ended on another CPU (its slots are emptied): the spawn
    // still succeeded, there is just no main thread left to name.
    if (main_thread == -ESRCH) ipc_return_with_cap(msg, PROCMGR_SPAWNED_AND_ENDED);
    if (main_thread < 0) ipc_return(msg, main_thread);
    ipc_set_msg_cap(msg, 1, main_thread);
    ipc_return_with_cap(msg, 0);
}

struct ipc_test {
    const char* name;
    long affinity;
};

const ipc_test ipc_tests[] = {
    {"test_ipc", 0},
    {"ipc_faults", 1},
    {"ipc_bench", 2},
};

}  // namespace

long procmgr_start_server() { return ipc_register_server(procmgr_handler, DEFAULT_CLIENT_REGISTER_HANDLER); }

bool run_ipc_tests() {
    const long err = procmgr_start_server();
    if (err < 0) {
        printf("procmgr: FAIL ipc_register_server: %ld\n", err);
        return false;
    }
    bool ok = true;
    for (const ipc_test& t : ipc_tests) {
        const long cg = usys_spawn_with_cap(t.name, t.affinity, PROCMGR_MAIN_THREAD_CAP);
        if (cg < 0) {
            printf("procmgr: FAIL spawn %s: %ld\n", t.name, cg);
            ok = false;
            continue;
        }
        const long st = wait_process(cg);
        if (st != 0) {
            printf("procmgr: FAIL %s exited with %ld\n", t.name, st);
            ok = false;
        }
        usys_revoke_cap(cg);
    }
    if (ok) printf("procmgr: all %u IPC test programs passed\n", unsigned(sizeof(ipc_tests) / sizeof(ipc_tests[0])));
    return ok;
}

// procmgr's IPC service (guest_user/procmgr/procmgr_server.cpp). Every process procmgr starts
// finds procmgr's main thread in slot CHCORE_INHERITED_CAP: the cap to ipc_register_client with.
#pragma once
#include "chcore/ipc.h"

#define PROCMGR_REQ_SPAWN 1  // spawn `name` on `affinity`; reply 0 with caps {cap_group, main thread}

struct procmgr_request {
    unsigned req;
    int affinity;
    char name[32];
};

// Asks procmgr to start the ramdisk program `name` (which gets procmgr's cap as well). 0 with the
// new process's cap_group and main-thread caps, or a negative errno (-ENOENT: no such program).
// A program that has already ended by the time procmgr answers has no main thread any more:
// then *main_thread_cap is -ESRCH (its cap_group is still valid, e.g. for wait_process).
long procmgr_spawn(const char* name, long affinity, long* cg_cap, long* main_thread_cap);

// procmgr's reply for a spawn whose program already ended: only the cap_group cap comes back.
constexpr long PROCMGR_SPAWNED_AND_ENDED = 1;

// Client side of procmgr's IPC service: one connection per process, made on first use.
#include "chcore/procmgr.h"
#include "chcore/chcore.h"

namespace {
ipc_struct_t* procmgr_icb;
volatile int connecting;
}  // namespace

long procmgr_spawn(const char* name, long affinity, long* cg_cap, long* main_thread_cap) {
    const unsigned long n = strlen(name);
    if (n == 0 || n >= sizeof(procmgr_request::name)) return -EINVAL;
    while (!__atomic_load_n(&procmgr_icb, __ATOMIC_ACQUIRE)) {
        if (__atomic_exchange_n(&connecting, 1, __ATOMIC_ACQUIRE) == 0) {
            ipc_struct_t* icb;
            const long err = ipc_connect(CHCORE_INHERITED_CAP, &icb);
            if (err < 0) {
                __atomic_store_n(&connecting, 0, __ATOMIC_RELEASE);
                return err;
            }
            __atomic_store_n(&procmgr_icb, icb, __ATOMIC_RELEASE);
        } else {
            usys_yield();
        }
    }
    procmgr_request req{};
    req.req = PROCMGR_REQ_SPAWN;
    req.affinity = static_cast<int>(affinity);
    memcpy(req.name, name, n);
    ipc_msg_t* msg = ipc_create_msg(procmgr_icb, sizeof(req), 2);
    if (!msg) return -ENOMEM;
    ipc_set_msg_data(msg, &req, 0, sizeof(req));
    long ret = ipc_call(procmgr_icb, msg);
    if (ret == 0 || ret == PROCMGR_SPAWNED_AND_ENDED) {
        *cg_cap = ipc_get_msg_cap(msg, 0);
        *main_thread_cap = ret == 0 ? ipc_get_msg_cap(msg, 1) : -ESRCH;
        ret = 0;
    }
    ipc_destroy_msg(msg);
    return ret;
}

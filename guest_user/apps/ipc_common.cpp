#include "chcore/procmgr.h"
#include "ipc_test_proto.h"

long spawn_server(const char* name, long affinity, long* cg) {
    long main_thread;
    const long err = procmgr_spawn(name, affinity, cg, &main_thread);
    return err < 0 ? err : main_thread;
}

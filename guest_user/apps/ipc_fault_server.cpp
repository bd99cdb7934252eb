// A misbehaving IPC server for ipc_faults: crashes, exits mid-call, replies garbage, and fails
// every registration whose number is 2 (mod 8) in its register callback.
#include "ipc_test_proto.h"

namespace {

volatile unsigned registrations;

void bad_register_handler(u64 shm_size, u64 badge) {
    if (__atomic_fetch_add(&registrations, 1, __ATOMIC_SEQ_CST) % 8 == 2) {
        usys_ipc_register_cb_return(999, 0x1000);  // no such service thread
        usys_thread_exit();
    }
    register_cb(shm_size, badge);
}

void handler(ipc_msg_t* msg, u64 /*client_badge*/) {
    const char* data = ipc_get_msg_data(msg);
    if (!data || ipc_get_msg_data_len(msg) < sizeof(ipc_test_req)) ipc_return(msg, -EINVAL);
    ipc_test_req r;
    memcpy(&r, data, sizeof(r));
    switch (r.op) {
    case OP_NULL: ipc_return(msg, 0);
    case OP_EXIT: usys_exit(0);
    case OP_CRASH: *reinterpret_cast<volatile int*>(0x10) = 1; break;
    case OP_THREAD_EXIT: usys_thread_exit();
    case OP_BAD_CAPS:
        ipc_set_msg_cap(msg, 0, 998);
        ipc_return_with_cap(msg, 0);
    case OP_TOO_MANY_CAPS: usys_ipc_return(0, 100); break;  // the client gets -EPROTO
    case OP_GARBAGE: ipc_return(msg, static_cast<long>(0xdeadbeefcafef00dUL));
    case OP_MAP_CAP: {
        const long pmo = ipc_get_msg_cap(msg, 0);
        const u64 va = chcore_alloc_vaddr(0x1000);
        if (usys_map_pmo(pmo, va, CHCORE_VM_READ | CHCORE_VM_WRITE) < 0) ipc_return(msg, -EFAULT);
        *reinterpret_cast<volatile u64*>(va) = 0x5a5a;
        usys_unmap_pmo(pmo, va);
        usys_revoke_cap(pmo);
        ipc_return(msg, 0);
    }
    case OP_GIVE_PMO: {
        const long pmo = usys_create_pmo(0x1000, CHCORE_PMO_DATA);
        const u64 va = chcore_alloc_vaddr(0x1000);
        usys_map_pmo(pmo, va, CHCORE_VM_READ | CHCORE_VM_WRITE);
        *reinterpret_cast<volatile u64*>(va) = 0x1234;
        usys_unmap_pmo(pmo, va);
        ipc_set_msg_cap(msg, 0, pmo);
        ipc_return_with_cap(msg, 0);
    }
    case OP_SLOW_ECHO:
        for (int i = 0; i < 3; ++i) usys_yield();
        ipc_return(msg, static_cast<long>(r.payload[0]));
    default: break;
    }
    ipc_return(msg, -ENOSYS);
}

}  // namespace

extern "C" int main() {
    const long err = ipc_register_server(handler, bad_register_handler);
    if (err < 0) {
        printf("ipc_fault_server: FAIL ipc_register_server: %ld\n", err);
        return 1;
    }
    usys_thread_exit();
}

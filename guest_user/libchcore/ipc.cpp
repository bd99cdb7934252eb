// libchcore IPC (see chcore/ipc.h). The kernel enters this process's register-callback thread at
// register_cb_trampoline and its service threads at ipc_dispatch_entry; both start afresh each
// time, on the stacks they were created with.
#include "chcore/ipc.h"
#include "chcore/chcore.h"

namespace {

constexpr u64 VADDR_BASE = 0x0000004000000000UL;  // shm and service-thread stacks (thread.cpp: 0x60_0000_0000)
constexpr u64 IPC_THREAD_STACK = 0x8000;
constexpr unsigned MAX_CONNECTIONS = 1024;
constexpr u64 HDR = sizeof(ipc_msg_wire);
constexpr unsigned CONNECT_WAITS = 20000;  // yields while the server has not registered yet

u64 next_vaddr = VADDR_BASE;

server_handler g_server_handler;
client_register_handler g_register_handler;

ipc_struct_t icb_pool[MAX_CONNECTIONS];
unsigned icb_used;

long sc(long n, u64 a0 = 0, u64 a1 = 0, u64 a2 = 0, u64 a3 = 0) { return __chcore_syscall(n, a0, a1, a2, a3, 0, 0); }

u64 round8(u64 v) { return (v + 7) & ~7UL; }

ipc_msg_wire* wire(ipc_msg_t* msg) { return reinterpret_cast<ipc_msg_wire*>(msg->base); }

// A lazily mapped stack of its own (the pmo lives on in the mapping; its cap is given back).
u64 alloc_ipc_stack() {
    const u64 base = chcore_alloc_vaddr(IPC_THREAD_STACK + 0x1000) + 0x1000;  // guard page below
    const long pmo = usys_create_pmo(IPC_THREAD_STACK, CHCORE_PMO_ANONYM);
    if (pmo < 0) return 0;
    const long err = usys_map_pmo(pmo, base, CHCORE_VM_READ | CHCORE_VM_WRITE);
    usys_revoke_cap(pmo);
    return err < 0 ? 0 : base + IPC_THREAD_STACK;
}

void lock_icb(ipc_struct_t* icb) {
    while (__atomic_exchange_n(&icb->lock, 1, __ATOMIC_ACQUIRE) != 0) usys_yield();
}

void unlock_icb(ipc_struct_t* icb) { __atomic_store_n(&icb->lock, 0, __ATOMIC_RELEASE); }

// Kernel entry of the register-callback thread: x0 = shm size, x1 = client badge.
extern "C" [[noreturn]] void register_cb_trampoline(u64 shm_size, u64 badge) {
    g_register_handler(shm_size, badge);
    usys_ipc_register_cb_return(-1, 0);  // the handler did not finish: the client gets -EPROTO
    usys_thread_exit();
}

// Kernel entry of a service thread: x0 = the message, x1 = client badge, x2 = bytes to the shm's end.
extern "C" [[noreturn]] void ipc_dispatch_entry(char* base, u64 badge, u64 capacity) {
    ipc_msg_t msg{nullptr, base, capacity, 0};
    g_server_handler(&msg, badge);
    ipc_return(&msg, 0);
}

}  // namespace

extern "C" {
long usys_register_server(u64 ipc_routine, long register_cb_thread_cap, u64 register_cb_entry) {
    return sc(CHCORE_SYS_register_server, ipc_routine, static_cast<u64>(register_cb_thread_cap), register_cb_entry);
}
long usys_register_client(long server_thread_cap, long shm_pmo_cap, u64 shm_va) {
    return sc(CHCORE_SYS_register_client, static_cast<u64>(server_thread_cap), static_cast<u64>(shm_pmo_cap), shm_va);
}
long usys_ipc_register_cb_return(long handler_thread_cap, u64 shm_server_va) {
    return sc(CHCORE_SYS_ipc_register_cb_return, static_cast<u64>(handler_thread_cap), shm_server_va);
}
long usys_ipc_call(long conn_cap, u64 msg_va, u64 cap_num) {
    return sc(CHCORE_SYS_ipc_call, static_cast<u64>(conn_cap), msg_va, cap_num);
}
long usys_ipc_return(long ret, u64 cap_num) { return sc(CHCORE_SYS_ipc_return, static_cast<u64>(ret), cap_num); }
long usys_create_ipc_thread(u64 sp, u64 type) { return sc(CHCORE_SYS_create_ipc_thread, sp, type); }
long usys_spawn_with_cap(const char* name, long affinity, long cap) {
    return sc(CHCORE_SYS_spawn_with_cap, reinterpret_cast<u64>(name), strlen(name), static_cast<u64>(affinity),
              static_cast<u64>(cap));
}
long usys_get_main_thread(long cg_cap) { return sc(CHCORE_SYS_get_main_thread, static_cast<u64>(cg_cap)); }

void register_cb(u64 shm_size, u64 /*client_badge*/) {
    const u64 shm_va = chcore_alloc_vaddr(shm_size);
    const u64 stack = alloc_ipc_stack();
    const long handler = stack ? usys_create_ipc_thread(stack, CHCORE_THREAD_TYPE_SHADOW) : -ENOMEM;
    // Does not come back when it works; -1 makes the registration fail cleanly for the client.
    usys_ipc_register_cb_return(handler < 0 ? -1 : handler, shm_va);
}
}

u64 chcore_alloc_vaddr(u64 size) {
    size = (size + 0xfff) & ~0xfffUL;
    return __atomic_fetch_add(&next_vaddr, size, __ATOMIC_RELAXED);
}

long ipc_register_server(server_handler handler, client_register_handler reg_handler) {
    if (!handler || !reg_handler || g_server_handler) return -EINVAL;
    const u64 stack = alloc_ipc_stack();
    if (!stack) return -ENOMEM;
    const long reg = usys_create_ipc_thread(stack, CHCORE_THREAD_TYPE_REGISTER);
    if (reg < 0) return reg;
    g_server_handler = handler;
    g_register_handler = reg_handler;
    const long err = usys_register_server(reinterpret_cast<u64>(&ipc_dispatch_entry), reg,
                                          reinterpret_cast<u64>(&register_cb_trampoline));
    if (err < 0) g_server_handler = nullptr;
    return err;
}

long ipc_connect(long server_thread_cap, ipc_struct_t** out) {
    *out = nullptr;
    const unsigned idx = __atomic_fetch_add(&icb_used, 1, __ATOMIC_RELAXED);
    if (idx >= MAX_CONNECTIONS) return -ENOSPC;
    const long pmo = usys_create_pmo(IPC_DEFAULT_SHM_SIZE, CHCORE_PMO_DATA);
    if (pmo < 0) return pmo;
    const u64 va = chcore_alloc_vaddr(IPC_DEFAULT_SHM_SIZE);
    long conn;
    // -EBUSY: the server's register-callback thread is serving another client right now.
    // -EAGAIN: the thread is no server (yet: a server just spawned may not have registered).
    for (unsigned waits = 0;; ++waits) {
        conn = usys_register_client(server_thread_cap, pmo, va);
        if (conn != -EBUSY && (conn != -EAGAIN || waits >= CONNECT_WAITS)) break;
        usys_yield();
    }
    usys_revoke_cap(pmo);  // the mappings and the connection keep the memory
    if (conn < 0) return conn;
    ipc_struct_t* icb = &icb_pool[idx];
    icb->conn_cap = conn;
    icb->shm_va = va;
    icb->shm_size = IPC_DEFAULT_SHM_SIZE;
    icb->lock = 0;
    icb->msg = ipc_msg_t{icb, reinterpret_cast<char*>(va), IPC_DEFAULT_SHM_SIZE, 0};
    *out = icb;
    return 0;
}

ipc_struct_t* ipc_register_client(long server_thread_cap) {
    ipc_struct_t* icb;
    return ipc_connect(server_thread_cap, &icb) == 0 ? icb : nullptr;
}

ipc_msg_t* ipc_create_msg(ipc_struct_t* icb, u64 data_len, u64 cap_slot_number) {
    if (!icb || cap_slot_number > IPC_MAX_CAPS) return nullptr;
    const u64 caps_off = round8(HDR + data_len);
    if (data_len > icb->shm_size || caps_off + cap_slot_number * sizeof(int) > icb->shm_size) return nullptr;
    lock_icb(icb);
    ipc_msg_t* msg = &icb->msg;
    msg->send_cap_num = 0;
    ipc_msg_wire* w = wire(msg);
    w->data_len = static_cast<unsigned>(data_len);
    w->cap_slot_number = static_cast<unsigned>(cap_slot_number);
    w->data_offset = HDR;
    w->cap_slots_offset = static_cast<unsigned>(caps_off);
    return msg;
}

char* ipc_get_msg_data(ipc_msg_t* msg) {
    const ipc_msg_wire w = *wire(msg);  // the other side may change it: read once, then check
    if (w.data_offset < HDR || w.data_offset > msg->capacity || w.data_len > msg->capacity - w.data_offset) return nullptr;
    return msg->base + w.data_offset;
}

u64 ipc_get_msg_data_len(ipc_msg_t* msg) { return wire(msg)->data_len; }
u64 ipc_get_msg_cap_num(ipc_msg_t* msg) { return wire(msg)->cap_slot_number; }

long ipc_set_msg_data(ipc_msg_t* msg, const void* data, u64 offset, u64 len) {
    char* d = ipc_get_msg_data(msg);
    const u64 n = wire(msg)->data_len;
    if (!d || offset > n || len > n - offset) return -EINVAL;
    memcpy(d + offset, data, len);
    return 0;
}

namespace {
int* cap_slot(ipc_msg_t* msg, u64 index) {
    const ipc_msg_wire w = *wire(msg);
    if (index >= w.cap_slot_number || w.cap_slots_offset < HDR || (w.cap_slots_offset & 3) ||
        w.cap_slots_offset > msg->capacity || (index + 1) * sizeof(int) > msg->capacity - w.cap_slots_offset)
        return nullptr;
    return reinterpret_cast<int*>(msg->base + w.cap_slots_offset) + index;
}
}  // namespace

long ipc_set_msg_cap(ipc_msg_t* msg, u64 index, long cap) {
    int* slot = cap_slot(msg, index);
    if (!slot) return -EINVAL;
    *slot = static_cast<int>(cap);
    if (index + 1 > msg->send_cap_num) msg->send_cap_num = index + 1;
    return 0;
}

long ipc_get_msg_cap(ipc_msg_t* msg, u64 index) {
    int* slot = cap_slot(msg, index);
    return slot ? *slot : -EINVAL;
}

long ipc_call(ipc_struct_t* icb, ipc_msg_t* msg) {
    if (!icb || !msg) return -EINVAL;
    return usys_ipc_call(icb->conn_cap, reinterpret_cast<u64>(msg->base), msg->send_cap_num);
}

long ipc_destroy_msg(ipc_msg_t* msg) {
    if (!msg || !msg->icb) return -EINVAL;
    unlock_icb(msg->icb);
    return 0;
}

void ipc_return(ipc_msg_t* msg, long ret) {
    usys_ipc_return(ret, 0);
    usys_thread_exit();  // only if this thread was not serving a call
}

void ipc_return_with_cap(ipc_msg_t* msg, long ret) {
    usys_ipc_return(ret, msg->send_cap_num);
    usys_thread_exit();
}

// IPC under faults: bad sizes, bad caps, misbehaving and dying servers, racing callers on one
// connection, capabilities passed both ways, procmgr spawning by name. Every error must come
// back to the caller as a negative errno; nothing may hang or panic.
#include "chcore/procmgr.h"
#include "ipc_test_proto.h"

namespace {

int failures;

void expect(const char* what, long got, long want) {
    if (got != want) {
        printf("ipc_faults: FAIL %s: got %ld, expected %ld\n", what, got, want);
        ++failures;
    }
}

long call_op(ipc_struct_t* icb, unsigned op, u64 word = 0, long send_cap = -1, unsigned slots = 0) {
    ipc_msg_t* msg = ipc_create_msg(icb, sizeof(ipc_test_req), slots);
    ipc_test_req r{};
    r.op = op;
    r.payload[0] = word;
    ipc_set_msg_data(msg, &r, 0, sizeof(r));
    if (send_cap >= 0) ipc_set_msg_cap(msg, 0, send_cap);
    const long ret = ipc_call(icb, msg);
    ipc_destroy_msg(msg);
    return ret;
}

ipc_struct_t* connect(long server, const char* what) {
    ipc_struct_t* icb;
    const long err = ipc_connect(server, &icb);
    expect(what, err, 0);
    return err == 0 ? icb : nullptr;
}

// The kernel's checks of registration arguments.
void bad_registrations(long server) {
    const long pmo = usys_create_pmo(0x1000, CHCORE_PMO_DATA);
    const u64 va = chcore_alloc_vaddr(0x1000);
    expect("register_client(bad thread cap)", usys_register_client(999, pmo, va), -ECAPBILITY);
    expect("register_client(not a server)", usys_register_client(2, pmo, va), -EAGAIN);
    expect("register_client(pmo cap is a cap_group)", usys_register_client(server, 0, va), -ECAPBILITY);
    const long big = usys_create_pmo(0x100000 + 0x1000, CHCORE_PMO_ANONYM);
    expect("register_client(shm too big)", usys_register_client(server, big, va), -EINVAL);
    expect("register_client(unaligned va)", usys_register_client(server, pmo, va + 8), -EINVAL);
    expect("register_client(kernel va)", usys_register_client(server, pmo, 0xffffff0000000000UL), -EINVAL);
    expect("ipc_return outside a call", usys_ipc_return(0, 0), -EINVAL);
    expect("register_cb_return outside a registration", usys_ipc_register_cb_return(2, va), -EINVAL);
    expect("create_ipc_thread(bad type)", usys_create_ipc_thread(0x10000, 7), -EINVAL);
    expect("register_server(not a register thread)", usys_register_server(0x400000, 2, 0x400000), -EINVAL);
    expect("get_main_thread(bad cap)", usys_get_main_thread(999), -ECAPBILITY);
    expect("spawn_with_cap(bad cap)", usys_spawn_with_cap("hello", NO_AFF, 999), -ECAPBILITY);
    usys_revoke_cap(pmo);
    usys_revoke_cap(big);
}

volatile int race_done;
volatile long race_ok, race_busy, race_bad;
ipc_struct_t* race_icb;

// Raw calls on one connection from several CPUs without the message lock: each one gets the
// right answer or -EBUSY, never anything else.
void racer(void* arg) {
    const long id = reinterpret_cast<long>(arg);
    for (int i = 0; i < 200; ++i) {
        const long ret = usys_ipc_call(race_icb->conn_cap, race_icb->shm_va, 0);
        if (ret == 77) __atomic_fetch_add(&race_ok, 1, __ATOMIC_SEQ_CST);
        else if (ret == -EBUSY) __atomic_fetch_add(&race_busy, 1, __ATOMIC_SEQ_CST);
        else {
            __atomic_fetch_add(&race_bad, 1, __ATOMIC_SEQ_CST);
            printf("ipc_faults: racer %ld got %ld\n", id, ret);
        }
    }
    __atomic_fetch_add(&race_done, 1, __ATOMIC_SEQ_CST);
}

volatile int locked_done;
volatile long locked_bad;

void locked_caller(void* arg) {
    const long id = reinterpret_cast<long>(arg);
    for (int i = 0; i < 100; ++i) {
        const long want = id * 1000 + i;
        if (call_op(race_icb, OP_SLOW_ECHO, static_cast<u64>(want)) != want) __atomic_fetch_add(&locked_bad, 1, __ATOMIC_SEQ_CST);
    }
    __atomic_fetch_add(&locked_done, 1, __ATOMIC_SEQ_CST);
}

void races(long server) {
    race_icb = connect(server, "connect (race)");
    if (!race_icb) return;
    // A fixed OP_SLOW_ECHO message for the raw racers: the server yields while it holds the call.
    ipc_test_req r{};
    r.op = OP_SLOW_ECHO;
    r.payload[0] = 77;
    auto* w = reinterpret_cast<ipc_msg_wire*>(race_icb->shm_va);
    w->data_len = sizeof(r);
    w->cap_slot_number = 0;
    w->data_offset = sizeof(ipc_msg_wire);
    w->cap_slots_offset = sizeof(ipc_msg_wire) + sizeof(r);
    memcpy(reinterpret_cast<char*>(race_icb->shm_va) + sizeof(ipc_msg_wire), &r, sizeof(r));
    for (long i = 0; i < 4; ++i) create_thread(racer, reinterpret_cast<void*>(i), i);
    while (race_done < 4) usys_yield();
    expect("racing raw calls: wrong answers", race_bad, 0);
    expect("racing raw calls: all accounted for", race_ok + race_busy, 800);
    if (race_ok == 0) expect("racing raw calls: some succeeded", race_ok, 1);
    for (long i = 0; i < 4; ++i) create_thread(locked_caller, reinterpret_cast<void*>(i + 1), i);
    while (locked_done < 4) usys_yield();
    expect("callers serialised by ipc_create_msg: wrong answers", locked_bad, 0);
}

void caps(ipc_struct_t* icb) {
    // Client -> server: a pmo the server writes into.
    const long pmo = usys_create_pmo(0x1000, CHCORE_PMO_DATA);
    const u64 va = chcore_alloc_vaddr(0x1000);
    usys_map_pmo(pmo, va, CHCORE_VM_READ | CHCORE_VM_WRITE);
    expect("pass a pmo cap", call_op(icb, OP_MAP_CAP, 0, pmo, 1), 0);
    expect("server wrote through the passed cap", static_cast<long>(*reinterpret_cast<volatile u64*>(va)), 0x5a5a);
    expect("pass a bad cap", call_op(icb, OP_MAP_CAP, 0, 998, 1), -ECAPBILITY);
    // Server -> client.
    ipc_msg_t* msg = ipc_create_msg(icb, sizeof(ipc_test_req), 1);
    ipc_test_req r{};
    r.op = OP_GIVE_PMO;
    ipc_set_msg_data(msg, &r, 0, sizeof(r));
    expect("receive a pmo cap", ipc_call(icb, msg), 0);
    const long got = ipc_get_msg_cap(msg, 0);
    ipc_destroy_msg(msg);
    const u64 va2 = chcore_alloc_vaddr(0x1000);
    expect("map the received pmo", usys_map_pmo(got, va2, CHCORE_VM_READ), 0);
    expect("read what the server wrote", static_cast<long>(*reinterpret_cast<volatile u64*>(va2)), 0x1234);
    expect("server replies with bad caps", call_op(icb, OP_BAD_CAPS, 0, -1, 1), -EPROTO);
}

void dying_servers() {
    long cg;
    const long server = spawn_server("ipc_fault_server", NO_AFF, &cg);
    expect("spawn ipc_fault_server", server < 0 ? server : 0, 0);
    if (server < 0) return;
    ipc_struct_t* a = connect(server, "connect a");          // registration 0 (waits for the server)
    bad_registrations(server);                               // refused before the register callback
    ipc_struct_t* b = connect(server, "connect b");          // registration 1
    ipc_struct_t* bad;
    expect("register callback gives a bad service thread", ipc_connect(server, &bad), -EPROTO);  // 2
    ipc_struct_t* c = connect(server, "connect c");          // 3
    if (!a || !b || !c) return;
    expect("null call", call_op(a, OP_NULL), 0);
    expect("garbage reply is just a value", call_op(a, OP_GARBAGE), static_cast<long>(0xdeadbeefcafef00dUL));
    expect("reply with too many caps", call_op(a, OP_TOO_MANY_CAPS), -EPROTO);
    caps(a);
    races(server);
    expect("service thread exits mid-call", call_op(b, OP_THREAD_EXIT), -ESRCH);
    expect("call on the connection whose service thread died", call_op(b, OP_NULL), -ESRCH);
    expect("other connections still work", call_op(c, OP_NULL), 0);
    expect("server crashes mid-call", call_op(a, OP_CRASH), -ESRCH);
    expect("crashed server's exit status", wait_process(cg), -9);
    expect("call after the server died", call_op(c, OP_NULL), -ESRCH);
    ipc_struct_t* late;
    expect("register after the server died", ipc_connect(server, &late), -ESRCH);
}

void spawn_by_name() {
    long cg, main_thread;
    expect("procmgr spawns hello", procmgr_spawn("hello", 3, &cg, &main_thread), 0);
    expect("hello's exit status", wait_process(cg), 0);
    expect("procmgr: no such program", procmgr_spawn("no_such_program", NO_AFF, &cg, &main_thread), -ENOENT);
    expect("procmgr: name too long", procmgr_spawn("a_name_much_longer_than_thirty_two_bytes", NO_AFF, &cg, &main_thread),
           -EINVAL);
}

// ---- clients waiting for a busy register callback ----------------------------------------
// This process's main thread is the server; its register callback holds each registration until
// `cb_release`, then refuses it (-EPROTO). Clients A, B and C register: A gets the callback, B
// and C queue behind it in the kernel. B's pmo cap is revoked while it waits, so when the
// callback parks, B's retry fails at once (-ECAPBILITY) and never comes back for it. C must still
// be woken: the kernel used to wake only the first waiter, and C then waited for good (the
// syscall fuzz's hang: a worker stuck in register_client, on no ready queue).
constexpr long MAIN_THREAD_CAP = 2;  // every process's main thread is in slot 2
constexpr int WAIT_CLIENTS = 4;  // A, B, C, and D, who rescues C if the kernel forgot it
constexpr long WAIT_CLIENT_ROUNDS = 20000;  // yields to wait for a woken client: far more than it needs
volatile long cb_entries, cb_release;
volatile long client_calling[WAIT_CLIENTS], client_done[WAIT_CLIENTS], client_result[WAIT_CLIENTS];
long client_pmo[WAIT_CLIENTS];
u64 client_va[WAIT_CLIENTS];
alignas(16) char cb_stack[0x4000];

// The register callback's entry (the kernel starts it here afresh for every registration).
[[noreturn]] void holding_register_cb() {
    __atomic_fetch_add(&cb_entries, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n(&cb_release, __ATOMIC_SEQ_CST)) usys_yield();
    usys_ipc_register_cb_return(-1, 0);  // no service thread: the client gets -EPROTO
    usys_thread_exit();
}

void registering_client(void* arg) {
    const long i = reinterpret_cast<long>(arg);
    __atomic_store_n(&client_calling[i], 1, __ATOMIC_SEQ_CST);
    client_result[i] = usys_register_client(MAIN_THREAD_CAP, client_pmo[i], client_va[i]);
    __atomic_store_n(&client_done[i], 1, __ATOMIC_SEQ_CST);
}

// Starts client i on this CPU and lets it run into the kernel (when this thread runs again after
// yielding, the client has made its call and is waiting in it).
void start_waiting_client(long i) {
    create_thread(registering_client, reinterpret_cast<void*>(i), usys_get_cpu_id());
    while (!__atomic_load_n(&client_calling[i], __ATOMIC_SEQ_CST)) usys_yield();
    for (int k = 0; k < 100; ++k) usys_yield();
}

bool wait_client(long i) {
    for (long k = 0; k < WAIT_CLIENT_ROUNDS && !__atomic_load_n(&client_done[i], __ATOMIC_SEQ_CST); ++k) usys_yield();
    return client_done[i];
}

void waiters_behind_a_failed_retry() {
    const u64 stack_top = reinterpret_cast<u64>(cb_stack) + sizeof(cb_stack);
    const long reg = usys_create_ipc_thread(stack_top, CHCORE_THREAD_TYPE_REGISTER);
    const u64 entry = reinterpret_cast<u64>(&holding_register_cb);
    expect("waiters: register_server", usys_register_server(entry, reg, entry), 0);
    for (long i = 0; i < WAIT_CLIENTS; ++i) {
        client_pmo[i] = usys_create_pmo(0x1000, CHCORE_PMO_DATA);
        client_va[i] = chcore_alloc_vaddr(0x1000);
    }
    create_thread(registering_client, reinterpret_cast<void*>(0), NO_AFF);  // A: holds the callback
    while (__atomic_load_n(&cb_entries, __ATOMIC_SEQ_CST) == 0) usys_yield();
    start_waiting_client(1);  // B
    start_waiting_client(2);  // C
    usys_revoke_cap(client_pmo[1]);
    __atomic_store_n(&cb_release, 1, __ATOMIC_SEQ_CST);
    const bool a = wait_client(0), b = wait_client(1), c = wait_client(2);
    expect("waiters: A, who held the callback, is refused", a ? client_result[0] : -1, -EPROTO);
    expect("waiters: B's retry finds its pmo cap revoked", b ? client_result[1] : -1, -ECAPBILITY);
    expect("waiters: C, queued behind B, was woken and refused", c ? client_result[2] : -1, -EPROTO);
    if (!c) {  // D's registration parks the callback once more, which wakes C: the process can end
        create_thread(registering_client, reinterpret_cast<void*>(3), NO_AFF);
        wait_client(3);
        wait_client(2);
    }
}

}  // namespace

extern "C" int main() {
    spawn_by_name();
    dying_servers();
    waiters_behind_a_failed_retry();
    if (failures) {
        printf("ipc_faults: %d failures\n", failures);
        return 1;
    }
    printf("ipc_faults: every fault was reported to the caller\n");
    return 0;
}

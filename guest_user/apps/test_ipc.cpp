// ChCore Lab 4's IPC test: IPC_THREADS client threads pinned round-robin to the 4 CPUs, each
// registering IPC_CONNS connections to one server and making IPC_CALLS calls over them, every
// one checked by the server (checksum) and by the client (reply value and the reply written back
// into the shm). Then invalid messages, the server's count, its exit.
#include "ipc_test_proto.h"

#ifndef IPC_TEST_THREADS
#define IPC_TEST_THREADS 32
#endif
#ifndef IPC_TEST_CONNS
#define IPC_TEST_CONNS 20
#endif
#ifndef IPC_TEST_CALLS
#define IPC_TEST_CALLS 1000
#endif

namespace {

long server_cap;
volatile int threads_done;
volatile int threads_registered;
volatile u64 registered_at;  // CNTVCT when the last thread had all its connections
volatile int failures;

inline u64 now() {
    u64 v;
    asm volatile("isb\n mrs %0, cntvct_el0" : "=r"(v)::"memory");
    return v;
}

void fail(const char* what, long tid, long value) {
    __atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST);
    printf("test_ipc: FAIL %s (thread %ld): %ld\n", what, tid, value);
}

void client_thread(void* arg) {
    const unsigned tid = static_cast<unsigned>(reinterpret_cast<long>(arg));
    ipc_struct_t* icbs[IPC_TEST_CONNS];
    for (unsigned c = 0; c < IPC_TEST_CONNS; ++c) {
        const long err = ipc_connect(server_cap, &icbs[c]);
        if (err < 0) {
            fail("ipc_register_client", tid, err);
            __atomic_fetch_add(&threads_done, 1, __ATOMIC_SEQ_CST);
            return;
        }
    }
    if (__atomic_add_fetch(&threads_registered, 1, __ATOMIC_SEQ_CST) == IPC_TEST_THREADS) registered_at = now();
    for (unsigned seq = 0; seq < IPC_TEST_CALLS; ++seq) {
        const unsigned c = seq % IPC_TEST_CONNS;
        ipc_test_req r{};
        r.op = OP_CHECK;
        r.tid = tid;
        r.conn = c;
        r.seq = seq;
        for (int i = 0; i < 4; ++i) r.payload[i] = (static_cast<u64>(tid) << 32) + seq * 4 + i;
        r.checksum = req_checksum(r);
        ipc_msg_t* msg = ipc_create_msg(icbs[c], sizeof(r), 0);
        ipc_set_msg_data(msg, &r, 0, sizeof(r));
        const long ret = ipc_call(icbs[c], msg);
        ipc_test_req back;
        memcpy(&back, ipc_get_msg_data(msg), sizeof(back));
        ipc_destroy_msg(msg);
        if (ret != expected_reply(r)) {
            fail("ipc_call reply", tid, ret);
            break;
        }
        if (back.payload[0] != r.payload[3] || back.payload[3] != r.payload[0]) {
            fail("reply data", tid, static_cast<long>(back.payload[0]));
            break;
        }
    }
    __atomic_fetch_add(&threads_done, 1, __ATOMIC_SEQ_CST);
}

void expect(const char* what, long got, long want) {
    if (got != want) fail(what, -1, got);
}

// Messages the kernel or the server must refuse, on a connection of the main thread.
void invalid_messages() {
    ipc_struct_t* icb;
    const long err = ipc_connect(server_cap, &icb);
    if (err < 0) return fail("ipc_register_client (main)", -1, err);
    if (ipc_create_msg(icb, IPC_DEFAULT_SHM_SIZE, 0) != nullptr) fail("ipc_create_msg(too big) accepted", -1, 0);
    ipc_msg_t* msg = ipc_create_msg(icb, sizeof(ipc_test_req), 0);
    ipc_test_req r{};
    r.op = OP_CHECK;
    r.checksum = req_checksum(r) + 1;  // wrong: the server must notice
    ipc_set_msg_data(msg, &r, 0, sizeof(r));
    expect("bad checksum", ipc_call(icb, msg), -EINVAL);
    expect("set_msg_data past the end", ipc_set_msg_data(msg, &r, 8, sizeof(r)), -EINVAL);
    auto* w = reinterpret_cast<ipc_msg_wire*>(msg->base);
    w->data_len = IPC_DEFAULT_SHM_SIZE;  // longer than the shm
    expect("data_len > shm", usys_ipc_call(icb->conn_cap, icb->shm_va, 0), -EINVAL);
    w->data_len = sizeof(r);
    w->data_offset = 3;
    expect("misaligned data_offset", usys_ipc_call(icb->conn_cap, icb->shm_va, 0), -EINVAL);
    w->data_offset = sizeof(ipc_msg_wire);
    expect("msg outside the shm", usys_ipc_call(icb->conn_cap, icb->shm_va + IPC_DEFAULT_SHM_SIZE, 0), -EINVAL);
    expect("msg before the shm", usys_ipc_call(icb->conn_cap, icb->shm_va - 8, 0), -EINVAL);
    expect("caps without slots", usys_ipc_call(icb->conn_cap, icb->shm_va, 1), -EINVAL);
    expect("too many caps", usys_ipc_call(icb->conn_cap, icb->shm_va, IPC_MAX_CAPS + 1), -EINVAL);
    expect("bad connection cap", usys_ipc_call(999, icb->shm_va, 0), -ECAPBILITY);
    expect("not a connection", usys_ipc_call(0, icb->shm_va, 0), -ECAPBILITY);
    // Still usable after all that.
    r.checksum = req_checksum(r);
    ipc_set_msg_data(msg, &r, 0, sizeof(r));
    expect("valid call after invalid ones", ipc_call(icb, msg), expected_reply(r));
    ipc_destroy_msg(msg);
}

long simple_call(ipc_struct_t* icb, unsigned op) {
    ipc_msg_t* msg = ipc_create_msg(icb, sizeof(unsigned), 0);
    ipc_set_msg_data(msg, &op, 0, sizeof(op));
    const long ret = ipc_call(icb, msg);
    ipc_destroy_msg(msg);
    return ret;
}

}  // namespace

extern "C" int main() {
    long server_cg;
    server_cap = spawn_server("ipc_server", NO_AFF, &server_cg);
    if (server_cap < 0) {
        printf("test_ipc: FAIL spawning ipc_server through procmgr: %ld\n", server_cap);
        return 1;
    }
    const u64 t0 = now();
    for (long i = 0; i < IPC_TEST_THREADS; ++i) {
        if (create_thread(client_thread, reinterpret_cast<void*>(i), i % PLAT_CPU_NUM) < 0) {
            fail("create_thread", i, 0);
            __atomic_fetch_add(&threads_done, 1, __ATOMIC_SEQ_CST);
        }
    }
    while (__atomic_load_n(&threads_done, __ATOMIC_SEQ_CST) < IPC_TEST_THREADS) usys_yield();
    const u64 t1 = now(), ticks_per_ms = 62500;  // CNTFRQ 62.5 MHz on QEMU raspi3b and chemu
    printf("test_ipc: %d threads x %d connections registered in %lu ms, then %d calls in %lu ms (guest time)\n",
           IPC_TEST_THREADS, IPC_TEST_CONNS, (registered_at - t0) / ticks_per_ms, IPC_TEST_THREADS * IPC_TEST_CALLS,
           (t1 - registered_at) / ticks_per_ms);
    invalid_messages();
    ipc_struct_t* icb;
    long err = ipc_connect(server_cap, &icb);
    if (err < 0) {
        fail("ipc_register_client (stats)", -1, err);
    } else {
        expect("server's count of checked calls", simple_call(icb, OP_STATS), IPC_TEST_THREADS * IPC_TEST_CALLS + 1);
        expect("call that ends the server", simple_call(icb, OP_EXIT), -ESRCH);
        expect("server exit status", wait_process(server_cg), 0);
        expect("call after the server exited", simple_call(icb, OP_NULL), -ESRCH);
        ipc_struct_t* late;
        expect("register with an exited server", ipc_connect(server_cap, &late), -ESRCH);
    }
    if (failures) {
        printf("test_ipc: %d failures\n", failures);
        return 1;
    }
    printf("[TEST] Test IPC finished!\n");
    return 0;
}

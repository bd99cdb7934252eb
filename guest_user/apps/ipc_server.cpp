// The IPC test server (ChCore Lab 4's test): checks every OP_CHECK request's checksum and
// answers with a value derived from it, so the client can tell replies apart.
#include "ipc_test_proto.h"

namespace {

volatile u64 checked_ok;

void test_server_handler(ipc_msg_t* msg, u64 /*client_badge*/) {
    const char* data = ipc_get_msg_data(msg);
    if (!data || ipc_get_msg_data_len(msg) < sizeof(unsigned)) ipc_return(msg, -EINVAL);
    const unsigned op = *reinterpret_cast<const volatile unsigned*>(data);
    if (op == OP_NULL) ipc_return(msg, 0);
    if (op == OP_STATS) ipc_return(msg, static_cast<long>(__atomic_load_n(&checked_ok, __ATOMIC_SEQ_CST)));
    if (op == OP_EXIT) usys_exit(0);
    if (op != OP_CHECK || ipc_get_msg_data_len(msg) < sizeof(ipc_test_req)) ipc_return(msg, -EINVAL);
    ipc_test_req r;
    memcpy(&r, data, sizeof(r));
    if (req_checksum(r) != r.checksum) ipc_return(msg, -EINVAL);
    ipc_test_req reply = r;
    for (int i = 0; i < 4; ++i) reply.payload[i] = r.payload[3 - i];
    ipc_set_msg_data(msg, &reply, 0, sizeof(reply));
    __atomic_fetch_add(&checked_ok, 1, __ATOMIC_RELAXED);
    ipc_return(msg, expected_reply(r));
}

}  // namespace

extern "C" int main() {
    const long err = ipc_register_server(test_server_handler, DEFAULT_CLIENT_REGISTER_HANDLER);
    if (err < 0) {
        printf("ipc_server: FAIL ipc_register_server: %ld\n", err);
        return 1;
    }
    // The service and register-callback threads keep the process alive; OP_EXIT ends it.
    usys_thread_exit();
}

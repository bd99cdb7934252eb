// The request the IPC test programs send to ipc_server (test_ipc, ipc_bench) and
// ipc_fault_server (ipc_faults).
#pragma once
#include "chcore/chcore.h"
#include "chcore/ipc.h"

enum ipc_test_op : unsigned {
    OP_NULL = 0,      // reply 0 at once (the round-trip benchmark)
    OP_CHECK = 1,     // check the payload's checksum; reply expected_reply(), payload reversed in place
    OP_STATS = 2,     // reply the number of OP_CHECK requests that passed
    OP_EXIT = 3,      // the server process exits (the caller gets -ESRCH)
    // ipc_fault_server only
    OP_CRASH = 10,        // the handler touches unmapped memory: the server is killed
    OP_THREAD_EXIT = 11,  // the service thread exits without replying
    OP_BAD_CAPS = 12,     // replies with caps that do not exist
    OP_TOO_MANY_CAPS = 13,// replies with more caps than the message has slots
    OP_GARBAGE = 14,      // replies a garbage value (which is just a value)
    OP_MAP_CAP = 15,      // maps the pmo cap it got, writes 0x5a5a into it, replies 0
    OP_GIVE_PMO = 16,     // replies with a new pmo cap holding 0x1234 at offset 0
    OP_SLOW_ECHO = 17,    // yields a few times, then replies the payload's first word
};

struct ipc_test_req {
    unsigned op;
    unsigned tid;
    unsigned conn;
    unsigned seq;
    u64 payload[4];
    u64 checksum;
};

inline u64 req_checksum(const ipc_test_req& r) {
    u64 h = 0xcbf29ce484222325UL ^ r.op;
    const u64 words[] = {r.tid, r.conn, r.seq, r.payload[0], r.payload[1], r.payload[2], r.payload[3]};
    for (u64 w : words) h = (h ^ w) * 0x100000001b3UL;
    return h;
}

inline long expected_reply(const ipc_test_req& r) {
    return static_cast<long>((static_cast<u64>(r.tid) << 24 | static_cast<u64>(r.conn) << 16 | r.seq) ^ 0x5a5a5aUL);
}

// Spawns `name` through procmgr and returns its main thread cap (the server to register with),
// or a negative errno; *cg gets its cap_group cap.
long spawn_server(const char* name, long affinity, long* cg);

// procmgr's part of the syscall fuzz (apps/syscall_fuzz.cpp): its command line, and the witness.
//
// The command line is the first line the UART holds when procmgr starts (chemu --input FILE,
// read whole before the run, so the run stays repeatable); without one the defaults of
// syscall_fuzz_proto.h apply (ctest, tools/grade, QEMU). Words: seed=N calls=N threads=N, and
// fuzz-only (skip every other test: the benchmark, bench/syscall_fuzz.sh).
//
// The witness: while the fuzzer runs, procmgr keeps calling a server of its own (ipc_server, a
// process the fuzzer has no cap to) with checked requests. The fuzz passes only if every call was
// answered right, at least one while the fuzzer ran, and the server still answers after it.
#include "fuzz_test.h"
#include "../apps/ipc_test_proto.h"
#include "../apps/syscall_fuzz_proto.h"
#include "chcore/chcore.h"

namespace {

constexpr u64 FUZZ_PARAMS_VA = 0x0000003000000000UL;  // procmgr's mapping of the fuzzer's page

bool parse_u64(const char* s, const char* key, u64* out) {
    unsigned i = 0;
    for (; key[i]; ++i)
        if (s[i] != key[i]) return false;
    u64 v = 0;
    if (s[i] < '0' || s[i] > '9') return false;
    for (; s[i] >= '0' && s[i] <= '9'; ++i) v = v * 10 + static_cast<u64>(s[i] - '0');
    *out = v;
    return true;
}

bool word_is(const char* s, const char* word) {
    unsigned i = 0;
    for (; word[i]; ++i)
        if (s[i] != word[i]) return false;
    return s[i] == '\0' || s[i] == ' ';
}

ipc_struct_t* witness_icb;
u64 witness_seq;

// One checked call to the witness server: OP_CHECK, whose reply the server derives from the request.
long witness_call(bool* right) {
    ipc_test_req r{};
    r.op = OP_CHECK;
    r.tid = 0xf0;
    r.seq = static_cast<unsigned>(++witness_seq);
    for (int i = 0; i < 4; ++i) r.payload[i] = witness_seq * 4 + static_cast<u64>(i);
    r.checksum = req_checksum(r);
    ipc_msg_t* msg = ipc_create_msg(witness_icb, sizeof(r), 0);
    if (!msg) {
        *right = false;
        return -ENOMEM;
    }
    ipc_set_msg_data(msg, &r, 0, sizeof(r));
    const long ret = ipc_call(witness_icb, msg);
    ipc_test_req back{};
    const char* data = ipc_get_msg_data(msg);
    if (data) memcpy(&back, data, sizeof(back));
    ipc_destroy_msg(msg);
    *right = ret == expected_reply(r) && data && back.payload[0] == r.payload[3] && back.payload[3] == r.payload[0];
    return ret;
}

long witness_op(unsigned op) {
    ipc_test_req r{};
    r.op = op;
    ipc_msg_t* msg = ipc_create_msg(witness_icb, sizeof(r), 0);
    if (!msg) return -ENOMEM;
    ipc_set_msg_data(msg, &r, 0, sizeof(r));
    const long ret = ipc_call(witness_icb, msg);
    ipc_destroy_msg(msg);
    return ret;
}

}  // namespace

void read_fuzz_cmdline(fuzz_cmdline* cl) {
    cl->seed = FUZZ_DEFAULT_SEED;
    cl->calls = FUZZ_DEFAULT_CALLS;
    cl->threads = FUZZ_DEFAULT_THREADS;
    cl->only = false;
    cl->given = false;
    char line[128];
    unsigned n = 0;
    for (;;) {
        const long c = usys_getc();
        if (c < 0 || c == '\n' || c == '\r') break;
        if (n + 1 < sizeof(line)) line[n++] = static_cast<char>(c);
    }
    line[n] = '\0';
    if (n == 0) return;
    cl->given = true;
    for (unsigned i = 0; i < n;) {
        while (i < n && line[i] == ' ') ++i;
        const char* w = line + i;
        u64 v;
        if (parse_u64(w, "seed=", &v)) cl->seed = v;
        else if (parse_u64(w, "calls=", &v)) cl->calls = v;
        else if (parse_u64(w, "threads=", &v)) cl->threads = static_cast<unsigned>(v);
        else if (word_is(w, "fuzz-only")) cl->only = true;
        while (i < n && line[i] != ' ') ++i;
    }
}

bool run_syscall_fuzz(const fuzz_cmdline& cl) {
    printf("syscall_fuzz: seed %lu, %lu calls by %u threads%s\n", cl.seed, cl.calls, cl.threads,
           cl.given ? " (from the command line)" : "");
    // The witness: a server the fuzzer cannot reach.
    const long wcg = usys_spawn("ipc_server", NO_AFF);
    const long wmain = wcg >= 0 ? usys_get_main_thread(wcg) : wcg;
    const long err = wmain >= 0 ? ipc_connect(wmain, &witness_icb) : wmain;
    if (err < 0) {
        printf("syscall_fuzz: FAIL start the witness server: %ld\n", err);
        return false;
    }
    // The fuzzer's parameters, shared with it.
    const long pmo = usys_create_pmo(0x1000, CHCORE_PMO_DATA);
    if (pmo < 0 || usys_map_pmo(pmo, FUZZ_PARAMS_VA, CHCORE_VM_READ | CHCORE_VM_WRITE) < 0) {
        printf("syscall_fuzz: FAIL parameter page: %ld\n", pmo);
        return false;
    }
    auto* p = reinterpret_cast<fuzz_params*>(FUZZ_PARAMS_VA);
    memset(p, 0, sizeof(*p));
    p->magic = FUZZ_MAGIC;
    p->mode = FUZZ_MODE_MAIN;
    p->seed = cl.seed;
    p->calls = cl.calls;
    p->threads = cl.threads;
    const long fcg = usys_spawn_with_cap("syscall_fuzz", NO_AFF, pmo);
    if (fcg < 0) {
        printf("syscall_fuzz: FAIL spawn: %ld\n", fcg);
        return false;
    }
    u64 during = 0, wrong = 0;
    long st;
    while ((st = usys_get_exit_status(fcg)) == -EAGAIN) {
        bool right;
        const long ret = witness_call(&right);
        ++during;
        if (!right) {
            if (++wrong <= 5) printf("syscall_fuzz: FAIL the witness answered %ld during the fuzz\n", ret);
        }
        usys_yield();
    }
    bool right_after;
    const long after = witness_call(&right_after);
    const long stats = witness_op(OP_STATS);
    const bool witness_ok = wrong == 0 && during >= 1 && right_after && stats == static_cast<long>(during + 1);
    witness_op(OP_EXIT);
    const long wst = wait_process(wcg);
    usys_revoke_cap(wcg);
    usys_revoke_cap(fcg);
    const u64 total = p->calls_done + p->child_calls;
    printf("syscall_fuzz: the witness answered %lu checked calls during the fuzz (%lu wrong), then %ld; its count %ld, "
           "exit status %ld\n",
           during, wrong, after, stats, wst);
    const bool ok = st == 0 && p->ok == 1 && p->violations == 0 && p->cpu_mask == 0xf && witness_ok && wst == 0;
    if (ok) printf("syscall_fuzz: %lu calls on 4 CPUs, kernel alive: OK\n", total);
    else
        printf("syscall_fuzz: FAIL (fuzzer exit status %ld, ok %lu, %lu wrong returns, CPUs 0x%lx, witness %s)\n", st,
               p->ok, p->violations, p->cpu_mask, witness_ok ? "ok" : "FAILED");
    usys_unmap_pmo(pmo, FUZZ_PARAMS_VA);
    usys_revoke_cap(pmo);
    return ok;
}

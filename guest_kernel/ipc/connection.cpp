// Connection-based IPC with migrating threads. See include/ipc/connection.h for the model.
//
// Switching: the caller marks itself TS_WAITING (it is on no ready queue) and switch_to_thread()s
// straight to the register/service thread, lending it its scheduling context (sc). The callee's
// register frame is written only after switch_to_thread returned: that is when this CPU owns the
// callee's kernel stack, i.e. when the CPU that last ran it has left it (it may still have been
// finishing the callee's previous sys_ipc_return there).
//
// Who retires parked threads of an exiting server: cap_group_exit sets `exiting`, then retires
// every PARKED register/service thread; a thread going back to PARKED checks `exiting` after it
// parked. With a full barrier between the write and the read on both sides, at least one of them
// sees the other, and the PARKED -> DEAD compare-and-swap makes sure only one retires it.
#include "ipc/connection.h"
#include "arch/aarch64/context.h"
#include "common/errno.h"
#include "common/kprint.h"
#include "common/machine.h"
#include "common/macro.h"
#include "common/new.h"
#include "common/util.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "sched/sched.h"
#include "uapi/ipc.h"

namespace {

bool cas_state(thread* t, u32 from, u32 to) {
    return __atomic_compare_exchange_n(&t->ipc_state, &from, to, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

bool is_ipc_thread(const thread* t) {
    return t->thread_ctx->type == TYPE_SHADOW || t->thread_ctx->type == TYPE_REGISTER;
}

bool group_exiting(const thread* t) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return __atomic_load_n(&t->cap_group->exiting, __ATOMIC_SEQ_CST);
}

// An ACTIVE thread whose owner found its process exiting: the owner retires it.
void retire_active(thread* t) {
    t->thread_ctx->sc = nullptr;
    if (cas_state(t, IPC_ACTIVE, IPC_DEAD)) thread_exit_state(t);
}

template <typename T>
T* config_of(thread* t, ipc_config_kind kind) {
    auto* c = static_cast<T*>(__atomic_load_n(&t->general_ipc_config, __ATOMIC_ACQUIRE));
    return c && c->kind == kind ? c : nullptr;
}

// A client that waited for a register-callback thread tries its sys_register_client again.
void wake_waiter(thread* w) {
    w->thread_ctx->sc->budget = DEFAULT_BUDGET;
    sched_enqueue(w);
}

// Wakes every client waiting for rc's thread. They are taken off `waiters` in one go, under the
// lock: one that finds the thread busy again on its retry queues anew, behind a new owner who
// will park it and wake it again.
void wake_all_waiters(ipc_server_register_cb_config* rc) {
    IntrusiveList<thread, &thread::ready_queue_node> woken;
    {
        SpinGuard guard(rc->wait_lock);
        while (thread* w = rc->waiters.pop_front()) woken.push_back(w);
    }
    while (thread* w = woken.pop_front()) wake_waiter(w);
}

// Hands t back (ACTIVE -> PARKED), waking every client waiting for it; retires it if its process
// is on its way out. All of them, not the first only: a woken client may never come back for the
// thread (its retry fails before it claims: a cap revoked meanwhile, its process exiting, ...),
// and then nobody woke the others, which waited TS_WAITING on `waiters` for good, on no ready
// queue while the thread sat parked (ipc_faults' waiters test shows it).
void park(thread* t) {
    auto* rc = t->thread_ctx->type == TYPE_REGISTER
                   ? config_of<ipc_server_register_cb_config>(t, IPC_CONFIG_REGISTER_CB) : nullptr;
    if (rc) {
        // Under the lock: a client's look at the state and its queueing (claim_or_wait) come
        // wholly before this store (it is woken below) or wholly after (it finds t parked).
        SpinGuard guard(rc->wait_lock);
        __atomic_store_n(&t->ipc_state, static_cast<u32>(IPC_PARKED), __ATOMIC_SEQ_CST);
    } else {
        __atomic_store_n(&t->ipc_state, static_cast<u32>(IPC_PARKED), __ATOMIC_SEQ_CST);
    }
    if (rc) wake_all_waiters(rc);
    if (group_exiting(t) && cas_state(t, IPC_PARKED, IPC_DEAD)) thread_exit_state(t);
}

// Takes a parked register/service thread for a registration or call. 0, -EBUSY or -ESRCH.
int claim(thread* t) {
    if (!cas_state(t, IPC_PARKED, IPC_ACTIVE))
        return __atomic_load_n(&t->ipc_state, __ATOMIC_SEQ_CST) == IPC_DEAD ? -ESRCH : -EBUSY;
    if (group_exiting(t)) {
        retire_active(t);
        return -ESRCH;
    }
    return 0;
}

// claim() for a register-callback thread; when it is busy the caller queues itself as a waiter
// instead (-EBUSY): it is then TS_WAITING with its svc rewound, and must leave the CPU.
int claim_or_wait(thread* reg, ipc_server_register_cb_config* rc, thread* self) {
    {
        SpinGuard guard(rc->wait_lock);
        if (!cas_state(reg, IPC_PARKED, IPC_ACTIVE)) {
            if (__atomic_load_n(&reg->ipc_state, __ATOMIC_SEQ_CST) == IPC_DEAD) return -ESRCH;
            self->thread_ctx->ec->elr -= 4;  // back to the svc: the call runs again when woken
            self->thread_ctx->state = TS_WAITING;
            rc->waiters.push_back(self);
            return -EBUSY;
        }
    }
    if (group_exiting(reg)) {
        retire_active(reg);
        return -ESRCH;
    }
    return 0;
}

// Copies to or from the shm's pages through the kernel's linear map (no user mapping involved,
// so it works from either side and never faults).
bool shm_access(pmobject* pmo, u64 off, void* buf, u64 len, bool write) {
    char* p = static_cast<char*>(buf);
    while (len) {
        const u64 in_page = off & PAGE_MASK;
        const u64 chunk = PAGE_SIZE - in_page < len ? PAGE_SIZE - in_page : len;
        const paddr_t pa = pmo_get_page(pmo, off - in_page, true);
        if (!pa) return false;
        char* k = phys_to_ptr<char>(pa) + in_page;
        if (write)
            memcpy(k, p, chunk);
        else
            memcpy(p, k, chunk);
        off += chunk;
        p += chunk;
        len -= chunk;
    }
    return true;
}

// Reads and checks the message header at off in the shm: everything it describes must lie in the
// shm, and its first cap_num cap slots carry the caps to pass (it may have more slots).
int check_msg(const ipc_connection* conn, u64 off, u64 cap_num, ipc_msg_wire* hdr) {
    const u64 size = conn->shm.size;
    if (off >= size || (off & 7) || size - off < sizeof(ipc_msg_wire)) return -EINVAL;
    if (cap_num > IPC_MAX_CAPS) return -EINVAL;
    if (!shm_access(conn->shm.pmo, off, hdr, sizeof(*hdr), false)) return -ENOMEM;
    const u64 avail = size - off;
    if (cap_num > hdr->cap_slot_number) return -EINVAL;
    if ((hdr->data_offset & 7) || hdr->data_offset < sizeof(ipc_msg_wire) || hdr->data_offset > avail ||
        hdr->data_len > avail - hdr->data_offset)
        return -EINVAL;
    if (cap_num && ((hdr->cap_slots_offset & 3) || hdr->cap_slots_offset < sizeof(ipc_msg_wire) ||
                    hdr->cap_slots_offset > avail || cap_num * sizeof(cap_t) > avail - hdr->cap_slots_offset))
        return -EINVAL;
    return 0;
}

// Copies the n caps named in the message's cap slots from `from` into `to` and rewrites the slots
// with the new cap numbers. All or nothing: -ECAPBILITY (or -ENOMEM/-ENOSPC) leaves `to` as it was.
int transfer_caps(cap_group* from, cap_group* to, const ipc_connection* conn, u64 off, const ipc_msg_wire& hdr, u32 n) {
    cap_t caps[IPC_MAX_CAPS];
    const u64 slots = off + hdr.cap_slots_offset;
    if (!shm_access(conn->shm.pmo, slots, caps, n * sizeof(cap_t), false)) return -ENOMEM;
    u32 done = 0;
    int err = 0;
    for (; done < n; ++done) {
        object* obj = caps[done] >= 0 && caps[done] < MAX_SLOTS ? obj_get(from, caps[done], TYPE_NO_TYPE) : nullptr;
        if (!obj) {
            err = -ECAPBILITY;
            break;
        }
        const cap_t nc = cap_alloc(to, obj);
        obj_put(obj);
        if (nc < 0) {
            err = nc;
            break;
        }
        caps[done] = nc;
    }
    if (err) {
        for (u32 i = 0; i < done; ++i) cap_free(to, caps[i]);
        return err;
    }
    if (!shm_access(conn->shm.pmo, slots, caps, n * sizeof(cap_t), true)) return -ENOMEM;
    return 0;
}

// A register/service thread starts afresh at entry for each registration or call.
void setup_frame(thread* t, u64 entry, u64 stack, u64 x0, u64 x1, u64 x2) {
    arch_exec_ctx* ec = t->thread_ctx->ec;
    ec->elr = entry;
    ec->sp = stack;
    ec->spsr = SPSR_EL0T;
    ec->x[0] = x0;
    ec->x[1] = x1;
    ec->x[2] = x2;
    ec->x[29] = 0;
    ec->x[30] = 0;
}

// The waiting client continues at once on this CPU, its result already in its x0. A client whose
// process is exiting leaves instead.
void resume_client(thread* client) {
    if (client->cap_group->exiting) {
        thread_exit_state(client);
        sched();
        return;
    }
    switch_to_thread(client);
}

// A client whose server died under it: it gets err and goes back to a ready queue.
void fail_client(thread* client, long err) {
    client->thread_ctx->ec->x[0] = static_cast<u64>(err);
    if (client->cap_group->exiting) {
        thread_exit_state(client);
        return;
    }
    client->thread_ctx->sc->budget = DEFAULT_BUDGET;
    sched_enqueue(client);
}

// Undoes sys_register_client's client-side mapping after a failed registration.
void unmap_client_shm(thread* client, ipc_connection* conn) {
    vmspace_unmap_pmo(client->vmspace, conn->shm.pmo, conn->shm.client_va);
}

cap_t as_cap(u64 v) { return v < MAX_SLOTS ? static_cast<cap_t>(v) : -1; }

}  // namespace

void connection_deinit(object* obj) {
    auto* conn = static_cast<ipc_connection*>(obj);
    if (thread* handler = conn->server_handler_thread) {
        // Nobody can call it any more: a parked service thread is retired now.
        if (cas_state(handler, IPC_PARKED, IPC_DEAD)) thread_exit_state(handler);
        if (conn->shm.pmo) vmspace_unmap_pmo(handler->vmspace, conn->shm.pmo, conn->shm.server_va);
        obj_put(handler);
    }
    if (conn->shm.pmo) obj_put(conn->shm.pmo);
}

void ipc_thread_exit_hook(thread* t) {
    if (!is_ipc_thread(t)) return;
    // Clients waiting for a register-callback thread that is gone try again (and get -ESRCH).
    if (auto* rc = config_of<ipc_server_register_cb_config>(t, IPC_CONFIG_REGISTER_CB)) {
        cas_state(t, IPC_PARKED, IPC_DEAD);
        if (cas_state(t, IPC_ACTIVE, IPC_DEAD)) {
            t->thread_ctx->sc = nullptr;
            thread* client = rc->client;
            ipc_connection* conn = rc->conn;
            rc->client = nullptr;
            rc->conn = nullptr;
            if (client) {
                unmap_client_shm(client, conn);
                fail_client(client, -ESRCH);
            }
            if (conn) obj_put(conn);
        }
        wake_all_waiters(rc);
        return;
    }
    // Retirement sets DEAD before calling thread_exit_state: then there is no client to tell.
    if (!cas_state(t, IPC_ACTIVE, IPC_DEAD)) {
        cas_state(t, IPC_PARKED, IPC_DEAD);
        return;
    }
    t->thread_ctx->sc = nullptr;
    if (auto* hc = config_of<ipc_server_handler_config>(t, IPC_CONFIG_HANDLER)) {
        thread* client = hc->active_client;
        ipc_connection* conn = hc->active_conn;
        hc->active_client = nullptr;
        hc->active_conn = nullptr;
        if (client) fail_client(client, -ESRCH);
        if (conn) obj_put(conn);
    }
}

void ipc_retire_parked_threads(cap_group* cg) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (;;) {
        thread* victim = nullptr;
        {
            SpinGuard guard(cg->threads_lock);
            for (thread* t : cg->thread_list) {
                if (is_ipc_thread(t) && cas_state(t, IPC_PARKED, IPC_DEAD)) {
                    victim = t;
                    obj_get(victim);
                    break;
                }
            }
        }
        if (!victim) return;
        thread_exit_state(victim);
        obj_put(victim);
    }
}

void ipc_free_config(thread* t) {
    void* c = t->general_ipc_config;
    if (!c) return;
    t->general_ipc_config = nullptr;
    if (auto* sc = static_cast<ipc_server_config*>(c); sc->kind == IPC_CONFIG_SERVER && sc->register_cb_thread)
        obj_put(sc->register_cb_thread);
    kfree(c);
}

// ---- server side ----------------------------------------------------------------------------

long sys_register_server(u64 ipc_routine, u64 register_cb_thread_cap, u64 register_cb_entry) {
    thread* self = current_thread;
    if (ipc_routine >= USER_SPACE_END || register_cb_entry >= USER_SPACE_END) return -EINVAL;
    if (self->thread_ctx->type != TYPE_USER && self->thread_ctx->type != TYPE_ROOT) return -EINVAL;
    if (self->general_ipc_config) return -EEXIST;
    const cap_t cap = as_cap(register_cb_thread_cap);
    thread* reg = cap < 0 ? nullptr : obj_get_typed<thread>(self->cap_group, cap, TYPE_THREAD);
    if (!reg) return -ECAPBILITY;
    if (reg->thread_ctx->type != TYPE_REGISTER || reg->cap_group != self->cap_group) {
        obj_put(reg);
        return -EINVAL;
    }
    if (int err = claim(reg)) {
        obj_put(reg);
        return err;
    }
    if (reg->general_ipc_config) {  // already serves another main thread
        park(reg);
        obj_put(reg);
        return -EEXIST;
    }
    auto* server = static_cast<ipc_server_config*>(kzalloc(sizeof(ipc_server_config)));
    void* rc_mem = kzalloc(sizeof(ipc_server_register_cb_config));
    auto* rc = rc_mem ? new (rc_mem) ipc_server_register_cb_config() : nullptr;
    if (!server || !rc) {
        kfree(server);
        kfree(rc_mem);
        park(reg);
        obj_put(reg);
        return -ENOMEM;
    }
    rc->kind = IPC_CONFIG_REGISTER_CB;
    rc->register_cb_entry = register_cb_entry;
    rc->register_cb_stack = reg->thread_ctx->ec->sp;  // it never ran: still its initial stack
    rc->declared_ipc_routine_entry = ipc_routine;
    __atomic_store_n(&reg->general_ipc_config, static_cast<void*>(rc), __ATOMIC_RELEASE);
    server->kind = IPC_CONFIG_SERVER;
    server->register_cb_thread = reg;  // keeps the lookup's reference
    server->declared_ipc_routine_entry = ipc_routine;
    __atomic_store_n(&self->general_ipc_config, static_cast<void*>(server), __ATOMIC_RELEASE);
    park(reg);
    return 0;
}

// Runs on the register-callback thread once its client_register_handler has made a service
// thread and chosen where the shm goes in the server. Always ends the registration: the client
// gets its connection cap, or -EPROTO (bad service thread or address) / -ENOMEM.
long sys_ipc_register_cb_return(u64 handler_thread_cap, u64 shm_server_va) {
    thread* self = current_thread;
    auto* rc = config_of<ipc_server_register_cb_config>(self, IPC_CONFIG_REGISTER_CB);
    if (self->thread_ctx->type != TYPE_REGISTER || !rc || self->ipc_state != IPC_ACTIVE || !rc->client) return -EINVAL;
    thread* client = rc->client;
    ipc_connection* conn = rc->conn;
    rc->client = nullptr;
    rc->conn = nullptr;

    long result = -EPROTO;
    const cap_t hcap = as_cap(handler_thread_cap);
    thread* handler = hcap < 0 ? nullptr : obj_get_typed<thread>(self->cap_group, hcap, TYPE_THREAD);
    if (handler && handler->thread_ctx->type == TYPE_SHADOW && handler->cap_group == self->cap_group &&
        claim(handler) == 0) {
        auto* hc = static_cast<ipc_server_handler_config*>(kzalloc(sizeof(ipc_server_handler_config)));
        if (handler->general_ipc_config || !hc) {
            result = hc ? -EPROTO : -ENOMEM;  // already serves another connection
            kfree(hc);
        } else if (vmspace_map_pmo(self->vmspace, conn->shm.pmo, shm_server_va, VMR_READ | VMR_WRITE) != 0) {
            kfree(hc);
        } else {
            hc->kind = IPC_CONFIG_HANDLER;
            hc->ipc_routine_entry = rc->declared_ipc_routine_entry;
            hc->ipc_routine_stack = handler->thread_ctx->ec->sp;  // never ran: its initial stack
            hc->conn = conn;
            __atomic_store_n(&handler->general_ipc_config, static_cast<void*>(hc), __ATOMIC_RELEASE);
            conn->shm.server_va = shm_server_va;
            conn->server_handler_thread = handler;
            obj_get(handler);  // the connection's reference
            result = cap_alloc(client->cap_group, conn);
            if (result >= 0) cap_free(self->cap_group, hcap);  // the connection owns it now
        }
        park(handler);
    }
    if (handler) obj_put(handler);
    if (result < 0) unmap_client_shm(client, conn);
    obj_put(conn);  // the registration's reference: the client's cap (if any) keeps it

    client->thread_ctx->ec->x[0] = static_cast<u64>(result);
    self->thread_ctx->sc = nullptr;
    self->thread_ctx->state = TS_WAITING;
    park(self);
    resume_client(client);
    return 0;
}

// ---- client side ----------------------------------------------------------------------------

long sys_register_client(u64 server_thread_cap, u64 shm_pmo_cap, u64 shm_client_va) {
    thread* self = current_thread;
    const cap_t scap = as_cap(server_thread_cap);
    ObjRef<thread> server(scap < 0 ? nullptr : obj_get_typed<thread>(self->cap_group, scap, TYPE_THREAD));
    if (!server) return -ECAPBILITY;
    auto* config = config_of<ipc_server_config>(server.get(), IPC_CONFIG_SERVER);
    if (!config) return -EAGAIN;  // not a server's main thread (a new server may not have registered yet)
    thread* reg = config->register_cb_thread;
    auto* rc = config_of<ipc_server_register_cb_config>(reg, IPC_CONFIG_REGISTER_CB);
    BUG_ON(!rc);
    const cap_t pcap = as_cap(shm_pmo_cap);
    pmobject* pmo = pcap < 0 ? nullptr : obj_get_typed<pmobject>(self->cap_group, pcap, TYPE_PMO);
    if (!pmo) return -ECAPBILITY;
    if (pmo->size < IPC_SHM_MIN_SIZE || pmo->size > IPC_SHM_MAX_SIZE) {
        obj_put(pmo);
        return -EINVAL;
    }
    if (int err = claim_or_wait(reg, rc, self)) {
        obj_put(pmo);
        if (err != -EBUSY) return err;
        sched();  // wait: a waiter is woken each time the register-callback thread is done
        return static_cast<long>(server_thread_cap);  // x0 as it was, for the rerun of the svc
    }
    if (int err = vmspace_map_pmo(self->vmspace, pmo, shm_client_va, VMR_READ | VMR_WRITE)) {
        park(reg);
        obj_put(pmo);
        return err;
    }
    auto* conn = obj_alloc<ipc_connection>(TYPE_CONNECTION);
    if (!conn) {
        vmspace_unmap_pmo(self->vmspace, pmo, shm_client_va);
        park(reg);
        obj_put(pmo);
        return -ENOMEM;
    }
    conn->shm.pmo = pmo;  // keeps the lookup's reference
    conn->shm.size = pmo->size;
    conn->shm.client_va = shm_client_va;
    conn->client_cg = self->cap_group;
    conn->client_badge = self->cap_group->badge;
    rc->client = self;
    rc->conn = conn;

    reg->thread_ctx->sc = self->thread_ctx->sc;
    self->thread_ctx->state = TS_WAITING;
    switch_to_thread(reg);
    // register_cb(shm size, client badge)
    setup_frame(reg, rc->register_cb_entry, rc->register_cb_stack, conn->shm.size, conn->client_badge, 0);
    return 0;  // the result comes from sys_ipc_register_cb_return
}

long sys_ipc_call(u64 conn_cap, u64 msg_va, u64 cap_num) {
    thread* self = current_thread;
    const cap_t ccap = as_cap(conn_cap);
    auto* conn = ccap < 0 ? nullptr : obj_get_typed<ipc_connection>(self->cap_group, ccap, TYPE_CONNECTION);
    if (!conn) return -ECAPBILITY;
    thread* server = conn->server_handler_thread;
    const u64 off = msg_va - conn->shm.client_va;
    ipc_msg_wire hdr;
    int err = check_msg(conn, off, cap_num, &hdr);
    if (!err) err = claim(server);
    if (!err && cap_num) {
        err = transfer_caps(self->cap_group, server->cap_group, conn, off, hdr, static_cast<u32>(cap_num));
        if (err) park(server);
    }
    if (err) {
        obj_put(conn);
        return err;
    }
    auto* hc = config_of<ipc_server_handler_config>(server, IPC_CONFIG_HANDLER);
    hc->active_client = self;
    hc->active_conn = conn;  // keeps the lookup's reference until the return
    hc->msg_offset = off;
    server->thread_ctx->sc = self->thread_ctx->sc;
    self->thread_ctx->state = TS_WAITING;
    switch_to_thread(server);
    // ipc_routine(message in the server's mapping, client badge, bytes from the message to the shm's end)
    setup_frame(server, hc->ipc_routine_entry, hc->ipc_routine_stack, conn->shm.server_va + off, conn->client_badge,
                conn->shm.size - off);
    return 0;  // the result comes from sys_ipc_return
}

long sys_ipc_return(u64 ret, u64 cap_num) {
    thread* self = current_thread;
    auto* hc = config_of<ipc_server_handler_config>(self, IPC_CONFIG_HANDLER);
    if (self->thread_ctx->type != TYPE_SHADOW || !hc || self->ipc_state != IPC_ACTIVE || !hc->active_client)
        return -EINVAL;
    thread* client = hc->active_client;
    ipc_connection* conn = hc->active_conn;
    long result = static_cast<long>(ret);
    if (cap_num) {
        ipc_msg_wire hdr;
        int err = check_msg(conn, hc->msg_offset, cap_num, &hdr);
        if (!err) err = transfer_caps(self->cap_group, client->cap_group, conn, hc->msg_offset, hdr, static_cast<u32>(cap_num));
        if (err) result = -EPROTO;  // the server's reply was malformed
    }
    hc->active_client = nullptr;
    hc->active_conn = nullptr;
    client->thread_ctx->ec->x[0] = static_cast<u64>(result);
    self->thread_ctx->sc = nullptr;
    self->thread_ctx->state = TS_WAITING;
    park(self);
    obj_put(conn);
    resume_client(client);
    return 0;
}

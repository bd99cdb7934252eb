// Connection-based IPC with migrating threads (ChCore Lab 4 part 3).
//
// A server's main thread declares itself with sys_register_server: it gets an ipc_server_config,
// and its register-callback thread (TYPE_REGISTER) an ipc_server_register_cb_config. A client
// names the main thread in sys_register_client; the register-callback thread then runs on the
// client's scheduling context, creates a service thread (TYPE_SHADOW) and ends with
// sys_ipc_register_cb_return, which completes the ipc_connection and switches back to the client.
// sys_ipc_call switches the caller's CPU (and budget) to the service thread; sys_ipc_return
// switches back. Register and service threads have no scheduling context of their own.
//
// Each register/service thread has an ipc_state: PARKED (waiting to be used), ACTIVE (running for
// some client: a registration or a call), DEAD (retired, or died). Whoever moves a thread from
// PARKED to ACTIVE (compare-and-swap) owns the call; that is the only lock on the call path, and
// it is what makes one connection serve one client at a time (a second caller gets -EBUSY).
#pragma once
#include "common/list.h"
#include "common/lock.h"
#include "common/types.h"
#include "object/object.h"
#include "object/thread.h"

struct thread;
struct cap_group;
struct pmobject;

enum ipc_thread_state : u32 { IPC_NONE = 0, IPC_PARKED, IPC_ACTIVE, IPC_DEAD };

enum ipc_config_kind : u32 { IPC_CONFIG_SERVER = 1, IPC_CONFIG_REGISTER_CB, IPC_CONFIG_HANDLER };

// On the server's main thread.
struct ipc_server_config {
    ipc_config_kind kind;
    thread* register_cb_thread;     // a reference
    u64 declared_ipc_routine_entry; // where service threads start each call
};

// On the register-callback thread. The fields below `in flight` belong to whoever made the
// thread ACTIVE. Clients that find it ACTIVE wait on `waiters` (TS_WAITING, their svc rewound):
// each time it parks, all of them are woken to try again (one wins, the others queue anew).
struct ipc_server_register_cb_config {
    ipc_config_kind kind;
    u64 register_cb_entry;
    u64 register_cb_stack;
    u64 declared_ipc_routine_entry;
    Spinlock wait_lock;             // orders PARKED/ACTIVE changes against `waiters`
    IntrusiveList<thread, &thread::ready_queue_node> waiters;
    // in flight
    thread* client;
    struct ipc_connection* conn;    // a reference
};

// On a service thread, once a registration bound it to its connection.
struct ipc_server_handler_config {
    ipc_config_kind kind;
    u64 ipc_routine_entry;
    u64 ipc_routine_stack;
    struct ipc_connection* conn;    // no reference: the connection holds the thread
    // in flight
    thread* active_client;
    struct ipc_connection* active_conn;  // the caller's reference, dropped on return
    u64 msg_offset;                      // of the call's message in the shm
};

struct ipc_shm {
    pmobject* pmo;   // a reference
    u64 size;
    u64 client_va;
    u64 server_va;
};

struct ipc_connection : object {
    thread* server_handler_thread;  // a reference; null until the registration completes
    cap_group* client_cg;           // no reference (the client holds the connection)
    u64 client_badge;
    ipc_shm shm;
};

void connection_deinit(object* obj);
// thread_exit_state calls this first: a register/service thread dying in the middle of a
// registration or call hands the waiting client an error (-ESRCH).
void ipc_thread_exit_hook(thread* t);
// cap_group_exit calls this: retires the group's parked register/service threads, which would
// otherwise never run again (and keep the group alive).
void ipc_retire_parked_threads(cap_group* cg);
void ipc_free_config(thread* t);

long sys_register_server(u64 ipc_routine, u64 register_cb_thread_cap, u64 register_cb_entry);
long sys_register_client(u64 server_thread_cap, u64 shm_pmo_cap, u64 shm_client_va);
long sys_ipc_register_cb_return(u64 handler_thread_cap, u64 shm_server_va);
long sys_ipc_call(u64 conn_cap, u64 msg_va, u64 cap_num);
long sys_ipc_return(u64 ret, u64 cap_num);

// libchcore IPC: connections to servers, messages in shared memory, calls and returns.
//
// Server: ipc_register_server(server_handler, DEFAULT_CLIENT_REGISTER_HANDLER) once, from the
// thread clients will name (usually the main thread). Every ipc_call then runs server_handler on
// a service thread of this process (with the caller's CPU time); it ends with ipc_return (or by
// returning, which replies 0).
// Client: ipc_register_client(server main thread cap) -> ipc_struct_t*; per call ipc_create_msg,
// ipc_set_msg_data / ipc_set_msg_cap, ipc_call, read the reply, ipc_destroy_msg. One message per
// connection at a time: ipc_create_msg waits (yielding) while another thread holds it.
#pragma once
#include "chcore/errno.h"
#include "chcore/syscall.h"
#include <ipc.h>  // uapi (guest_kernel/include/uapi/ipc.h): ipc_msg_wire, CHCORE_THREAD_TYPE_*, limits

#define IPC_DEFAULT_SHM_SIZE IPC_SHM_MIN_SIZE

struct ipc_struct;
typedef struct ipc_struct ipc_struct_t;

// This process's handle on one message: the wire header it points to lives in the shm.
struct ipc_msg {
    ipc_struct_t* icb;    // the client's connection; null on the server side
    char* base;           // the wire header (struct ipc_msg_wire)
    u64 capacity;         // bytes from base to the end of the shm
    u64 send_cap_num;     // caps that ipc_call / ipc_return_with_cap pass: slots 0..n-1 (ipc_set_msg_cap)
};
typedef struct ipc_msg ipc_msg_t;

struct ipc_struct {
    long conn_cap;
    u64 shm_va;
    u64 shm_size;
    volatile int lock;
    ipc_msg_t msg;
};

typedef void (*server_handler)(ipc_msg_t* msg, u64 client_badge);
typedef void (*client_register_handler)(u64 shm_size, u64 client_badge);

extern "C" {
long usys_register_server(u64 ipc_routine, long register_cb_thread_cap, u64 register_cb_entry);
long usys_register_client(long server_thread_cap, long shm_pmo_cap, u64 shm_va);
long usys_ipc_register_cb_return(long handler_thread_cap, u64 shm_server_va);
long usys_ipc_call(long conn_cap, u64 msg_va, u64 cap_num);
long usys_ipc_return(long ret, u64 cap_num);
long usys_create_ipc_thread(u64 sp, u64 type);
long usys_spawn_with_cap(const char* name, long affinity, long cap);
long usys_get_main_thread(long cg_cap);

// The default client_register_handler: picks the shm's address in this process, creates the
// service thread (TYPE_SHADOW) and ends the registration (sys_ipc_register_cb_return).
void register_cb(u64 shm_size, u64 client_badge);
}
#define DEFAULT_CLIENT_REGISTER_HANDLER register_cb

// A fresh range of this process's address space (never reused).
u64 chcore_alloc_vaddr(u64 size);

long ipc_register_server(server_handler handler, client_register_handler reg_handler);
// A connection to the server whose main thread is server_thread_cap, or nullptr. Waits (yielding)
// while the server's register-callback thread is busy and, for a while, for a server that has not
// called ipc_register_server yet (then -EAGAIN).
ipc_struct_t* ipc_register_client(long server_thread_cap);
// The same, with the error: 0 or a negative errno.
long ipc_connect(long server_thread_cap, ipc_struct_t** out);

// Lays out a message with data_len bytes of data and cap_slot_number caps in the connection's
// shm and takes the connection for this thread; nullptr if it does not fit.
ipc_msg_t* ipc_create_msg(ipc_struct_t* icb, u64 data_len, u64 cap_slot_number);
long ipc_set_msg_data(ipc_msg_t* msg, const void* data, u64 offset, u64 len);
long ipc_set_msg_cap(ipc_msg_t* msg, u64 index, long cap);
// The message's data (nullptr if its header does not fit the shm), its length, its caps.
char* ipc_get_msg_data(ipc_msg_t* msg);
u64 ipc_get_msg_data_len(ipc_msg_t* msg);
u64 ipc_get_msg_cap_num(ipc_msg_t* msg);
long ipc_get_msg_cap(ipc_msg_t* msg, u64 index);
// Sends the message (with the caps set by ipc_set_msg_cap) and returns the server's reply, or a negative errno:
// -ESRCH (3) the server is gone, -EPROTO (71) it replied with a malformed message, -EINVAL (22)
// a malformed message, -ECAPBILITY (200) a bad cap, -EBUSY (16) another call is in progress.
long ipc_call(ipc_struct_t* icb, ipc_msg_t* msg);
long ipc_destroy_msg(ipc_msg_t* msg);
// Server side: replies ret to the client; _with_cap also passes the caps set by ipc_set_msg_cap
// (the client finds its own cap numbers in the same slots).
[[noreturn]] void ipc_return(ipc_msg_t* msg, long ret);
[[noreturn]] void ipc_return_with_cap(ipc_msg_t* msg, long ret);

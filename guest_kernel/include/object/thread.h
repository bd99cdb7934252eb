// Threads. A user thread owns a kernel stack whose top holds its saved register frame (ctx).
#pragma once
#include "arch/aarch64/context.h"
#include "common/list.h"
#include "object/object.h"

struct cap_group;
struct vmspace;

enum thread_state : u32 { TS_INIT = 0, TS_READY, TS_INTER, TS_RUNNING, TS_EXIT, TS_WAITING };
enum thread_type : u32 { TYPE_IDLE = 0, TYPE_ROOT, TYPE_USER, TYPE_SHADOW, TYPE_REGISTER, TYPE_TESTS };

#define NO_AFF (-1)
#define DEFAULT_BUDGET 1
#define THREAD_KSTACK_SIZE 0x2000

struct sched_context {
    u32 budget;
    u32 prio;
};

struct thread_ctx {
    arch_exec_ctx* ec;               // the saved frame, at the top of the kernel stack
    sched_context sc_storage;
    sched_context* sc;
    volatile thread_state state;
    thread_type type;
    s32 affinity;                    // NO_AFF or a CPU id
    u32 cpuid;                       // CPU whose queue it is on / that runs it
    volatile u32 kernel_stack_busy;  // 1 while some CPU runs on this thread's kernel stack
};

struct thread : object {
    ListNode ready_queue_node;  // in a ready queue (sched/policy_rr.cpp)
    ListNode node;              // in its cap_group's thread_list
    ListNode zombie_node;       // on the zombie list between exit and reaping
    thread_ctx ctx_storage;
    thread_ctx* thread_ctx;
    void* kstack;               // base of the kernel stack allocation
    struct cap_group* cap_group;
    struct vmspace* vmspace;
    // IPC (ipc/connection.cpp). ipc_state: ipc_thread_state of a register/service thread.
    // general_ipc_config: ipc_server_config on a server's main thread, ipc_server_register_cb_config
    // on its register-callback thread, ipc_server_handler_config on a bound service thread.
    volatile u32 ipc_state;
    void* general_ipc_config;
    volatile u32 exited;        // set once by thread_exit_state
};

// A new user thread of cg running at pc with stack sp and x0 = arg, not yet enqueued. It holds
// the scheduler's reference (dropped when the exited thread is reaped), and the caller gets one
// of its own, to obj_put once it has published the thread (a cap, a ready queue): the thread is
// on cg's list from the start, so another CPU may retire it at once (cap_group_exit retires
// parked IPC threads) and without that reference it could be freed under the caller.
// TYPE_SHADOW and TYPE_REGISTER threads start parked (TS_WAITING, no scheduling context): only
// IPC runs them (ipc/connection.cpp).
thread* create_user_thread(struct cap_group* cg, u64 pc, u64 sp, u64 arg, thread_type type, s32 affinity);
// Marks t exited and detaches it from its cap_group. t must not be running on another CPU.
// A second call for the same thread does nothing.
void thread_exit_state(thread* t);
// Frees exited threads whose kernel stacks are no longer in use by any CPU.
void reap_zombies();
void thread_deinit(object* obj);

// Kills the current thread's whole process after a fatal fault; prints why.
void kill_current_process(const char* why, u64 esr, u64 far, u64 elr);

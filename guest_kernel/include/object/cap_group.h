// cap_group: ChCore's process — a slot table of capabilities plus the threads that share it.
#pragma once
#include "common/list.h"
#include "object/object.h"
#include "object/thread.h"

// Well-known slots of every cap_group.
#define CAP_GROUP_OBJ_ID 0
#define VMSPACE_OBJ_ID 1
#define MAIN_THREAD_OBJ_ID 2
#define INHERITED_CAP_OBJ_ID 3  // what the parent passed with spawn_with_cap (uapi: CHCORE_INHERITED_CAP)

#define EXIT_STATUS_RUNNING (-0x7fffffffL)
#define EXIT_STATUS_KILLED (-9L)

struct cap_group : object {
    slot_table table;
    Spinlock threads_lock;
    IntrusiveList<thread, &thread::node> thread_list;
    u32 thread_cnt = 0;
    volatile bool exiting = false;   // set once; its threads exit when they next meet the kernel
    volatile s64 exit_status = EXIT_STATUS_RUNNING;
    bool is_root = false;
    u64 badge = 0;                   // unique per process: identifies IPC clients to servers
    char name[32] = {};
};

cap_group* create_cap_group(const char* name);
// Starts the exit of cg with status (first caller wins).
void cap_group_exit(cap_group* cg, s64 status);
void cap_group_deinit(object* obj);

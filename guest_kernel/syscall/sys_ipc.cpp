// Syscalls that IPC needs around the connection calls (ipc/connection.cpp): parked register and
// service threads, passing a capability to a new process, finding a process's main thread.
#include "common/errno.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "object/process.h"
#include "sched/sched.h"
#include "syscall/syscalls.h"
#include "uapi/ipc.h"

namespace {

cap_group* self_group() { return current_thread->cap_group; }

}  // namespace

// A register-callback (TYPE_REGISTER) or service (TYPE_SHADOW) thread of the caller's process
// with user stack sp. It starts parked: it runs only when IPC lends it a client's CPU, each time
// from the entry the server declared, with this stack. A parked thread may be retired by another
// CPU the moment it exists (its process exiting): the cap is made under create_user_thread's
// reference (without it, syscall_fuzz found cap_alloc taking a reference on a freed thread).
long sys_create_ipc_thread(u64 sp, u64 type) {
    thread_type tt;
    if (type == CHCORE_THREAD_TYPE_SHADOW)
        tt = TYPE_SHADOW;
    else if (type == CHCORE_THREAD_TYPE_REGISTER)
        tt = TYPE_REGISTER;
    else
        return -EINVAL;
    if (sp >= USER_SPACE_END || (sp & 15)) return -EINVAL;
    thread* t = create_user_thread(self_group(), 0, sp, 0, tt, NO_AFF);
    if (!t) return -ENOMEM;
    const cap_t cap = cap_alloc(self_group(), t);
    if (cap < 0) thread_exit_state(t);  // never ran: the reaper frees it
    obj_put(t);
    return cap;
}

// sys_spawn, and the new process finds the object behind `cap` (a cap of the caller) in its slot
// CHCORE_INHERITED_CAP before it starts.
long sys_spawn_with_cap(u64 uname, u64 len, u64 affinity, u64 cap) {
    char name[32];
    const s64 aff = static_cast<s64>(affinity);
    if (len == 0 || len >= sizeof(name) || aff < NO_AFF || aff >= PLAT_CPU_NUM) return -EINVAL;
    if (cap >= MAX_SLOTS) return -ECAPBILITY;
    ObjRef<object> passed(obj_get(self_group(), static_cast<cap_t>(cap), TYPE_NO_TYPE));
    if (!passed) return -ECAPBILITY;
    if (copy_from_user(name, uname, len) != 0) return -EFAULT;
    name[len] = '\0';
    auto r = spawn_process(name, TYPE_USER, static_cast<s32>(aff), passed.get());
    if (r.is_error()) return r.error();
    const cap_t cg_cap = cap_alloc(self_group(), r.value());
    obj_put(r.value());
    return cg_cap;
}

// A cap (in the caller) for the main thread of the process behind cg_cap: how a parent names a
// server it spawned to ipc_register_client.
long sys_get_main_thread(u64 cg_cap) {
    if (cg_cap >= MAX_SLOTS) return -ECAPBILITY;
    ObjRef<cap_group> cg(obj_get_typed<cap_group>(self_group(), static_cast<cap_t>(cg_cap), TYPE_CAP_GROUP));
    if (!cg) return -ECAPBILITY;
    ObjRef<thread> main_thread(obj_get_typed<thread>(cg.get(), MAIN_THREAD_OBJ_ID, TYPE_THREAD));
    if (!main_thread) return -ESRCH;  // the process is gone (its slots were emptied)
    return cap_alloc(self_group(), main_thread.get());
}

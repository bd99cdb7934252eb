// Thread, process and capability syscalls.
#include "common/errno.h"
#include "common/util.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "object/process.h"
#include "sched/sched.h"
#include "syscall/syscalls.h"

namespace {

cap_group* self_group() { return current_thread->cap_group; }

// A register value as a cap, rejecting values no slot table can hold.
bool as_cap(u64 v, cap_t* cap) {
    if (v >= MAX_SLOTS) return false;
    *cap = static_cast<cap_t>(v);
    return true;
}

bool as_affinity(u64 v, s32* aff) {
    const s64 a = static_cast<s64>(v);
    if (a < NO_AFF || a >= PLAT_CPU_NUM) return false;
    *aff = static_cast<s32>(a);
    return true;
}

// The thread named by cap, or the caller for cap == -1; with a reference.
thread* thread_arg(u64 v) {
    if (static_cast<s64>(v) == -1) {
        obj_get(current_thread);
        return current_thread;
    }
    cap_t cap;
    if (!as_cap(v, &cap)) return nullptr;
    return obj_get_typed<thread>(self_group(), cap, TYPE_THREAD);
}

}  // namespace

long sys_exit(u64 status) {
    cap_group_exit(self_group(), static_cast<s64>(status));
    thread_exit_state(current_thread);
    sched();
    return 0;
}

long sys_thread_exit() {
    thread_exit_state(current_thread);
    sched();
    return 0;
}

long sys_create_thread(u64 pc, u64 sp, u64 arg, u64 affinity) {
    s32 aff;
    if (!as_affinity(affinity, &aff)) return -EINVAL;
    if (pc >= USER_SPACE_END || sp >= USER_SPACE_END || (sp & 15)) return -EINVAL;
#if CHEMU_BUG_ENQUEUE_BEFORE_CTX
    // Seeded bug (kernel-bug-enqueue-before-ctx.img): the thread is queued first "so it starts
    // sooner", its entry point, stack and argument written just after. Its CPU may pick it up in
    // between (the IPI is sent from sched_enqueue) and enter user mode at address 0: the process dies.
    thread* t = create_user_thread(self_group(), 0, 0, 0, TYPE_USER, aff);
    if (!t) return -ENOMEM;
    sched_enqueue(t);
    t->thread_ctx->ec->elr = pc;
    t->thread_ctx->ec->sp = sp;
    t->thread_ctx->ec->x[0] = arg;
    const cap_t cap = cap_alloc(self_group(), t);
    obj_put(t);
    return cap;
#else
    thread* t = create_user_thread(self_group(), pc, sp, arg, TYPE_USER, aff);
    if (!t) return -ENOMEM;
    const cap_t cap = cap_alloc(self_group(), t);
    if (cap < 0)
        thread_exit_state(t);  // never ran: the reaper frees it
    else
        sched_enqueue(t);
    obj_put(t);
    return cap;
#endif
}

long sys_revoke_cap(u64 v) {
    cap_t cap;
    if (!as_cap(v, &cap)) return -ECAPBILITY;
    return cap_free(self_group(), cap);
}

long sys_spawn(u64 uname, u64 len, u64 affinity) {
    char name[32];
    s32 aff;
    if (len == 0 || len >= sizeof(name) || !as_affinity(affinity, &aff)) return -EINVAL;
    if (copy_from_user(name, uname, len) != 0) return -EFAULT;
    name[len] = '\0';
    auto r = spawn_process(name, TYPE_USER, aff);
    if (r.is_error()) return r.error();
    const cap_t cap = cap_alloc(self_group(), r.value());
    obj_put(r.value());
    return cap;
}

long sys_get_exit_status(u64 v) {
    cap_t cap;
    if (!as_cap(v, &cap)) return -ECAPBILITY;
    ObjRef<cap_group> cg(obj_get_typed<cap_group>(self_group(), cap, TYPE_CAP_GROUP));
    if (!cg) return -ECAPBILITY;
    SpinGuard guard(cg->threads_lock);
    if (!cg->exiting || cg->thread_cnt != 0) return -EAGAIN;
    return cg->exit_status;
}

long sys_set_affinity(u64 thread_cap, u64 cpu) {
    s32 aff;
    if (!as_affinity(cpu, &aff)) return -EINVAL;
    ObjRef<thread> t(thread_arg(thread_cap));
    if (!t) return -ECAPBILITY;
    return sched_set_affinity(t.get(), aff);
}

long sys_get_affinity(u64 thread_cap) {
    ObjRef<thread> t(thread_arg(thread_cap));
    if (!t) return -ECAPBILITY;
    return t->thread_ctx->affinity;
}

// Thread creation, exit and reaping.
#include "object/thread.h"
#include "common/errno.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "common/util.h"
#include "ipc/connection.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "sched/sched.h"

// Where a thread's process name is, for chemu's kernel model (emulator/guest/chcore_model.h), which
// finds this table by its symbol: "chlayout", offsetof(thread, cap_group), offsetof(cap_group, name).
// The kernel never reads it. (Both types derive from object: offsetof is conditionally supported
// there, and exact with this compiler's single, non-virtual inheritance.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
extern "C" [[gnu::used]] const u64 chcore_trace_layout[3] = {
    0x74756f79616c6863ull, offsetof(thread, cap_group), offsetof(cap_group, name)};
#pragma GCC diagnostic pop

namespace {

Spinlock zombie_lock;
IntrusiveList<thread, &thread::zombie_node> zombie_list;

void init_user_ctx(arch_exec_ctx* ec, u64 pc, u64 sp, u64 arg) {
    memset(ec, 0, sizeof(*ec));
    ec->elr = pc;
    ec->sp = sp;
    ec->spsr = SPSR_EL0T;
    ec->x[0] = arg;
}

// Called once the last thread of cg is gone: the group's caps die with it.
void cap_group_last_thread_gone(cap_group* cg) {
    cap_group_exit(cg, 0);
    cap_group_clear_slots(cg);
}

}  // namespace

thread* create_user_thread(cap_group* cg, u64 pc, u64 sp, u64 arg, thread_type type, s32 affinity) {
    ObjRef<vmspace> vms(obj_get_typed<vmspace>(cg, VMSPACE_OBJ_ID, TYPE_VMSPACE));
    if (!vms) return nullptr;
    auto* t = obj_alloc<thread>(TYPE_THREAD);
    if (!t) return nullptr;
    t->kstack = kmalloc(THREAD_KSTACK_SIZE);
    if (!t->kstack) {
        obj_put(t);
        return nullptr;
    }
    t->thread_ctx = &t->ctx_storage;
    thread_ctx* tc = t->thread_ctx;
    tc->ec = reinterpret_cast<arch_exec_ctx*>(static_cast<char*>(t->kstack) + THREAD_KSTACK_SIZE - sizeof(arch_exec_ctx));
    init_user_ctx(tc->ec, pc, sp, arg);
    if (type == TYPE_SHADOW || type == TYPE_REGISTER) {
        tc->sc = nullptr;  // runs only on a client's scheduling context
        tc->state = TS_WAITING;
        t->ipc_state = IPC_PARKED;
    } else {
        tc->sc = &tc->sc_storage;
        tc->sc->budget = DEFAULT_BUDGET;
        tc->state = TS_INIT;
    }
    tc->type = type;
    tc->affinity = affinity;
    obj_get(vms.get());
    t->vmspace = vms.get();
    obj_get(cg);
    t->cap_group = cg;
    obj_get(t);  // the caller's reference (see thread.h)
    {
        SpinGuard guard(cg->threads_lock);
        if (!cg->exiting) {
            cg->thread_list.push_back(t);
            cg->thread_cnt++;
            return t;
        }
    }
    obj_put(t);  // the group is dying: no new threads
    obj_put(t);
    return nullptr;
}

void thread_exit_state(thread* t) {
    if (__atomic_exchange_n(&t->exited, 1u, __ATOMIC_ACQ_REL) != 0) return;
    ipc_thread_exit_hook(t);
    cap_group* cg = t->cap_group;
    t->thread_ctx->state = TS_EXIT;
    bool last = false;
    {
        SpinGuard guard(cg->threads_lock);
        if (t->node.is_linked()) {
            cg->thread_list.remove(t);
            last = --cg->thread_cnt == 0;
        }
    }
    {
        SpinGuard guard(zombie_lock);
        zombie_list.push_back(t);
    }
    if (last) cap_group_last_thread_gone(cg);
}

// Runs at every rr_sched, so it must not make CPUs queue behind each other: it skips the lock when
// there is nothing to reap and leaves the reaping to whoever holds it. (With a plain lock, two CPUs
// yielding in loops convoyed on this ticket lock under chemu's slices: every yield took a whole
// slice of spinning, 1.2 us -> 28 us per switch.)
void reap_zombies() {
    for (;;) {
        thread* victim = nullptr;
        if (zombie_list.empty()) return;  // racy peek: a zombie seen late is reaped next time
        {
            const u64 daif = arch_irq_save();
            if (!zombie_lock.try_lock()) {
                arch_irq_restore(daif);
                return;
            }
            for (thread* t : zombie_list) {
                if (t->thread_ctx->kernel_stack_busy == 0 && t != current_thread) {
                    victim = t;
                    break;
                }
            }
            if (victim) zombie_list.remove(victim);
            zombie_lock.unlock();
            arch_irq_restore(daif);
            if (!victim) return;
        }
        obj_put(victim);  // the scheduler's reference
    }
}

void thread_deinit(object* obj) {
    auto* t = static_cast<thread*>(obj);
    BUG_ON(t->thread_ctx && t->thread_ctx->kernel_stack_busy);
    kfree(t->kstack);
    ipc_free_config(t);
    if (t->vmspace) obj_put(t->vmspace);
    if (t->cap_group) obj_put(t->cap_group);
}

void kill_current_process(const char* why, u64 esr, u64 far, u64 elr) {
    thread* t = current_thread;
    printk("[KILL] %s: %s (esr 0x%lx, far 0x%lx, pc 0x%lx) on CPU %u\n", t->cap_group->name, why, esr, far, elr,
           smp_get_cpu_id());
    cap_group_exit(t->cap_group, EXIT_STATUS_KILLED);
    thread_exit_state(t);
    sched();
}

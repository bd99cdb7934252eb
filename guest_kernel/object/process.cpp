// Process creation: cap_group + vmspace + ELF segments + lazily mapped stack + main thread.
#include "object/process.h"
#include "common/errno.h"
#include "common/kprint.h"
#include "common/macro.h"
#include "mm/vmspace.h"
#include "sched/sched.h"

namespace {

int map_stack(vmspace* vms) {
    auto r = pmo_create(USER_STACK_SIZE, PMO_ANONYM);
    if (r.is_error()) return r.error();
    int err = vmspace_map_pmo(vms, r.value(), USER_STACK_TOP - USER_STACK_SIZE, VMR_READ | VMR_WRITE);
    obj_put(r.value());
    return err;
}

// Fills the new cg: vmspace in slot 1, program and stack mapped, main thread in slot 2. The
// thread comes with create_user_thread's reference for the caller.
Result<thread*> populate(cap_group* cg, const u8* elf, u64 size, thread_type type, s32 affinity, object* inherited) {
    vmspace* vms = TRY(create_vmspace());
    const cap_t vcap = cap_alloc(cg, vms);
    obj_put(vms);
    if (vcap != VMSPACE_OBJ_ID) return Error{vcap < 0 ? vcap : -EINVAL};
    const u64 entry = TRY(load_elf(vms, elf, size));
    if (int err = map_stack(vms)) return Error{err};
    thread* t = create_user_thread(cg, entry, USER_STACK_TOP, 0, type, affinity);
    if (!t) return Error{-ENOMEM};
    if (cap_alloc(cg, t) != MAIN_THREAD_OBJ_ID || (inherited && cap_alloc(cg, inherited) != INHERITED_CAP_OBJ_ID)) {
        thread_exit_state(t);
        obj_put(t);
        return Error{-ENOMEM};
    }
    return t;
}

}  // namespace

Result<cap_group*> spawn_process(const char* name, thread_type type, s32 affinity, object* inherited) {
    u64 size;
    const u8* elf = ramdisk_find(name, &size);
    if (!elf) return Error{-ENOENT};
    cap_group* cg = create_cap_group(name);
    if (!cg) return Error{-ENOMEM};
    cg->is_root = type == TYPE_ROOT;
    auto t = populate(cg, elf, size, type, affinity, inherited);
    if (t.is_error()) {
        cap_group_clear_slots(cg);
        obj_put(cg);
        return Error{t.error()};
    }
    sched_enqueue(t.value());
    obj_put(t.value());
    return cg;
}

void create_root_thread() {
    auto r = spawn_process("procmgr", TYPE_ROOT, NO_AFF);
    BUG_ON(r.is_error());  // the kernel keeps this reference to the root process for good
    printk("Successfully enqueue root thread: 0xDEADBEEF\n");
}

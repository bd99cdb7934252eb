// Memory syscalls: create, map and unmap physical memory objects in the caller's vmspace.
#include "common/errno.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"
#include "sched/sched.h"
#include "syscall/syscalls.h"

namespace {

pmobject* pmo_arg(u64 v) {
    if (v >= MAX_SLOTS) return nullptr;
    return obj_get_typed<pmobject>(current_thread->cap_group, static_cast<cap_t>(v), TYPE_PMO);
}

}  // namespace

long sys_create_pmo(u64 size, u64 type) {
    if (type != PMO_DATA && type != PMO_ANONYM) return -EINVAL;
    auto r = pmo_create(size, static_cast<pmo_type>(type));
    if (r.is_error()) return r.error();
    const cap_t cap = cap_alloc(current_thread->cap_group, r.value());
    obj_put(r.value());
    return cap;
}

long sys_map_pmo(u64 pmo_cap, u64 va, u64 perm) {
    ObjRef<pmobject> pmo(pmo_arg(pmo_cap));
    if (!pmo) return -ECAPBILITY;
    return vmspace_map_pmo(current_thread->vmspace, pmo.get(), va, perm);
}

long sys_unmap_pmo(u64 pmo_cap, u64 va) {
    ObjRef<pmobject> pmo(pmo_arg(pmo_cap));
    if (!pmo) return -ECAPBILITY;
    return vmspace_unmap_pmo(current_thread->vmspace, pmo.get(), va);
}

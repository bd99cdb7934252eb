// Object lifetime (refcounts) and the capability slot table.
#include "object/object.h"
#include "common/errno.h"
#include "common/macro.h"
#include "common/util.h"
#include "ipc/connection.h"
#include "mm/kmalloc.h"
#include "mm/vmspace.h"
#include "object/cap_group.h"

namespace {

using deinit_fn = void (*)(object*);

deinit_fn deinit_of(object_type type) {
    switch (type) {
    case TYPE_CAP_GROUP: return cap_group_deinit;
    case TYPE_THREAD: return thread_deinit;
    case TYPE_PMO: return pmo_deinit;
    case TYPE_VMSPACE: return vmspace_deinit;
    case TYPE_CONNECTION: return connection_deinit;
    default: return nullptr;
    }
}

constexpr u32 SLOT_TABLE_INIT = 16;

// Doubles the table. Caller holds the table lock.
int grow_slots(slot_table* t) {
    const u32 new_size = t->size ? t->size * 2 : SLOT_TABLE_INIT;
    if (new_size > MAX_SLOTS) return -ENOSPC;
    auto** slots = static_cast<object**>(kzalloc(new_size * sizeof(object*)));
    if (!slots) return -ENOMEM;
    if (t->slots) {
        memcpy(slots, t->slots, t->size * sizeof(object*));
        kfree(t->slots);
    }
    t->slots = slots;
    t->size = new_size;
    return 0;
}

}  // namespace

void* obj_alloc_raw(object_type type, size_t size) {
    BUG_ON(type == TYPE_NO_TYPE || type >= TYPE_NR);
    return kzalloc(size);
}

void obj_get(object* obj) { __atomic_fetch_add(&obj->refcount, 1, __ATOMIC_RELAXED); }

void obj_put(object* obj) {
    const u32 old = __atomic_fetch_sub(&obj->refcount, 1, __ATOMIC_ACQ_REL);
    BUG_ON(old == 0);
    if (old != 1) return;
    if (deinit_fn fn = deinit_of(obj->type)) fn(obj);
    kfree(obj);
}

cap_t cap_alloc(cap_group* cg, object* obj) {
    slot_table* t = &cg->table;
    SpinGuard guard(t->lock);
    for (u32 i = 0;; ++i) {
        if (i == t->size) {
            if (int err = grow_slots(t)) return err;
        }
        if (!t->slots[i]) {
            obj_get(obj);
            t->slots[i] = obj;
            return static_cast<cap_t>(i);
        }
    }
}

object* obj_get(cap_group* cg, cap_t cap, object_type type) {
    slot_table* t = &cg->table;
    SpinGuard guard(t->lock);
    if (cap < 0 || static_cast<u32>(cap) >= t->size) return nullptr;
    object* obj = t->slots[cap];
    if (!obj || (type != TYPE_NO_TYPE && obj->type != type)) return nullptr;
    obj_get(obj);
    return obj;
}

int cap_free(cap_group* cg, cap_t cap) {
    object* obj;
    {
        slot_table* t = &cg->table;
        SpinGuard guard(t->lock);
        if (cap < 0 || static_cast<u32>(cap) >= t->size || !t->slots[cap]) return -ECAPBILITY;
        obj = t->slots[cap];
        t->slots[cap] = nullptr;
    }
    obj_put(obj);  // outside the lock: the last put may free a whole process
    return 0;
}

void cap_group_clear_slots(cap_group* cg) {
    object** slots;
    u32 size;
    {
        SpinGuard guard(cg->table.lock);
        slots = cg->table.slots;
        size = cg->table.size;
        cg->table.slots = nullptr;
        cg->table.size = 0;
    }
    for (u32 i = 0; i < size; ++i)
        if (slots[i]) obj_put(slots[i]);
    kfree(slots);
}

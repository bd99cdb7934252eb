// Kernel objects and capabilities. Every object starts with `object` (type + refcount). A
// cap_group's slot table maps small integers (caps) to objects, each slot holding one reference.
#pragma once
#include "common/lock.h"
#include "common/new.h"
#include "common/types.h"

enum object_type : u32 {
    TYPE_NO_TYPE = 0,  // "any type" when looking a cap up
    TYPE_CAP_GROUP,
    TYPE_THREAD,
    TYPE_CONNECTION,
    TYPE_NOTIFICATION,
    TYPE_IRQ,
    TYPE_PMO,
    TYPE_VMSPACE,
    TYPE_NR,
};

struct object {
    object_type type;
    u32 refcount;
};

void* obj_alloc_raw(object_type type, size_t size);
void obj_get(object* obj);
// Drops a reference; the last one runs the type's deinit and frees the memory.
void obj_put(object* obj);

template <typename T>
T* obj_alloc(object_type type) {
    void* mem = obj_alloc_raw(type, sizeof(T));
    if (!mem) return nullptr;
    T* o = new (mem) T();
    o->type = type;
    o->refcount = 1;
    return o;
}

struct cap_group;

#define MAX_SLOTS 1024
struct slot_table {
    Spinlock lock;
    object** slots = nullptr;
    u32 size = 0;
};

// Puts obj in a free slot of cg (taking a new reference). Returns the cap or -ENOMEM/-ENOSPC.
cap_t cap_alloc(cap_group* cg, object* obj);
// The object behind cap if it has `type` (TYPE_NO_TYPE: any), with a reference the caller must
// obj_put; nullptr for a bad cap.
object* obj_get(cap_group* cg, cap_t cap, object_type type);
// Empties slot cap. Returns 0 or -ECAPBILITY.
int cap_free(cap_group* cg, cap_t cap);
// Empties every slot (when a cap_group dies; breaks reference cycles through its own caps).
void cap_group_clear_slots(cap_group* cg);

template <typename T>
T* obj_get_typed(cap_group* cg, cap_t cap, object_type type) {
    return static_cast<T*>(obj_get(cg, cap, type));
}

// RAII reference to an object looked up through a cap: released when it goes out of scope.
template <typename T>
class ObjRef {
public:
    explicit ObjRef(T* p) : m_p(p) {}
    ~ObjRef() { if (m_p) obj_put(m_p); }
    ObjRef(const ObjRef&) = delete;
    ObjRef& operator=(const ObjRef&) = delete;
    T* operator->() const { return m_p; }
    T* get() const { return m_p; }
    explicit operator bool() const { return m_p != nullptr; }

private:
    T* m_p;
};

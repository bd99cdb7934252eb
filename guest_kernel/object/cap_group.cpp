// cap_group lifetime: created with its own cap in slot 0; dies when its last thread exits.
#include "object/cap_group.h"
#include "common/kprint.h"
#include "common/util.h"
#include "ipc/connection.h"

namespace {
u64 next_badge = 1;
}  // namespace

cap_group* create_cap_group(const char* name) {
    auto* cg = obj_alloc<cap_group>(TYPE_CAP_GROUP);
    if (!cg) return nullptr;
    size_t n = strlen(name);
    if (n >= sizeof(cg->name)) n = sizeof(cg->name) - 1;
    memcpy(cg->name, name, n);
    cg->badge = __atomic_fetch_add(&next_badge, 1, __ATOMIC_RELAXED);
    if (cap_alloc(cg, cg) != CAP_GROUP_OBJ_ID) {
        obj_put(cg);
        return nullptr;
    }
    return cg;
}

void cap_group_exit(cap_group* cg, s64 status) {
    {
        SpinGuard guard(cg->threads_lock);
        if (cg->exiting) return;
        cg->exit_status = status;
        __atomic_store_n(&cg->exiting, true, __ATOMIC_SEQ_CST);
    }
    ipc_retire_parked_threads(cg);
}

void cap_group_deinit(object* obj) {
    auto* cg = static_cast<cap_group*>(obj);
    // Slots are normally emptied when the last thread exits; a group that never ran has them.
    if (cg->table.slots) cap_group_clear_slots(cg);
}

// Ticket spinlock: fair between the four CPUs, so a busy CPU cannot starve another one's printk.
#include "common/lock.h"
#include "arch/aarch64/smp.h"
#include "common/macro.h"

void Spinlock::lock() {
    BUG_ON(is_locked_by_me());
    const u32 ticket = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&owner, __ATOMIC_ACQUIRE) != ticket) {
    }
    holder = static_cast<s32>(smp_get_cpu_id());
}

bool Spinlock::try_lock() {
    BUG_ON(is_locked_by_me());
    u32 free_ticket = __atomic_load_n(&owner, __ATOMIC_ACQUIRE);
    if (!__atomic_compare_exchange_n(&next, &free_ticket, free_ticket + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return false;
    holder = static_cast<s32>(smp_get_cpu_id());
    return true;
}

void Spinlock::unlock() {
    BUG_ON(!is_locked_by_me());
    holder = -1;
    __atomic_store_n(&owner, owner + 1, __ATOMIC_RELEASE);
}

bool Spinlock::is_locked_by_me() const {
    return is_locked() && __atomic_load_n(&holder, __ATOMIC_RELAXED) == static_cast<s32>(smp_get_cpu_id());
}

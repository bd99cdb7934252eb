// Ticket spinlock: fair between the four CPUs, so a busy CPU cannot starve another one's printk.
#include "common/lock.h"
#include "arch/aarch64/smp.h"
#include "common/macro.h"

namespace {

// The event-register instructions and an exclusive load of a ticket (A64: no LSE on the A53).
inline void send_event_local() { asm volatile("sevl" ::: "memory"); }
inline void wait_for_event() { asm volatile("wfe" ::: "memory"); }
inline u32 load_acquire_exclusive(const u32* p) {
    u32 v;
    asm volatile("ldaxr %w0, %1" : "=r"(v) : "Q"(*p) : "memory");
    return v;
}

}  // namespace

void Spinlock::lock() {
    BUG_ON(is_locked_by_me());
    const u32 ticket = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&owner, __ATOMIC_ACQUIRE) != ticket) wait_for_turn(ticket);
    holder = static_cast<s32>(smp_get_cpu_id());
}

// Sleeps in WFE instead of spinning, as Linux's arm64 locks wait. Each exclusive load of `owner` arms
// this CPU's exclusive monitor; the unlocker's store to the lock clears it, which is a wake-up event,
// so unlock() needs no SEV. Nothing is lost between the load and the WFE: a store there has already
// set the event register, and the WFE falls through. SEVL lets the first WFE fall through at once.
void Spinlock::wait_for_turn(u32 ticket) {
    send_event_local();
    do {
        wait_for_event();
    } while (load_acquire_exclusive(&owner) != ticket);
}

bool Spinlock::try_lock() {
    BUG_ON(is_locked_by_me());
    u32 free_ticket = __atomic_load_n(&owner, __ATOMIC_ACQUIRE);
    if (!__atomic_compare_exchange_n(&next, &free_ticket, free_ticket + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return false;
    holder = static_cast<s32>(smp_get_cpu_id());
    return true;
}

// The release store (STLR) also wakes the waiters: it clears their exclusive monitors.
void Spinlock::unlock() {
    BUG_ON(!is_locked_by_me());
    holder = -1;
    __atomic_store_n(&owner, owner + 1, __ATOMIC_RELEASE);
}

bool Spinlock::is_locked_by_me() const {
    return is_locked() && __atomic_load_n(&holder, __ATOMIC_RELAXED) == static_cast<s32>(smp_get_cpu_id());
}

// Ticket spinlock and its RAII guard. The guard masks IRQs (saving DAIF) for as long as it holds
// the lock, so an interrupt handler on the same CPU can never spin on a lock its own CPU holds.
// LDAXR/STLXR only (no LSE on the A53): __atomic builtins compile to exclusives here. A waiter
// sleeps in WFE until the unlocker's store clears its exclusive monitor (lock.cpp).
#pragma once
#include "common/types.h"

struct Spinlock {
    u32 next = 0;   // ticket handed to the next locker
    u32 owner = 0;  // ticket now served
    s32 holder = -1;  // CPU that holds it, for is_locked_by_me() checks

    void lock();
    void unlock();
    bool try_lock();  // takes it only if nobody holds or waits for it
    bool is_locked() const { return __atomic_load_n(&next, __ATOMIC_RELAXED) != __atomic_load_n(&owner, __ATOMIC_RELAXED); }
    bool is_locked_by_me() const;

private:
    void wait_for_turn(u32 ticket);  // in WFE until `owner` reaches the ticket
};

inline u64 arch_irq_save() {
    u64 daif;
    asm volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif)::"memory");
    return daif;
}
inline void arch_irq_restore(u64 daif) { asm volatile("msr daif, %0" ::"r"(daif) : "memory"); }

class [[nodiscard]] SpinGuard {
public:
    explicit SpinGuard(Spinlock& l) : m_lock(l), m_daif(arch_irq_save()) { m_lock.lock(); }
    ~SpinGuard() {
        m_lock.unlock();
        arch_irq_restore(m_daif);
    }
    SpinGuard(const SpinGuard&) = delete;
    SpinGuard& operator=(const SpinGuard&) = delete;

private:
    Spinlock& m_lock;
    u64 m_daif;
};

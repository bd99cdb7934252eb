// System register access and barriers.
#pragma once
#include "common/types.h"

#define read_sysreg(reg) ({ u64 _v; asm volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define write_sysreg(reg, v) asm volatile("msr " #reg ", %0" ::"r"((u64)(v)) : "memory")

inline void isb() { asm volatile("isb" ::: "memory"); }
inline void dsb_ish() { asm volatile("dsb ish" ::: "memory"); }
inline void dsb_ishst() { asm volatile("dsb ishst" ::: "memory"); }
inline void dsb_sy() { asm volatile("dsb sy" ::: "memory"); }
inline void wfi() { asm volatile("wfi" ::: "memory"); }
inline void arch_enable_irq() { asm volatile("msr daifclr, #2" ::: "memory"); }
inline void arch_disable_irq() { asm volatile("msr daifset, #2" ::: "memory"); }

// MMIO accessors (32-bit only: the BCM2836 local block accepts nothing else).
inline u32 get32(u64 va) { return *reinterpret_cast<volatile u32*>(va); }
inline void put32(u64 va, u32 v) { *reinterpret_cast<volatile u32*>(va) = v; }
